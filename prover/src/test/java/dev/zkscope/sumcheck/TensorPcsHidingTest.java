package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hiding commitment and its opening at one point (z, y). Simulator test: for any two data vectors and any
 * randomness used with the second, it solves for randomness of the first that gives the identical opening (evaluation
 * vector, proximity vector, every opened column) at the same challenges: the opening's distribution does not depend
 * on the data. Positive controls: with no blinding row, with one (an F_p2 weight on one base-field row leaves one
 * coordinate unmasked) and with one proximity mask row (the scheme before this change), no such randomness exists.
 */
class TensorPcsHidingTest {
    static final PcsParams P = PcsParams.testing();

    /** The blinding block B as a table of 2^m values: rows 0..b-1 random (row-major), zero after. */
    static long[] blockTable(TensorPcs.Committed c) {
        long[] t = new long[1 << c.shape.m()];
        long[] b = c.blindingBlock();
        System.arraycopy(b, 0, t, 0, b.length);
        return t;
    }

    static Fp2[] point(SplittableRandom r, int vars) {
        Fp2[] z = new Fp2[vars];
        for (int j = 0; j < vars; j++) {
            z[j] = SumcheckTest.randomExt(r);
        }
        return z;
    }

    static Fp2 value(TensorPcs.Committed c, long[] f, Fp2[] z) {
        Fp2[] x = Arrays.copyOf(z, c.shape.m());
        Fp2 y = z[c.shape.m()];
        return Fp2.ONE.sub(y).mul(Mle.evaluateBase(f, x)).add(y.mul(Mle.evaluateBase(blockTable(c), x)));
    }

    @Test
    void opensAtBlindedPointsAndRejectsEditedParts() throws Exception {
        for (int m : new int[] {4, 7, 10}) {
            SplittableRandom r = new SplittableRandom(m);
            long[] f = SumcheckTest.randomBase(r, 1 << m);
            int b = TensorPcs.blindRowsFor(m, P, 0);
            TensorPcs.Committed c = TensorPcs.commitHiding(f, P, new Random(m), b);
            Fp2[][] pts = {point(r, m + 1)};
            Fp2[] vals = {value(c, f, pts[0])};
            Transcript tp = new Transcript("h");
            c.commitment().absorbInto(tp);
            TensorPcs.Opening o = TensorPcs.open(c, pts, P, tp);
            check(c.commitment(), pts, vals, o);
            // wrong value; point without y; other y; commitment claiming other blinding rows
            assertThatThrownBy(() -> check(c.commitment(), pts, new Fp2[] {vals[0].add(Fp2.ONE)}, o))
                    .isInstanceOf(SumcheckException.class);
            assertThatThrownBy(() -> check(c.commitment(), new Fp2[][] {Arrays.copyOf(pts[0], m)}, vals, o))
                    .isInstanceOf(SumcheckException.class).hasMessageContaining("coordinates");
            Fp2[] otherY = pts[0].clone();
            otherY[m] = otherY[m].add(Fp2.ONE);
            assertThatThrownBy(() -> check(c.commitment(), new Fp2[][] {otherY}, vals, o)).isInstanceOf(SumcheckException.class);
            TensorPcs.Commitment fewer = new TensorPcs.Commitment(c.commitment().root(), m, b - 1);
            assertThatThrownBy(() -> check(fewer, pts, vals, o)).isInstanceOf(SumcheckException.class);
            // one symbol of every row of an opened column: data, blinding and mask rows
            for (int row = 0; row < o.columns()[0].length; row++) {
                long[][] cols = o.columns().clone();
                cols[0] = cols[0].clone();
                cols[0][row] = Goldilocks.add(cols[0][row], 1);
                TensorPcs.Opening bad = new TensorPcs.Opening(o.evalVectors(), o.proximity(), o.nonce(), o.queries(), cols,
                        o.salts(), o.paths());
                assertThatThrownBy(() -> check(c.commitment(), pts, vals, bad)).as("row %d", row)
                        .isInstanceOf(SumcheckException.class);
            }
            // the evaluation vector's pad and the proximity vector's last symbol
            long[][] ev = o.evalVectors().clone();
            ev[0] = ev[0].clone();
            ev[0][ev[0].length - 1] = Goldilocks.add(ev[0][ev[0].length - 1], 1);
            TensorPcs.Opening badV = new TensorPcs.Opening(ev, o.proximity(), o.nonce(), o.queries(), o.columns(), o.salts(), o.paths());
            assertThatThrownBy(() -> check(c.commitment(), pts, vals, badV)).isInstanceOf(SumcheckException.class);
            long[] u = o.proximity().clone();
            u[u.length - 1] = Goldilocks.add(u[u.length - 1], 1);
            TensorPcs.Opening badU = new TensorPcs.Opening(o.evalVectors(), u, o.nonce(), o.queries(), o.columns(), o.salts(), o.paths());
            assertThatThrownBy(() -> check(c.commitment(), pts, vals, badU)).isInstanceOf(SumcheckException.class);
        }
    }

    static void check(TensorPcs.Commitment c, Fp2[][] pts, Fp2[] vals, TensorPcs.Opening o) {
        Transcript tv = new Transcript("h");
        c.absorbInto(tv);
        TensorPcs.verify(c, pts, vals, o, P, tv);
    }

    /** A generator that hands out the given field elements, in order, as the commitment's randomness. */
    static final class Scripted extends Random {
        final long[] vals;
        int i;

        Scripted(long[] vals) {
            this.vals = vals;
        }

        @Override
        public long nextLong() {
            return i < vals.length ? vals[i++] : 0;
        }
    }

    /** How many random field elements a commitment draws (every pad, blinding and mask symbol). */
    static int randomness(int m, PcsParams p, int blind) {
        TensorPcs.Shape s = TensorPcs.shape(m, p);
        return s.rows() * (s.msg() - s.cols()) + (blind + s.maskRows()) * s.msg();
    }

    /** Everything the opening shows at fixed challenges (gamma, the query columns), as base-field values. */
    static long[] view(long[] f, long[] omega, PcsParams p, int blind, Fp2[] z, Fp2 gamma, int[] queries) {
        TensorPcs.Committed c = TensorPcs.commit(f, p, new Scripted(omega), blind);
        long[] v = TensorPcs.evalVector(c, z);
        long[] u = TensorPcs.proximityVector(c, gamma);
        int w = c.code.length;
        long[] out = new long[v.length + u.length + queries.length * w];
        System.arraycopy(v, 0, out, 0, v.length);
        System.arraycopy(u, 0, out, v.length, u.length);
        for (int q = 0; q < queries.length; q++) {
            System.arraycopy(TensorPcs.column(c, queries[q]), 0, out, v.length + u.length + q * w, w);
        }
        return out;
    }

    /** Randomness for data a that shows what data b shows with randomness omegaB, or null if there is none. */
    static long[] simulate(long[] a, long[] b, long[] omegaB, PcsParams p, int blind, Fp2[] z, Fp2 gamma, int[] qs) {
        int n = omegaB.length;
        long[] zero = new long[a.length];
        long[] target = view(b, omegaB, p, blind, z, gamma, qs);
        long[] base = view(a, new long[n], p, blind, z, gamma, qs);
        long[][] cols = new long[n][];
        for (int i = 0; i < n; i++) {
            long[] e = new long[n];
            e[i] = 1;
            cols[i] = view(zero, e, p, blind, z, gamma, qs);
        }
        long[] rhs = new long[target.length];
        for (int i = 0; i < rhs.length; i++) {
            rhs[i] = Goldilocks.sub(target[i], base[i]);
        }
        return solve(cols, rhs);
    }

    @Test
    void simulator_theOpeningDoesNotDependOnTheData() {
        int m = 6;
        SplittableRandom r = new SplittableRandom(42);
        TensorPcs.Shape s = TensorPcs.shape(m, P);
        int[] qs = new int[P.queries()];
        for (int q = 0; q < qs.length; q++) {
            qs[q] = r.nextInt(s.code());
        }
        Fp2 gamma = SumcheckTest.randomExt(r);
        long[] a = SumcheckTest.randomBase(r, 1 << m);
        long[] b = SumcheckTest.randomBase(r, 1 << m);
        int blind = TensorPcs.blindRowsFor(m, P, 0);
        Fp2[] z = point(r, m + 1);
        long[] omegaB = SumcheckTest.randomBase(r, randomness(m, P, blind));
        long[] omegaA = simulate(a, b, omegaB, P, blind, z, gamma, qs);
        assertThat(omegaA).as("randomness for a that shows b's opening").isNotNull();
        assertThat(view(a, omegaA, P, blind, z, gamma, qs)).isEqualTo(view(b, omegaB, P, blind, z, gamma, qs));

        // positive controls: one blinding row, and none (the point then has no y)
        long[] omega1 = SumcheckTest.randomBase(r, randomness(m, P, 1));
        assertThat(simulate(a, b, omega1, P, 1, z, gamma, qs)).as("one blinding row leaks").isNull();
        Fp2[] z0 = Arrays.copyOf(z, m);
        long[] omega0 = SumcheckTest.randomBase(r, randomness(m, P, 0));
        assertThat(simulate(a, b, omega0, P, 0, z0, gamma, qs)).as("no blinding row leaks").isNull();
    }

    /** sum_i x_i cols[i] = rhs over F_p, or null. */
    static long[] solve(long[][] cols, long[] rhs) {
        int n = cols.length;
        int rows = rhs.length;
        long[][] a = new long[rows][n + 1];
        for (int i = 0; i < rows; i++) {
            for (int u = 0; u < n; u++) {
                a[i][u] = cols[u][i];
            }
            a[i][n] = rhs[i];
        }
        int[] piv = new int[rows];
        int row = 0;
        for (int col = 0; col < n && row < rows; col++) {
            int p = -1;
            for (int i = row; i < rows; i++) {
                if (a[i][col] != 0) {
                    p = i;
                    break;
                }
            }
            if (p < 0) {
                continue;
            }
            long[] t = a[p];
            a[p] = a[row];
            a[row] = t;
            long inv = Goldilocks.inv(a[row][col]);
            for (int k = col; k <= n; k++) {
                a[row][k] = Goldilocks.mul(a[row][k], inv);
            }
            for (int i = 0; i < rows; i++) {
                if (i != row && a[i][col] != 0) {
                    long fct = a[i][col];
                    for (int k = col; k <= n; k++) {
                        a[i][k] = Goldilocks.sub(a[i][k], Goldilocks.mul(fct, a[row][k]));
                    }
                }
            }
            piv[row] = col;
            row++;
        }
        for (int i = row; i < rows; i++) {
            if (a[i][n] != 0) {
                return null;
            }
        }
        long[] x = new long[n];
        for (int i = 0; i < row; i++) {
            x[piv[i]] = a[i][n];
        }
        return x;
    }
}
