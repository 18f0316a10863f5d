package dev.zkscope.poly;

import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NttTest {
    static long[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = Goldilocks.reduce(r.nextLong());
        }
        return a;
    }

    /** out[k] = sum_j a[j] omega^(jk), computed directly at one k. */
    static long naive(long[] a, int k) {
        int logN = Integer.numberOfTrailingZeros(a.length);
        long w = Goldilocks.pow(Goldilocks.rootOfUnity(logN), k);
        long acc = 0;
        long x = 1;
        for (long v : a) {
            acc = Goldilocks.add(acc, Goldilocks.mul(v, x));
            x = Goldilocks.mul(x, w);
        }
        return acc;
    }

    @Test
    void forward_matchesNaiveDft_everySizeUpTo2pow14() {
        SplittableRandom pick = new SplittableRandom(1);
        for (int logN = 0; logN <= 14; logN++) {
            int n = 1 << logN;
            long[] a = random(n, logN);
            long[] t = a.clone();
            Ntt.forward(t);
            // Every output up to 2^10 (O(n^2)); beyond, 64 random outputs plus the first and last.
            if (logN <= 10) {
                for (int k = 0; k < n; k++) {
                    assertThat(t[k]).as("size 2^%d, k=%d", logN, k).isEqualTo(naive(a, k));
                }
            } else {
                assertThat(t[0]).isEqualTo(naive(a, 0));
                assertThat(t[n - 1]).isEqualTo(naive(a, n - 1));
                for (int i = 0; i < 64; i++) {
                    int k = pick.nextInt(n);
                    assertThat(t[k]).as("size 2^%d, k=%d", logN, k).isEqualTo(naive(a, k));
                }
            }
            Ntt.inverse(t);
            assertThat(t).isEqualTo(a);
        }
    }

    @Test
    void cosetLde_agreesWithHornerAndInterpolates() {
        for (int logN = 0; logN <= 8; logN++) {
            long[] c = random(1 << logN, 100 + logN);
            Coeffs f = new Coeffs(c);
            Evals e = Ntt.lde(f, 2, Goldilocks.GENERATOR);
            long w = Goldilocks.rootOfUnity(logN + 2);
            for (int i = 0; i < e.v().length; i += Math.max(1, e.v().length / 16)) {
                long x = Goldilocks.mul(Goldilocks.GENERATOR, Goldilocks.pow(w, i));
                assertThat(e.v()[i]).isEqualTo(f.evaluate(x));
            }
            long[] back = Ntt.interpolate(e).c();
            for (int i = 0; i < back.length; i++) {
                assertThat(back[i]).isEqualTo(i < c.length ? c[i] : 0);
            }
        }
    }

    @Test
    void cosetInto_writesTheCosetValuesIntoAReusedArray() {
        // sizes on both sides of the parallel threshold; one array reused for every coset, old values overwritten
        for (int logN : new int[] {0, 1, 5, 13, 15}) {
            long[] c = random(1 << logN, 300 + logN);
            long[] out = random(1 << logN, 400 + logN);
            for (long shift : new long[] {Goldilocks.GENERATOR, Goldilocks.mul(Goldilocks.GENERATOR, 12345)}) {
                Ntt.cosetInto(c, shift, out, Cancel.NEVER);
                assertThat(out).as("2^%d, shift %d", logN, shift).isEqualTo(Ntt.lde(new Coeffs(c), 0, shift).v());
            }
        }
        assertThatThrownBy(() -> Ntt.cosetInto(new long[8], 7, new long[4], Cancel.NEVER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 values for 8 coefficients");
    }

    @Test
    void parallelTransform_matchesSequentialOnLargeSizes() {
        long[] a = random(1 << 16, 5);
        long[] t = a.clone();
        Ntt.forward(t);
        for (int k : new int[] {0, 1, 12345, 65535}) {
            assertThat(t[k]).isEqualTo(naive(a, k));
        }
    }

    @Test
    void forward_radix4AndParallelPaths_matchNaiveDft_upTo2pow18() {
        // Odd and even stage counts (a final radix-2 stage or none), the parallel split of large radix-4 stages.
        SplittableRandom pick = new SplittableRandom(7);
        for (int logN = 15; logN <= 18; logN++) {
            int n = 1 << logN;
            long[] a = random(n, 40 + logN);
            long[] t = a.clone();
            Ntt.forward(t);
            assertThat(t[0]).isEqualTo(naive(a, 0));
            assertThat(t[n - 1]).isEqualTo(naive(a, n - 1));
            for (int i = 0; i < 12; i++) {
                int k = pick.nextInt(n);
                assertThat(t[k]).as("size 2^%d, k=%d", logN, k).isEqualTo(naive(a, k));
            }
            Ntt.inverse(t);
            assertThat(t).isEqualTo(a);
        }
    }

    @Test
    void cosetLde_largeSizesAndBlowups_agreeWithHorner() {
        SplittableRandom pick = new SplittableRandom(8);
        for (int logN : new int[] {12, 13, 14, 15}) {
            for (int logB = 1; logB <= 3; logB++) {
                long[] c = random(1 << logN, 200 + logN + logB);
                Coeffs f = new Coeffs(c);
                Evals e = Ntt.lde(f, logB, Goldilocks.GENERATOR);
                long w = Goldilocks.rootOfUnity(logN + logB);
                for (int i = 0; i < 8; i++) {
                    int k = pick.nextInt(e.v().length);
                    long x = Goldilocks.mul(Goldilocks.GENERATOR, Goldilocks.pow(w, k));
                    assertThat(e.v()[k]).as("2^%d blowup 2^%d k=%d", logN, logB, k).isEqualTo(f.evaluate(x));
                }
                long[] back = Ntt.interpolate(e).c();
                for (int k = 0; k < back.length; k++) {
                    assertThat(back[k]).isEqualTo(k < c.length ? c[k] : 0);
                }
            }
        }
    }

    @Test
    void lde_equalsForwardTransformOfShiftedZeroPaddedCoefficients() {
        // The extension is written in output order (shifted coefficients bit-reversed, then repeated); it must be
        // exactly the plain transform of (c_i shift^i) padded with zeros, on the sequential and parallel paths.
        for (int logN : new int[] {0, 1, 2, 5, 11, 13, 14, 15, 16}) {
            for (int logB = 0; logB <= 3; logB++) {
                long[] c = random(1 << logN, 300 + 7L * logN + logB);
                long shift = Goldilocks.GENERATOR;
                long[] ref = new long[c.length << logB];
                long s = 1;
                for (int i = 0; i < c.length; i++) {
                    ref[i] = Goldilocks.mul(c[i], s);
                    s = Goldilocks.mul(s, shift);
                }
                Ntt.forward(ref);
                assertThat(Ntt.lde(new Coeffs(c), logB, shift).v()).as("2^%d blowup 2^%d", logN, logB).isEqualTo(ref);
            }
        }
    }

    @Test
    void butterflyAddAndSub_equalTheFieldsOnCanonicalInputs() {
        long p = Goldilocks.P;
        long[] edge = {0, 1, 2, p - 1, p - 2, p >>> 1, (p >>> 1) + 1, 1L << 32, (1L << 32) - 1, 1L << 63,
            (1L << 63) - 1, p - (1L << 32), 0xFFFF_FFFFL * 3};
        for (long a : edge) {
            for (long b : edge) {
                assertThat(Ntt.add(a, b)).as("%s + %s", Long.toUnsignedString(a), Long.toUnsignedString(b))
                        .isEqualTo(Goldilocks.add(a, b));
                assertThat(Ntt.sub(a, b)).as("%s - %s", Long.toUnsignedString(a), Long.toUnsignedString(b))
                        .isEqualTo(Goldilocks.sub(a, b));
            }
        }
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            long a = Goldilocks.reduce(r.nextLong());
            long b = i % 2 == 0 ? Goldilocks.reduce(r.nextLong()) : p - 1 - (r.nextLong() >>> 40);
            assertThat(Ntt.add(a, b)).isEqualTo(Goldilocks.add(a, b));
            assertThat(Ntt.sub(a, b)).isEqualTo(Goldilocks.sub(a, b));
        }
    }
}
