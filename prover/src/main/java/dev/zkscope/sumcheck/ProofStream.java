package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.transcript.Transcript;

/**
 * The proof as the sequence of the prover's messages, in the order the verifier reads them: every value the prover
 * sends is written here and absorbed into the transcript at the same point on both sides. Canonical encodings only;
 * the reader's failures are {@link Malformed} with the section being read.
 */
final class ProofStream {
    private ProofStream() {}

    record SumcheckMsg(SumcheckProof proof, Fp2[] finals) {}

    static final class Writer {
        final ByteWriter w = new ByteWriter();

        void fp2(Fp2 v, Transcript tr) {
            w.fp2(v);
            tr.absorb(v);
        }

        /** A sumcheck's rounds and final values (the sumcheck absorbed them itself). */
        void sumcheck(Sumcheck.Result r) {
            for (Fp2[] g : r.proof().rounds()) {
                for (Fp2 v : g) {
                    w.fp2(v);
                }
            }
            for (Fp2 v : r.finalValues()) {
                w.fp2(v);
            }
        }
    }

    static final class Reader {
        final ByteReader r;

        Reader(ByteReader r) {
            this.r = r;
        }

        Fp2 fp2(Transcript tr) throws Malformed {
            Fp2 v = r.fp2();
            tr.absorb(v);
            return v;
        }

        /** Reads m rounds of degree d and the given number of final values (not absorbed: the sumcheck does it). */
        SumcheckMsg sumcheck(int m, int d, int tables) throws Malformed {
            Fp2[][] rounds = new Fp2[m][d + 1];
            for (int k = 0; k < m; k++) {
                for (int t = 0; t <= d; t++) {
                    rounds[k][t] = r.fp2();
                }
            }
            Fp2[] f = new Fp2[tables];
            for (int j = 0; j < tables; j++) {
                f[j] = r.fp2();
            }
            return new SumcheckMsg(new SumcheckProof(rounds), f);
        }
    }
}
