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
 * Commitments of a table whose values past {@code used} are zero (format v5: W and H commit only the rows their
 * segments reach): complete, bound to the committed row count, every edit rejected, and the batched hiding opening
 * still simulatable with one blinding row per committed row (exact test, as {@link ZkOpeningTest}'s).
 */
class PartialRowsTest {
    static final PcsParams P = PcsParams.testing();

    /** A table of 2^m values, random on the first {@code used}, zero after. */
    static long[] table(SplittableRandom r, int m, int used) {
        long[] f = new long[1 << m];
        System.arraycopy(SumcheckTest.randomBase(r, used), 0, f, 0, used);
        return f;
    }

    static int usedFor(int m) {
        TensorPcs.Shape s = TensorPcs.shape(m, P);
        assertThat(s.rows()).as("the test needs a matrix of several rows").isGreaterThanOrEqualTo(4);
        return (s.rows() / 2) * s.cols() + 3; // half the rows and three values of the next
    }

    static void check(TensorPcs.Commitment c, Fp2[][] pts, Fp2[] vals, ZkOpening.Proof pr) {
        Transcript tv = new Transcript("z");
        c.absorbInto(tv);
        ZkOpening.verify(c, pts, vals, pr, P, tv);
    }

    @Test
    void commitsOnlyTheUsedRowsAndOpensAtSeveralPoints() {
        int m = 10;
        int used = usedFor(m);
        TensorPcs.Shape s = TensorPcs.shape(m, P);
        int rows = TensorPcs.dataRows(m, used, P);
        assertThat(rows).isEqualTo(s.rows() / 2 + 1);
        SplittableRandom r = new SplittableRandom(21);
        long[] f = table(r, m, used);
        int blind = ZkOpening.blindRows(m, used, P);
        assertThat(blind).isEqualTo(rows);
        TensorPcs.Committed c = TensorPcs.commit(f, P, new Random(5), blind, used);
        assertThat(c.code.length).isEqualTo(rows + blind + s.maskRows());
        // the verifier's commitment from the layout (what SumcheckBackend derives) is the prover's
        TensorPcs.Commitment vc = SumcheckBackend.commitment(c.commitment().root(), m, used, P);
        assertThat(vc).usingRecursiveComparison().isEqualTo(c.commitment());
        Fp2[][] pts = {TensorPcsHidingTest.point(r, m), TensorPcsHidingTest.point(r, m)};
        Fp2[] vals = {Mle.evaluateBase(f, pts[0]), Mle.evaluateBase(f, pts[1])};
        Transcript tp = new Transcript("z");
        c.commitment().absorbInto(tp);
        ZkOpening.Proof pr = ZkOpening.prove(c, pts, P, tp);
        check(vc, pts, vals, pr);
        // a wrong value
        assertThatThrownBy(() -> check(vc, pts, new Fp2[] {vals[0].add(Fp2.ONE), vals[1]}, pr))
                .isInstanceOf(SumcheckException.class);
        // the same root read as a commitment of every row, or of one row fewer or more
        assertThatThrownBy(() -> check(new TensorPcs.Commitment(vc.root(), m, s.rows(), 0), pts, vals, pr))
                .isInstanceOf(SumcheckException.class);
        assertThatThrownBy(() -> check(new TensorPcs.Commitment(vc.root(), m, rows, rows - 1), pts, vals, pr))
                .isInstanceOf(SumcheckException.class);
        assertThatThrownBy(() -> check(new TensorPcs.Commitment(vc.root(), m, rows + 1, rows + 1), pts, vals, pr))
                .isInstanceOf(SumcheckException.class);
        // fewer blinding rows than committed rows
        assertThatThrownBy(() -> check(new TensorPcs.Commitment(vc.root(), m, rows - 1, rows), pts, vals, pr))
                .isInstanceOf(SumcheckException.class).hasMessageContaining("blinding rows");
        // other data in the used rows
        long[] g = f.clone();
        g[used - 1] = Goldilocks.add(g[used - 1], 1);
        TensorPcs.Committed c2 = TensorPcs.commit(g, P, new Random(5), blind, used);
        assertThatThrownBy(() -> check(c2.commitment(), pts, vals, pr)).isInstanceOf(SumcheckException.class);
    }

    @Test
    void aValuePastTheCommittedRowsIsRefused() {
        int m = 10;
        int used = usedFor(m);
        int rows = TensorPcs.dataRows(m, used, P);
        long[] f = table(new SplittableRandom(22), m, used);
        f[rows * TensorPcs.shape(m, P).cols()] = 1;
        assertThatThrownBy(() -> TensorPcs.commit(f, P, new Random(5), rows, used))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("past the");
        // values inside the last committed row, past used, are committed (the row is whole)
        long[] h = table(new SplittableRandom(22), m, used);
        h[used] = 7;
        TensorPcs.Committed c = TensorPcs.commit(h, P, new Random(5), rows, used);
        Fp2[] z = TensorPcsHidingTest.point(new SplittableRandom(23), m);
        Transcript tp = new Transcript("z");
        c.commitment().absorbInto(tp);
        ZkOpening.Proof pr = ZkOpening.prove(c, new Fp2[][] {z}, P, tp);
        check(c.commitment(), new Fp2[][] {z}, new Fp2[] {Mle.evaluateBase(h, z)}, pr);
    }

    /** As {@link ZkOpeningTest#view} for a commitment of the first {@code used} values' rows. */
    static long[] view(long[] f, long[] omega, int blind, int used, ZkOpeningTest.Challenges ch) {
        TensorPcs.Committed c = TensorPcs.commit(f, P, new TensorPcsHidingTest.Scripted(omega), blind, used);
        return ZkOpeningTest.view(c, f, ch);
    }

    @Test
    void simulator_twoTablesWithTheSameClaimsShowTheSameWithOneBlindingRowPerCommittedRow() {
        int m = 8;
        int used = usedFor(m);
        SplittableRandom r = new SplittableRandom(31);
        TensorPcs.Shape s = TensorPcs.shape(m, P);
        int rows = TensorPcs.dataRows(m, used, P);
        int blind = ZkOpening.blindRows(m, used, P);
        ZkOpeningTest.Challenges ch = ZkOpeningTest.Challenges.draw(r, m, s);
        long[] a = table(r, m, used);
        // b's difference from a is zero past used: the same committed rows
        long[] b = ZkOpeningTest.sameClaims(a, table(r, m, used), ch.pts());
        // pads of the committed rows, then the blinding and mask rows' messages
        int n = rows * (s.msg() - s.cols()) + (blind + s.maskRows()) * s.msg();
        ZkOpeningTest.View view = (t, omega) -> view(t, omega, blind, used, ch);
        long[] target = view.of(b, SumcheckTest.randomBase(r, n));
        long[] omegaA = ZkOpeningTest.randomnessShowing(view, a, target, n);
        assertThat(omegaA).as("randomness for a that shows b's opening").isNotNull();
        assertThat(view.of(a, omegaA)).isEqualTo(target);
        // positive control: one blinding row fewer than the committed rows, and no randomness for a shows b's view
        int fewer = blind - 1;
        int nf = rows * (s.msg() - s.cols()) + (fewer + s.maskRows()) * s.msg();
        ZkOpeningTest.View viewF = (t, omega) -> view(t, omega, fewer, used, ch);
        long[] targetF = viewF.of(b, SumcheckTest.randomBase(r, nf));
        assertThat(ZkOpeningTest.randomnessShowing(viewF, a, targetF, nf))
                .as("a leak with " + fewer + " blinding rows").isNull();
    }
}
