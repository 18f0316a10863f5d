package dev.zkscope.field;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoldilocksTest {
    static final BigInteger P = new BigInteger("18446744069414584321");
    static final long[] EDGES = {0, 1, 2, 7, Goldilocks.P - 1, Goldilocks.P - 2, 0xFFFF_FFFFL, 0x1_0000_0000L,
            Goldilocks.P >>> 1, (Goldilocks.P >>> 1) + 1, Long.MAX_VALUE, Long.MIN_VALUE};

    static BigInteger big(long x) {
        return new BigInteger(Long.toUnsignedString(x));
    }

    static long[] samples() {
        SplittableRandom r = new SplittableRandom(42);
        long[] out = new long[2000 + EDGES.length];
        System.arraycopy(EDGES, 0, out, 0, EDGES.length);
        for (int i = EDGES.length; i < out.length; i++) {
            long v;
            do {
                v = r.nextLong();
            } while (!Goldilocks.isCanonical(v));
            out[i] = v;
        }
        return out;
    }

    @Test
    void arithmetic_matchesBigInteger() {
        long[] s = samples();
        for (int i = 0; i < s.length; i++) {
            long a = s[i];
            long b = s[(i * 7 + 3) % s.length];
            BigInteger A = big(a), B = big(b);
            assertThat(big(Goldilocks.add(a, b))).isEqualTo(A.add(B).mod(P));
            assertThat(big(Goldilocks.sub(a, b))).isEqualTo(A.subtract(B).mod(P));
            assertThat(big(Goldilocks.mul(a, b))).isEqualTo(A.multiply(B).mod(P));
            assertThat(big(Goldilocks.neg(a))).isEqualTo(A.negate().mod(P));
            assertThat(big(Goldilocks.pow(a, b))).isEqualTo(A.modPow(B, P));
            if (a != 0) {
                assertThat(big(Goldilocks.inv(a))).isEqualTo(A.modInverse(P));
            }
            assertThat(big(Goldilocks.fromUint128(a, b))).isEqualTo(A.shiftLeft(64).add(B).mod(P));
        }
    }

    @Test
    void canonical_rejectsValuesAtOrAboveP() {
        assertThat(Goldilocks.isCanonical(Goldilocks.P - 1)).isTrue();
        assertThat(Goldilocks.isCanonical(0)).isTrue();
        assertThat(Goldilocks.isCanonical(Goldilocks.P)).isFalse();
        assertThat(Goldilocks.isCanonical(-1L)).isFalse();
        assertThat(Goldilocks.reduce(Goldilocks.P)).isZero();
        assertThat(Goldilocks.reduce(-1L)).isEqualTo(0xFFFF_FFFEL);
        assertThatThrownBy(() -> Goldilocks.inv(0)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void signed_roundTrips() {
        for (long v : new long[] {0, 1, -1, 12345, -12345, Long.MAX_VALUE / 4, -(Long.MAX_VALUE / 4)}) {
            assertThat(Goldilocks.toSigned(Goldilocks.fromSigned(v))).isEqualTo(v);
        }
        assertThat(big(Goldilocks.fromSigned(Long.MIN_VALUE))).isEqualTo(BigInteger.valueOf(Long.MIN_VALUE).mod(P));
    }

    @Test
    void batchInverse_matchesSingleInverses() {
        long[] s = samples();
        long[] a = new long[500];
        for (int i = 0; i < a.length; i++) {
            a[i] = s[i] == 0 ? 5 : s[i];
        }
        long[] inv = Goldilocks.batchInverse(a);
        for (int i = 0; i < a.length; i++) {
            assertThat(inv[i]).isEqualTo(Goldilocks.inv(a[i]));
        }
        assertThat(Goldilocks.batchInverse(new long[0])).isEmpty();
        assertThatThrownBy(() -> Goldilocks.batchInverse(new long[] {1, 0})).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void rootsOfUnity_havePrimitiveOrder() {
        for (int k = 0; k <= 32; k++) {
            long w = Goldilocks.rootOfUnity(k);
            assertThat(big(w).modPow(BigInteger.ONE.shiftLeft(k), P)).isEqualTo(BigInteger.ONE);
            if (k > 0) {
                assertThat(big(w).modPow(BigInteger.ONE.shiftLeft(k - 1), P)).isNotEqualTo(BigInteger.ONE);
                assertThat(Goldilocks.mul(Goldilocks.rootOfUnity(k), Goldilocks.rootOfUnity(k))).isEqualTo(Goldilocks.rootOfUnity(k - 1));
            }
        }
        // 7 generates F_p^*: 7^((p-1)/q) != 1 for every prime q | p - 1.
        for (long q : new long[] {2, 3, 5, 17, 257, 65537}) {
            assertThat(BigInteger.valueOf(7).modPow(P.subtract(BigInteger.ONE).divide(BigInteger.valueOf(q)), P)).isNotEqualTo(BigInteger.ONE);
        }
        assertThatThrownBy(() -> Goldilocks.rootOfUnity(33)).isInstanceOf(IllegalArgumentException.class);
    }

    /** F_p2 against polynomial arithmetic mod X^2 - 7 in BigInteger. */
    @Test
    void extension_matchesBigIntegerModel() {
        long[] s = samples();
        for (int i = 0; i + 3 < s.length; i += 4) {
            Fp2 a = new Fp2(s[i], s[i + 1]);
            Fp2 b = new Fp2(s[i + 2], s[i + 3]);
            BigInteger a0 = big(a.c0()), a1 = big(a.c1()), b0 = big(b.c0()), b1 = big(b.c1());
            Fp2 m = a.mul(b);
            assertThat(big(m.c0())).isEqualTo(a0.multiply(b0).add(a1.multiply(b1).multiply(BigInteger.valueOf(7))).mod(P));
            assertThat(big(m.c1())).isEqualTo(a0.multiply(b1).add(a1.multiply(b0)).mod(P));
            if (!a.equals(Fp2.ZERO)) {
                assertThat(a.mul(a.inv())).isEqualTo(Fp2.ONE);
            }
            assertThat(a.add(b).sub(b)).isEqualTo(a);
            assertThat(a.pow(5)).isEqualTo(a.mul(a).mul(a).mul(a).mul(a));
        }
        // X^2 - 7 is irreducible: 7 is a quadratic non-residue mod p (Euler's criterion).
        assertThat(BigInteger.valueOf(7).modPow(P.subtract(BigInteger.ONE).shiftRight(1), P)).isEqualTo(P.subtract(BigInteger.ONE));
        assertThatThrownBy(() -> new Fp2(Goldilocks.P, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mulByPow2_matchesBigInteger_onEdgesAndRandomValues_anyUnsignedInput() {
        long[] edge = {0, 1, 2, Goldilocks.EPSILON, Goldilocks.EPSILON + 1, Goldilocks.P - 1, Goldilocks.P,
                Goldilocks.P + 1, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, (1L << 48) - 1};
        SplittableRandom r = new SplittableRandom(48);
        for (int k = 1; k < 64; k++) {
            BigInteger twoK = BigInteger.ONE.shiftLeft(k);
            for (long x : edge) {
                assertThat(big(Goldilocks.mulByPow2(x, k))).as("x=%x k=%d", x, k)
                        .isEqualTo(big(x).multiply(twoK).mod(P));
            }
            for (int i = 0; i < 200; i++) {
                long x = r.nextLong();
                assertThat(big(Goldilocks.mulByPow2(x, k))).as("x=%x k=%d", x, k)
                        .isEqualTo(big(x).multiply(twoK).mod(P));
                long c = Goldilocks.reduce(x);
                assertThat(Goldilocks.mulByPow2(c, k)).isEqualTo(Goldilocks.mul(c, Goldilocks.reduce(1L << k)));
            }
        }
        // The NTT's radix-4 butterflies multiply by omega_4 as a shift by 48.
        assertThat(Goldilocks.rootOfUnity(2)).isEqualTo(1L << 48);
    }

    @Test
    void mul_reduction_borrowPath_matchesBigInteger() {
        // Products whose low word is below their top 32 bits exercise the rare borrow branch of reduce128.
        SplittableRandom r = new SplittableRandom(96);
        for (int i = 0; i < 20000; i++) {
            long hi = r.nextLong();
            long lo = r.nextLong() >>> (32 + r.nextInt(32));
            BigInteger v = big(hi).shiftLeft(64).add(big(lo));
            assertThat(big(Goldilocks.fromUint128(hi, lo))).isEqualTo(v.mod(P));
        }
        long a = Goldilocks.P - 1;
        assertThat(big(Goldilocks.mul(a, a))).isEqualTo(big(a).multiply(big(a)).mod(P));
    }
}
