package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Violation;
import dev.zkscope.compile.Geometry;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A segment boundary's fingerprint in the circuit: an output group copied in, masked by two salt elements and folded
 * at gamma; the public result equals the native fold, and each of its cells (stream, powers, accumulator, gamma) is
 * pinned by a constraint or a copy.
 */
class LinkGadgetTest {
    private static final long SEED = 20261206L;

    /** n signed values copied into a link group; gamma and the mask set as the compiler sets them. */
    private static final class Fixture {
        final Harness h = new Harness(new Geometry(4, false, 4, 4, 2, true));
        final long[] values;
        final long[] mask = new long[4];
        final Fp2 gamma;
        final Cell[] in;
        final Cell[] gammaPub;
        final LinkGadget.Linked linked;
        final List<Violation> honest;

        Fixture(int n) {
            SplittableRandom rnd = new SplittableRandom(SEED + n);
            values = Harness.smallValues(rnd, n);
            System.arraycopy(Harness.fieldElements(rnd, 4), 0, mask, 0, 4);
            gamma = new Fp2(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()) | 1);
            in = h.inputs(n);
            h.layer("link output", "Fingerprint");
            linked = LinkGadget.place(h.layout, n, in);
            gammaPub = InputGadget.placePublic(h.layout, 2);
            h.layout.copy(gammaPub[0], linked.gamma()[0]);
            h.layout.copy(gammaPub[1], linked.gamma()[1]);
            Cell[] set = new Cell[n + 6];
            long[] vals = new long[n + 6];
            System.arraycopy(in, 0, set, 0, n);
            System.arraycopy(values, 0, vals, 0, n);
            set[n] = linked.mask()[0];
            set[n + 1] = linked.mask()[1];
            set[n + 2] = linked.gamma()[0];
            set[n + 3] = linked.gamma()[1];
            set[n + 4] = gammaPub[0];
            set[n + 5] = gammaPub[1];
            vals[n] = Goldilocks.toSigned(mask[0]);
            vals[n + 1] = Goldilocks.toSigned(mask[1]);
            vals[n + 2] = Goldilocks.toSigned(gamma.c0());
            vals[n + 3] = Goldilocks.toSigned(gamma.c1());
            vals[n + 4] = vals[n + 2];
            vals[n + 5] = vals[n + 3];
            honest = h.run(set, vals);
        }

        Fp2 result() {
            return new Fp2(Goldilocks.fromSigned(h.value(linked.result()[0])),
                    Goldilocks.fromSigned(h.value(linked.result()[1])));
        }
    }

    @Test
    void honestWitness_isValid_andItsResultIsTheNativeFingerprint() {
        for (int n : new int[] {1, 5, 6, 7, 19, 40}) {
            Fixture f = new Fixture(n);
            assertThat(f.honest).as("n = %d", n).isEmpty();
            assertThat(f.result()).as("n = %d", n).isEqualTo(LinkGadget.fingerprint(f.mask, f.values, f.gamma));
            assertThat(f.linked.rows()).isEqualTo(LinkGadget.rows(n));
            assertThat(f.h.built.circuit().maxGateDegree()).isLessThanOrEqualTo(5);
        }
        // (2 + m) stream elements, 7 per row, and the row of the result
        assertThat(LinkGadget.rows(5)).isEqualTo(2);
        assertThat(LinkGadget.rows(6)).isEqualTo(3);
        assertThat(LinkGadget.rows(16_384)).isEqualTo(2_342);
    }

    @Test
    void theFingerprint_dependsOnEveryValue_theMask_andItsPosition() {
        Fixture f = new Fixture(19);
        Fp2 base = LinkGadget.fingerprint(f.mask, f.values, f.gamma);
        for (int i = 0; i < f.values.length; i++) {
            long[] v = f.values.clone();
            v[i] += 1;
            assertThat(LinkGadget.fingerprint(f.mask, v, f.gamma)).as("value %d", i).isNotEqualTo(base);
        }
        long[] swapped = f.values.clone();
        swapped[0] = f.values[1];
        swapped[1] = f.values[0];
        if (f.values[0] != f.values[1]) {
            assertThat(LinkGadget.fingerprint(f.mask, swapped, f.gamma)).isNotEqualTo(base);
        }
        long[] m = f.mask.clone();
        m[1] = Goldilocks.add(m[1], 1);
        assertThat(LinkGadget.fingerprint(m, f.values, f.gamma)).isNotEqualTo(base);
    }

    @Test
    void aValueChangedAfterTheCopy_breaksTheCopyOrTheFold() {
        Fixture f = new Fixture(19);
        // the group's own cell of value 3 (a stream cell): its copy from the output cell fails
        assertThat(f.h.tampered(f.linked.values()[3], 1)).isNotEmpty();
        // the output cell and the stream cell changed together: the fold no longer gives the accumulator
        assertThat(f.h.tamperedSet(new Cell[] {f.in[3], f.linked.values()[3]},
                new long[] {f.values[3] + 1, f.values[3] + 1})).isNotEmpty().anyMatch(x -> x.toString()
                .contains("link_horner"));
    }

    @Test
    void eachConstrainedCell_isPinned() {
        Fixture f = new Fixture(19);
        int start = f.linked.result()[0].row() - f.linked.rows() + 1;
        // gamma^3's real part on the second row
        assertThat(f.h.tampered(new Cell(Column.advice(LinkGadget.VALUES + 4), start + 1), 1))
                .anyMatch(x -> x.toString().contains("link_pow"));
        // gamma carried down: the second row's gamma
        assertThat(f.h.tampered(new Cell(Column.advice(LinkGadget.VALUES + 1), start + 1), 1))
                .anyMatch(x -> x.toString().contains("link_chain") || x.toString().contains("link_pow"));
        // the accumulator entering the first row must be zero
        assertThat(f.h.tampered(new Cell(Column.advice(3 * LinkGadget.VALUES), start), 1))
                .anyMatch(x -> x.toString().contains("link_start"));
        // the result
        assertThat(f.h.tampered(f.linked.result()[1], 1)).anyMatch(x -> x.toString().contains("link_horner"));
        // the first row's gamma against the public gamma
        assertThat(f.h.tampered(f.linked.gamma()[0], 1)).isNotEmpty();
        // the mask
        assertThat(f.h.tampered(f.linked.mask()[0], 1)).anyMatch(x -> x.toString().contains("link_horner"));
    }
}
