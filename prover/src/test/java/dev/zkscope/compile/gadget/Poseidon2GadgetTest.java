package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Violation;
import dev.zkscope.compile.Geometry;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Poseidon2;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class Poseidon2GadgetTest {
    private static final long SEED = 20261204L;

    private static Geometry geometry() {
        return new Geometry(4, false, 4, 4, 2, true);
    }

    /** A hash of a 4-element salt and {@code n} signed values copied in from input cells, honest witness. */
    private static final class Fixture {
        final Harness h = new Harness(geometry());
        final long[] salt = new long[4];
        final long[] values;
        final Cell[] in;
        final Poseidon2Gadget.Hashed hashed;
        final List<Violation> honest;

        Fixture(int n) {
            SplittableRandom rnd = new SplittableRandom(SEED + n);
            values = Harness.smallValues(rnd, n);
            System.arraycopy(Harness.fieldElements(rnd, 4), 0, salt, 0, 4);
            in = h.inputs(n);
            h.layer("hash output", "Poseidon2");
            hashed = Poseidon2Gadget.placeOver(h.layout, Poseidon2.DOMAIN_OUTPUT, 4, in);
            Cell[] all = DotGadgetTest.concat(hashed.salt(), in);
            long[] vals = new long[4 + n];
            for (int i = 0; i < 4; i++) {
                vals[i] = Goldilocks.toSigned(salt[i]);
            }
            System.arraycopy(values, 0, vals, 4, n);
            honest = h.run(all, vals);
        }

        long[] digest() {
            long[] d = new long[4];
            for (int i = 0; i < 4; i++) {
                d[i] = Goldilocks.fromSigned(h.value(hashed.digest()[i]));
            }
            return d;
        }

        long[] nativeDigest() {
            long[] f = new long[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = Goldilocks.fromSigned(values[i]);
            }
            return Poseidon2.hash(Poseidon2.DOMAIN_OUTPUT, salt, f);
        }
    }

    @Test
    void validWitness_digestEqualsNativeSponge() {
        for (int n : new int[] {0, 3, 4, 12, 21}) {
            Fixture f = new Fixture(n);
            assertThat(f.honest).as("n = %d", n).isEmpty();
            assertThat(f.digest()).as("n = %d", n).containsExactly(f.nativeDigest());
            assertThat(f.hashed.rows()).isEqualTo((int) Poseidon2Gadget.rows(4, n));
        }
    }

    @Test
    void rowsAndDegree_areCharged() {
        Fixture f = new Fixture(21);
        // 25 elements: 4 permutations of 13 rows, plus the final state row
        assertThat(f.h.built.ledger().layer("hash output").rows()).isEqualTo(4 * 13 + 1);
        assertThat(f.h.built.ledger().layer("hash output").gates())
                .containsEntry("p2_full", 4L * 8).containsEntry("p2_part6", 4L * 3).containsEntry("p2_part4", 4L)
                .containsEntry("p2_absorb", 4L).containsEntry("p2_iv", 1L);
        assertThat(f.h.built.circuit().maxGateDegree()).isLessThanOrEqualTo(5);
    }

    /** The full rounds' constraints read the next state through M_E^-1: it must be M_E's inverse. */
    @Test
    void externalInverse_timesTheExternalMatrix_isTheIdentity() {
        int w = Poseidon2.WIDTH;
        for (int r = 0; r < w; r++) {
            for (int c = 0; c < w; c++) {
                long sum = 0;
                for (int k = 0; k < w; k++) {
                    sum = Goldilocks.add(sum, Goldilocks.mul(Poseidon2Gadget.EXTERNAL_INVERSE[r][k],
                            Goldilocks.fromSigned(Poseidon2.externalEntry(k, c))));
                }
                assertThat(sum).as("(%d, %d)", r, c).isEqualTo(r == c ? 1L : 0L);
            }
        }
    }

    /** A tampered next state after a full round breaks that round's constraint. */
    @Test
    void tamperedFullRoundOutput_fails() {
        Fixture f = new Fixture(12);
        int start = f.hashed.digest()[0].row() + 1 - f.hashed.rows();
        // the state entering the second full round (row start + 2) is the first full round's output
        List<Violation> v = f.h.tampered(new Cell(Column.advice(7), start + 2), 1);
        assertThat(v).isNotEmpty().anyMatch(x -> x.toString().contains("p2_full"));
    }

    @Test
    void tamperedCube_fails() {
        Fixture f = new Fixture(12);
        // the first full round's cube of element 5: row start + 1, column 12 + 5
        int start = f.hashed.digest()[0].row() + 1 - f.hashed.rows();
        List<Violation> v = f.h.tampered(new Cell(Column.advice(12 + 5), start + 1), 1);
        assertThat(v).isNotEmpty().allMatch(x -> x.region().layer().equals("hash output"));
    }

    @Test
    void tamperedPartialRoundState_fails() {
        Fixture f = new Fixture(12);
        int start = f.hashed.digest()[0].row() + 1 - f.hashed.rows();
        // rows start + 5 .. start + 8 hold the partial rounds (6, 6, 6, 4 per row)
        assertThat(f.h.tampered(new Cell(Column.advice(7), start + 6), 1)).isNotEmpty();
        assertThat(f.h.tampered(new Cell(Column.advice(0), start + 8), 1)).isNotEmpty();
    }

    @Test
    void tamperedPartialRoundSboxOrCube_fails() {
        Fixture f = new Fixture(12);
        int start = f.hashed.digest()[0].row() + 1 - f.hashed.rows();
        // round 3 of the second partial row: its cube in a[12 + 6], its S-box output in a[12 + 7]
        assertThat(f.h.tampered(new Cell(Column.advice(12 + 6), start + 6), 1)).isNotEmpty();
        assertThat(f.h.tampered(new Cell(Column.advice(12 + 7), start + 6), 1)).isNotEmpty();
        // the last partial row has 4 rounds: its S-box output of round 3 in a[12 + 7]
        assertThat(f.h.tampered(new Cell(Column.advice(12 + 7), start + 8), 1)).isNotEmpty();
    }

    @Test
    void tamperedDigest_fails() {
        Fixture f = new Fixture(12);
        assertThat(f.h.tampered(f.hashed.digest()[2], 1)).isNotEmpty();
    }

    @Test
    void tamperedMessage_failsItsCopy_andTamperedSalt_failsTheRounds() {
        Fixture f = new Fixture(12);
        assertThat(f.h.tampered(f.hashed.message()[7], 1)).isNotEmpty();
        assertThat(f.h.tampered(f.hashed.salt()[0], 1)).isNotEmpty();
    }

    @Test
    void nonZeroPadding_fails() {
        Fixture f = new Fixture(3);
        // salt 4 + 3 values = 7 absorbed; the eighth rate cell of the absorb row is padding
        int start = f.hashed.digest()[0].row() + 1 - f.hashed.rows();
        assertThat(f.h.tampered(new Cell(Column.advice(12 + 7), start), 1)).isNotEmpty();
    }

    @Test
    void wrongInitialCapacity_fails() {
        Fixture f = new Fixture(3);
        int start = f.hashed.digest()[0].row() + 1 - f.hashed.rows();
        assertThat(f.h.tampered(new Cell(Column.advice(9), start), 1)).isNotEmpty();
    }

    /**
     * A cheating prover that recomputes the whole hash honestly for a different message (every round consistent)
     * still cannot keep the old digest: the digest cells differ from the honest ones.
     */
    @Test
    void differentMessage_changesDigest() {
        Fixture a = new Fixture(12);
        Fixture b = new Fixture(12);
        assertThat(b.digest()).containsExactly(a.digest());
        long[] vals = a.values.clone();
        vals[11]++;
        long[] f = new long[vals.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = Goldilocks.fromSigned(vals[i]);
        }
        assertThat(Poseidon2.hash(Poseidon2.DOMAIN_OUTPUT, a.salt, f)).isNotEqualTo(a.digest());
    }
}
