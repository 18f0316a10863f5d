package dev.zkscope.plonk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.profile.PhaseListener;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Every byte of a real proof is bound: a proof of a small random circuit at the standard preset
 * ({@link ProofParameters#standard()}: grinding, zero knowledge, at its minimum trace, 2^7 rows, so at the small-trace
 * rate 1/32 with 17 queries, {@link ProofParameters#forTrace(int)}) is
 * verified with one byte flipped, for every byte position (73,352 of them at 2^9 rows and 42 queries; 91 s on two cores shared with other
 * builds). Each flip must be a typed rejection: never accepted, never an exception, never
 * {@link VerifyError.InternalFailure}. The flipped bit cycles with the position so every bit lane is hit. Runs on the
 * common pool (both cores here). {@code -Dzkscope.quickTamper=true} flips a selection instead: every byte of every
 * section but the query openings (found through {@link Proof#sectionSizes()}), there the first query whole and then
 * every 11th byte (a stride coprime to the 8-byte field elements and 32-byte digests).
 */
class EveryByteTamperTest {
    @Test
    void verify_rejectsEveryFlippedByte_standardPreset() {
        ProofParameters p = ProofParameters.standard();
        int logN = p.minLogN();
        while ((1 << logN) - p.reservedRows() < 16) {
            logN++;
        }
        TestCircuits.Instance inst = TestCircuits.random(77, logN, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
        Proof proofObject = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        byte[] proof = proofObject.toBytes();
        long[][] instance = inst.witness().instance();
        VerifyingKey vk = pk.verifyingKey();
        assertThat(ProofSystem.verify(vk, instance, proof).accepted()).isTrue();

        int[] positions = Boolean.getBoolean("zkscope.quickTamper")
                ? positions(proofObject.sectionSizes(), proof.length, pk.verifyingKey().parameters().numQueries())
                : IntStream.range(0, proof.length).toArray();
        long t0 = System.nanoTime();
        List<String> failures = IntStream.of(positions).parallel().mapToObj(pos -> {
            byte[] bad = proof.clone();
            bad[pos] ^= (byte) (1 << (pos % 8));
            VerifyResult r = ProofSystem.verify(vk, instance, bad);
            if (r.accepted()) {
                return "byte " + pos + ": accepted";
            }
            VerifyError e = ((VerifyResult.Rejected) r).error();
            return e instanceof VerifyError.InternalFailure ? "byte " + pos + ": " + e.describe() : null;
        }).filter(s -> s != null).toList();
        System.out.printf("%d of %d bytes flipped one at a time (2^%d rows, standard preset) in %.1f s%n",
                positions.length, proof.length, logN, (System.nanoTime() - t0) / 1e9);
        assertThat(failures).as("positions not rejected with a typed error, of %d", positions.length).isEmpty();
    }

    /** Every position, but in the "queries" section the first query whole and then every {@link #STRIDE}th byte. */
    static int[] positions(Map<String, Integer> sections, int length, int numQueries) {
        IntStream.Builder out = IntStream.builder();
        int start = 0;
        for (Map.Entry<String, Integer> s : sections.entrySet()) {
            int end = Math.min(length, start + s.getValue());
            int whole = s.getKey().equals("queries") ? Math.min(end, start + (end - start) / numQueries + 2) : end;
            for (int pos = start; pos < end; pos += pos < whole ? 1 : STRIDE) {
                out.add(pos);
            }
            start = end;
        }
        for (int pos = start; pos < length; pos++) { // anything no section accounts for
            out.add(pos);
        }
        return out.build().toArray();
    }

    private static final int STRIDE = 11;
}
