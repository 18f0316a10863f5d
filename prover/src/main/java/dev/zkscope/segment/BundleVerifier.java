package dev.zkscope.segment;

import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Poseidon2;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.plonk.VerifyingKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks a proof bundle against a key bundle, as a whole: the header against the keys (the keys digest, the segment
 * count, each segment's circuit digest, trace height, rows and public-value count), every link against the two
 * segments it joins (segment i's output commitment and segment i+1's input commitment must both equal it), and every
 * segment's proof against its key and public values. The first failure is returned as a {@link BundleError} naming the
 * part; nothing in the bundle's bytes makes it throw.
 */
public final class BundleVerifier {
    private BundleVerifier() {}

    /** The verdict: accepted with what the bundle attests, or rejected with the failed check. */
    public sealed interface Result {
        boolean accepted();
    }

    /**
     * An accepted bundle.
     *
     * @param last           the last segment's key file (how the model's output reads)
     * @param lastPublic     the last segment's public values
     * @param firstKey       the first segment's key file (how the model's input reads)
     * @param firstPublic    the first segment's public values
     * @param verifyNanos    time to verify each segment's proof
     * @param links          the boundary commitments, in order
     */
    public record Accepted(ArtifactFiles.KeyFile last, long[] lastPublic, ArtifactFiles.KeyFile firstKey,
                           long[] firstPublic, long[] verifyNanos, List<long[]> links) implements Result {
        public boolean accepted() {
            return true;
        }

        /** The model's output when public (signed integers at the output scale), else null. */
        public long[] output() {
            if (!last.outputPublic()) {
                return null;
            }
            return Arrays.copyOfRange(lastPublic, last.publicInputCount(), last.publicInputCount() + last.outputSize());
        }

        /** The model input's commitment when hashed, else null. */
        public long[] inputCommitment() {
            return digest(firstKey, firstPublic, ArtifactFiles.KeyFile.HASHED_INPUT);
        }

        /** The model output's commitment when hashed, else null. */
        public long[] outputCommitment() {
            return digest(last, lastPublic, ArtifactFiles.KeyFile.HASHED_OUTPUT);
        }

        public long totalVerifyNanos() {
            long s = 0;
            for (long n : verifyNanos) {
                s += n;
            }
            return s;
        }
    }

    public record Rejected(BundleError error) implements Result {
        public boolean accepted() {
            return false;
        }
    }

    /** Verifies {@code bundleBytes} against the keys; the keys must decode (a damaged key file is the caller's error). */
    public static Result verify(KeyBundle keys, List<VerifyingKey> vks, byte[] bundleBytes) {
        Bundle b;
        try {
            b = Bundle.decode(bundleBytes);
        } catch (Bundle.FormatError e) {
            return new Rejected(new BundleError.Malformed(e.segment(), e.part(), e.getMessage()));
        }
        return verify(keys, vks, b);
    }

    public static Result verify(KeyBundle keys, List<VerifyingKey> vks, Bundle b) {
        int n = keys.count();
        List<byte[]> digests = new ArrayList<>();
        for (VerifyingKey k : vks) {
            digests.add(k.circuitDigest());
        }
        byte[] expected = KeyBundle.digest(keys.model(), digests);
        if (!b.model().equals(keys.model())) {
            return new Rejected(new BundleError.HeaderMismatch(-1, "the bundle", "model name", "'" + keys.model() + "'",
                    "'" + b.model() + "'"));
        }
        if (!Arrays.equals(expected, b.keysDigest())) {
            return new Rejected(new BundleError.KeysMismatch(hex(expected), hex(b.keysDigest())));
        }
        if (b.parts().size() != n) {
            return new Rejected(new BundleError.CountMismatch(n, b.parts().size()));
        }
        // The header against the keys: a segment moved, swapped in or edited shows here first.
        for (int i = 0; i < n; i++) {
            Bundle.Part p = b.parts().get(i);
            KeyBundle.Entry e = keys.entries().get(i);
            VerifyingKey vk = vks.get(i);
            String name = keys.describe(i);
            if (!Arrays.equals(p.circuitDigest(), vk.circuitDigest())) {
                return new Rejected(new BundleError.HeaderMismatch(i, name, "circuit digest", vk.circuitDigestHex(),
                        hex(p.circuitDigest())));
            }
            if (p.logN() != vk.constraintSystem().logN()) {
                return new Rejected(new BundleError.HeaderMismatch(i, name, "trace height", "2^"
                        + vk.constraintSystem().logN(), "2^" + p.logN()));
            }
            if (p.usedRows() != e.usedRows()) {
                return new Rejected(new BundleError.HeaderMismatch(i, name, "used rows", "" + e.usedRows(),
                        "" + p.usedRows()));
            }
            if (p.publicValues().length != e.keyFile().publicValueCount()) {
                return new Rejected(new BundleError.HeaderMismatch(i, name, "public-value count",
                        "" + e.keyFile().publicValueCount(), "" + p.publicValues().length));
            }
        }
        // The links: segment i's output commitment = the link = segment i+1's input commitment.
        for (int i = 0; i + 1 < n; i++) {
            ArtifactFiles.KeyFile out = keys.entries().get(i).keyFile();
            ArtifactFiles.KeyFile in = keys.entries().get(i + 1).keyFile();
            long[] sent = digest(out, b.parts().get(i).publicValues(), ArtifactFiles.KeyFile.HASHED_OUTPUT);
            long[] received = digest(in, b.parts().get(i + 1).publicValues(), ArtifactFiles.KeyFile.HASHED_INPUT);
            if (sent == null || received == null) {
                return new Rejected(new BundleError.LinkMismatch(i, keys.describe(i), "the keys' boundary",
                        "a hashed boundary on both sides", "none (the key bundle does not link its segments)"));
            }
            long[] link = b.links().get(i);
            if (!Arrays.equals(sent, link)) {
                return new Rejected(new BundleError.LinkMismatch(i, keys.describe(i), "the link in the bundle",
                        Poseidon2.hex(sent) + " (the output commitment of segment " + (i + 1) + ")",
                        Poseidon2.hex(link)));
            }
            if (!Arrays.equals(received, link)) {
                return new Rejected(new BundleError.LinkMismatch(i, keys.describe(i), "the input commitment of segment "
                        + (i + 2), Poseidon2.hex(link) + " (the output commitment of segment " + (i + 1) + ")",
                        Poseidon2.hex(received)));
            }
        }
        // Every proof.
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            Bundle.Part p = b.parts().get(i);
            ArtifactFiles.KeyFile kf = keys.entries().get(i).keyFile();
            long t0 = System.nanoTime();
            VerifyResult r = ArtifactFiles.verify(kf, vks.get(i), new ArtifactFiles.ProofFile(kf.model(),
                    p.publicValues(), p.proof()));
            nanos[i] = System.nanoTime() - t0;
            if (r instanceof VerifyResult.Rejected rej) {
                return new Rejected(new BundleError.SegmentRejected(i, keys.describe(i), rej.error()));
            }
        }
        ArtifactFiles.KeyFile first = keys.entries().get(0).keyFile();
        ArtifactFiles.KeyFile last = keys.entries().get(n - 1).keyFile();
        return new Accepted(last, b.parts().get(n - 1).publicValues(), first, b.parts().get(0).publicValues(), nanos,
                b.links());
    }

    /** A digest out of signed public values as a key file places it, or null when that value is not hashed. */
    static long[] digest(ArtifactFiles.KeyFile kf, long[] pub, int which) {
        int at = kf.digestAt(which);
        if (at < 0 || at + Poseidon2.DIGEST > pub.length) {
            return null;
        }
        long[] d = new long[Poseidon2.DIGEST];
        for (int k = 0; k < d.length; k++) {
            d[k] = Goldilocks.fromSigned(pub[at + k]);
        }
        return d;
    }

    private static String hex(byte[] d) {
        return HexFormat.of().formatHex(d);
    }
}
