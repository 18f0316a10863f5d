package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorPcsTest {
    static final PcsParams P = PcsParams.testing();

    record Setup(TensorPcs.Committed c, Fp2[][] pts, Fp2[] vals, TensorPcs.Opening o) {}

    static Setup setup(int m, PcsParams p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] f = SumcheckTest.randomBase(r, 1 << m);
        TensorPcs.Committed c = TensorPcs.commit(f, p, new Random(seed));
        Fp2[][] pts = new Fp2[2][m];
        Fp2[] vals = new Fp2[2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < m; j++) {
                pts[i][j] = SumcheckTest.randomExt(r);
            }
            vals[i] = Mle.evaluateBase(f, pts[i]);
        }
        Transcript tr = new Transcript("pcs");
        c.commitment().absorbInto(tr);
        return new Setup(c, pts, vals, TensorPcs.open(c, pts, p, tr));
    }

    static void verify(Setup s, Fp2[] vals, TensorPcs.Opening o, PcsParams p) {
        Transcript tr = new Transcript("pcs");
        s.c().commitment().absorbInto(tr);
        TensorPcs.verify(s.c().commitment(), s.pts(), vals, o, p, tr);
    }

    @Test
    void open_verifiesForEverySizeWithAndWithoutZk() {
        for (int m : new int[] {0, 1, 3, 8, 13}) {
            for (boolean zk : new boolean[] {false, true}) {
                PcsParams p = P.withZeroKnowledge(zk);
                Setup s = setup(m, p, m * 31L + (zk ? 1 : 0));
                verify(s, s.vals(), s.o(), p);
            }
        }
    }

    @Test
    void verify_rejectsWrongValue() {
        Setup s = setup(10, P, 3);
        Fp2[] bad = {s.vals()[0], s.vals()[1].add(Fp2.ONE)};
        assertThatThrownBy(() -> verify(s, bad, s.o(), P)).isInstanceOf(SumcheckException.class)
                .hasMessageContaining("claimed value");
    }

    @Test
    void verify_rejectsEvaluationVectorForgedToAWrongValue() {
        // Shift the first data symbol of v by delta / eq_lo[0], so that <v, eq_lo> is the wrong value delta higher:
        // Enc(v) then differs from the columns' combination almost everywhere.
        Setup s = setup(10, P, 4);
        TensorPcs.Shape sh = TensorPcs.shape(10, P);
        long[] eqLo = Mle.eqTable(TensorPcs.lo(s.pts()[0], sh));
        Fp2 delta = Fp2.ONE;
        Fp2 shift = delta.mul(Ext.get(eqLo, 0).inv());
        long[][] ev = s.o().evalVectors().clone();
        ev[0] = ev[0].clone();
        Ext.set(ev[0], 0, Ext.get(ev[0], 0).add(shift));
        TensorPcs.Opening forged = new TensorPcs.Opening(ev, s.o().proximity(), s.o().nonce(), s.o().queries(),
                s.o().columns(), s.o().salts(), s.o().paths());
        Fp2[] claimed = {s.vals()[0].add(delta), s.vals()[1]};
        assertThatThrownBy(() -> verify(s, claimed, forged, P)).isInstanceOf(SumcheckException.class);
    }

    @Test
    void verify_rejectsEveryByteFlipOfTheOpening() throws Malformed {
        Setup s = setup(6, P, 5);
        ByteWriter w = new ByteWriter();
        s.o().write(w);
        byte[] bytes = w.toBytes();
        // round trip
        verify(s, s.vals(), read(bytes), P);
        SplittableRandom r = new SplittableRandom(9);
        int step = Math.max(1, bytes.length / 400);
        for (int i = 0; i < bytes.length; i += step) {
            byte[] b = bytes.clone();
            b[i] ^= (byte) (1 << r.nextInt(8));
            boolean rejected;
            try {
                verify(s, s.vals(), read(b), P);
                rejected = false;
            } catch (Malformed | SumcheckException e) {
                rejected = true;
            }
            assertThat(rejected).as("flip at byte %d of %d", i, bytes.length).isTrue();
        }
    }

    static TensorPcs.Opening read(byte[] b) throws Malformed {
        ByteReader r = new ByteReader(b);
        TensorPcs.Opening o = TensorPcs.Opening.read(r);
        r.expectEnd();
        return o;
    }

    @Test
    void params_statedSecurity() {
        assertThat(PcsParams.standard().conjecturedBits()).isGreaterThanOrEqualTo(100);
        assertThat(PcsParams.provable().provableBits()).isGreaterThanOrEqualTo(100);
        assertThat(PcsParams.standard().provableBits()).isLessThan(PcsParams.standard().conjecturedBits());
        assertThat(PcsParams.testing().isInsecure()).isTrue();
    }
}
