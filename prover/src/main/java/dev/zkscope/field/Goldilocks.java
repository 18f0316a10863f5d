package dev.zkscope.field;

/**
 * Arithmetic in the Goldilocks prime field F_p, p = 2^64 - 2^32 + 1, on canonical {@code long}s.
 *
 * <p>Elements are stored as unsigned 64-bit values in [0, p). The reduction of a 128-bit product uses
 * 2^64 = 2^32 - 1 (mod p) and 2^96 = -1 (mod p): writing the product as lo + 2^64 (hiLo + 2^32 hiHi) gives
 * lo - hiHi + hiLo (2^32 - 1), two word operations and one multiply by a 32-bit constant.
 */
public final class Goldilocks {
    /** The modulus 2^64 - 2^32 + 1 as an unsigned long. */
    public static final long P = 0xFFFF_FFFF_0000_0001L;
    /** 2^32 - 1, which equals 2^64 mod p. */
    static final long EPSILON = 0xFFFF_FFFFL;

    private Goldilocks() {}

    /** True when {@code x} is the canonical encoding of a field element, i.e. x < p as unsigned. */
    public static boolean isCanonical(long x) {
        return Long.compareUnsigned(x, P) < 0;
    }

    /** Reduces any unsigned 64-bit value into [0, p). */
    public static long reduce(long x) {
        return Long.compareUnsigned(x, P) >= 0 ? x - P : x;
    }

    /** The field element equal to the signed integer {@code v} (negative values map to p - |v|). */
    public static long fromSigned(long v) {
        if (v >= 0) {
            return reduce(v);
        }
        // -v fits in 63 bits unless v == Long.MIN_VALUE; p - 2^63 handles that case exactly.
        return v == Long.MIN_VALUE ? P - Long.MIN_VALUE : P - (-v);
    }

    /** The signed integer in (-p/2, p/2] represented by a canonical element. */
    public static long toSigned(long x) {
        return Long.compareUnsigned(x, P >>> 1) > 0 ? -(P - x) : x;
    }

    /*
     * Carries and borrows are computed without branches: for random field elements they occur about half the time,
     * and a mispredicted branch costs more than the whole multiplication (measured: 2.5x on the multiply, see
     * BENCHMARKS.md). carry(x + y = s) is the top bit of (x & y) | ((x | y) & ~s); borrow(x - y = d) the top bit of
     * (~x & y) | (~(x ^ y) & d); an arithmetic shift by 63 turns it into an all-ones mask.
     */

    public static long add(long a, long b) {
        long s = a + b;
        // Unsigned overflow past 2^64: add 2^64 mod p = EPSILON. Neither step can overflow again for canonical inputs.
        s += EPSILON & (((a & b) | ((a | b) & ~s)) >> 63);
        return reduce(s);
    }

    public static long sub(long a, long b) {
        long d = a - b;
        // Borrowed 2^64: subtract 2^64 mod p; the result a - b + p is then in [0, p).
        return d - (EPSILON & (((~a & b) | (~(a ^ b) & d)) >> 63));
    }

    public static long neg(long a) {
        return a == 0 ? 0 : P - a;
    }

    public static long mul(long a, long b) {
        long lo = a * b;
        long hi = Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a); // unsigned high word
        return reduce128(hi, lo);
    }

    /**
     * x * 2^k for 0 &lt; k &lt; 64 without a multiplication: the 128-bit product is (x &gt;&gt;&gt; (64 - k), x &lt;&lt; k).
     * Accepts any unsigned 64-bit x; the result is canonical. (2^48 is a primitive 4th root of unity, 2^96 = -1.)
     */
    public static long mulByPow2(long x, int k) {
        return reduce128(x >>> (64 - k), x << k);
    }

    public static long square(long a) {
        return mul(a, a);
    }

    /** The unsigned 128-bit integer hi * 2^64 + lo reduced mod p. */
    public static long fromUint128(long hi, long lo) {
        return reduce128(hi, lo);
    }

    /** Reduces the 128-bit value hi * 2^64 + lo modulo p. */
    static long reduce128(long hi, long lo) {
        long hiHi = hi >>> 32;
        long hiLo = hi & EPSILON;
        long t0 = lo - hiHi;
        // hiHi < 2^32, so this borrow is rare (lo < 2^32) for products of general field elements: a predictable
        // branch is cheaper here than the branch-free mask (measured in BENCHMARKS.md). Borrowed 2^64: subtract EPSILON.
        if (Long.compareUnsigned(lo, hiHi) < 0) {
            t0 -= EPSILON;
        }
        long t1 = (hiLo << 32) - hiLo; // hiLo * EPSILON, < 2^64 without overflow
        long r = t0 + t1;
        r += EPSILON & (((t0 & t1) | ((t0 | t1) & ~r)) >> 63);
        return reduce(r);
    }

    public static long pow(long base, long exp) {
        long result = 1;
        long b = base;
        long e = exp;
        while (e != 0) {
            if ((e & 1) != 0) {
                result = mul(result, b);
            }
            b = mul(b, b);
            e >>>= 1;
        }
        return result;
    }

    /** Multiplicative inverse by Fermat, a^(p-2). Throws on zero. */
    public static long inv(long a) {
        if (a == 0) {
            throw new ArithmeticException("inverse of zero in Goldilocks");
        }
        return pow(a, P - 2);
    }

    /** 7 generates the multiplicative group F_p^*, of order p - 1 = 2^32 * 3 * 5 * 17 * 257 * 65537. */
    public static final long GENERATOR = 7;
    /** The largest power of two dividing p - 1. */
    public static final int TWO_ADICITY = 32;
    /** 7^((p-1)/2^32): a primitive 2^32-th root of unity. */
    private static final long ROOT_2_32 = pow(GENERATOR, (P - 1) >>> 32);

    /**
     * A primitive 2^logN-th root of unity, omega_{2^logN} = 7^((p-1)/2^logN); these satisfy omega_{2n}^2 = omega_n,
     * so the subgroups used by the NTT nest.
     */
    public static long rootOfUnity(int logN) {
        if (logN < 0 || logN > TWO_ADICITY) {
            throw new IllegalArgumentException("no 2^" + logN + "-th root of unity in Goldilocks (two-adicity 32)");
        }
        long r = ROOT_2_32;
        for (int i = logN; i < TWO_ADICITY; i++) {
            r = mul(r, r);
        }
        return r;
    }

    /**
     * Montgomery's batch inversion: out[i] = 1/a[i] with one field inversion and 3(n-1) multiplications, from the
     * prefix products a[0]...a[i]. Throws on a zero entry.
     */
    public static long[] batchInverse(long[] a) {
        int n = a.length;
        long[] out = new long[n];
        if (n == 0) {
            return out;
        }
        long acc = 1;
        for (int i = 0; i < n; i++) {
            if (a[i] == 0) {
                throw new ArithmeticException("batch inverse of zero at index " + i);
            }
            out[i] = acc;
            acc = mul(acc, a[i]);
        }
        long inv = inv(acc);
        for (int i = n - 1; i >= 0; i--) {
            out[i] = mul(out[i], inv);
            inv = mul(inv, a[i]);
        }
        return out;
    }

    /** Powers base^0 .. base^(count-1). */
    public static long[] powers(long base, int count) {
        long[] out = new long[count];
        long x = 1;
        for (int i = 0; i < count; i++) {
            out[i] = x;
            x = mul(x, base);
        }
        return out;
    }
}
