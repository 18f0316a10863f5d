package dev.zkscope.field;

/**
 * The quadratic extension F_p[X]/(X^2 - 7), elements c0 + c1 X. 7 is a non-residue mod p (it generates F_p^*), so
 * X^2 - 7 is irreducible and |F_p2| = p^2 ~ 2^128: large enough that the Schwartz-Zippel error of a challenge
 * (degree / p^2) is negligible, which the 64-bit base field alone is not. Challenges (LogUp and permutation
 * randomness, the constraint combiner, the out-of-domain point, FRI folding) live here; the trace stays in F_p.
 *
 * <p>This record is for the verifier and for code outside hot loops; the prover's loops inline the same formulas on
 * pairs of {@code long} arrays.
 */
public record Fp2(long c0, long c1) {
    /** The non-residue W with X^2 = W. */
    public static final long W = 7;
    public static final Fp2 ZERO = new Fp2(0, 0);
    public static final Fp2 ONE = new Fp2(1, 0);

    public Fp2 {
        if (!Goldilocks.isCanonical(c0) || !Goldilocks.isCanonical(c1)) {
            throw new IllegalArgumentException("non-canonical Fp2 coordinates");
        }
    }

    public static Fp2 of(long base) {
        return new Fp2(base, 0);
    }

    public boolean isBase() {
        return c1 == 0;
    }

    public Fp2 add(Fp2 o) {
        return new Fp2(Goldilocks.add(c0, o.c0), Goldilocks.add(c1, o.c1));
    }

    public Fp2 sub(Fp2 o) {
        return new Fp2(Goldilocks.sub(c0, o.c0), Goldilocks.sub(c1, o.c1));
    }

    public Fp2 neg() {
        return new Fp2(Goldilocks.neg(c0), Goldilocks.neg(c1));
    }

    /** (a0 + a1 X)(b0 + b1 X) = a0 b0 + W a1 b1 + (a0 b1 + a1 b0) X. */
    public Fp2 mul(Fp2 o) {
        return new Fp2(mul0(c0, c1, o.c0, o.c1), mul1(c0, c1, o.c0, o.c1));
    }

    public Fp2 mul(long base) {
        return new Fp2(Goldilocks.mul(c0, base), Goldilocks.mul(c1, base));
    }

    public Fp2 square() {
        return mul(this);
    }

    /** Norm N(a) = a * conj(a) = a0^2 - W a1^2, an element of F_p, zero only for a = 0. */
    public long norm() {
        return Goldilocks.sub(Goldilocks.mul(c0, c0), Goldilocks.mul(W, Goldilocks.mul(c1, c1)));
    }

    /** 1/a = conj(a) / N(a). Throws on zero. */
    public Fp2 inv() {
        long ni = Goldilocks.inv(norm());
        return new Fp2(Goldilocks.mul(c0, ni), Goldilocks.mul(Goldilocks.neg(c1), ni));
    }

    public Fp2 pow(long e) {
        Fp2 r = ONE;
        Fp2 b = this;
        while (e != 0) {
            if ((e & 1) != 0) {
                r = r.mul(b);
            }
            b = b.mul(b);
            e >>>= 1;
        }
        return r;
    }

    /** Real part of a product, for inlined loops. */
    public static long mul0(long a0, long a1, long b0, long b1) {
        return Goldilocks.add(Goldilocks.mul(a0, b0), Goldilocks.mul(W, Goldilocks.mul(a1, b1)));
    }

    /** X part of a product, for inlined loops. */
    public static long mul1(long a0, long a1, long b0, long b1) {
        return Goldilocks.add(Goldilocks.mul(a0, b1), Goldilocks.mul(a1, b0));
    }

    @Override
    public String toString() {
        return c1 == 0 ? Long.toUnsignedString(c0) : "(" + Long.toUnsignedString(c0) + " + " + Long.toUnsignedString(c1) + "X)";
    }
}
