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
 * Checks a proof bundle against a key bundle, as a whole: the header against the keys (the keys digest, which covers
 * the link table, the segment count, each segment's circuit digest, trace height, rows and public-value count), the
 * link challenge (drawn here from the roots of every segment's committed link columns, which each proof carries; every
 * linked segment must have proved with it), every boundary of the link table (its producer's output fingerprint, the
 * bundle's link, and each consumer's input fingerprint must be equal), and every segment's proof against its key and
 * public values. The first failure is returned as a {@link BundleError} naming the
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
     * @param verifyNanos    time to verify each segment's proof (the segments are verified in parallel)
     * @param links          the boundary commitments, in the link table's order
     * @param outputCommitment the model output's commitment when hashed, else null
     * @param proofsWallNanos wall time to verify all the proofs, on every core
     */
    public record Accepted(ArtifactFiles.KeyFile last, long[] lastPublic, ArtifactFiles.KeyFile firstKey,
                           long[] firstPublic, long[] verifyNanos, List<long[]> links, long[] outputCommitment,
                           long proofsWallNanos)
            implements Result {
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


        /** Wall time to verify every segment's proof (less than the sum of {@link #verifyNanos} on several cores). */
        public long totalVerifyNanos() {
            return proofsWallNanos;
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
        LinkTable table = keys.links();
        byte[] expected = KeyBundle.digest(keys.model(), digests, table);
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
            int pv = table.publicValues(i, e.keyFile());
            if (p.publicValues().length != pv) {
                return new Rejected(new BundleError.HeaderMismatch(i, name, "public-value count", "" + pv,
                        "" + p.publicValues().length));
            }
        }
        // The link challenge: drawn from every segment's committed link columns' root, which each proof carries (and
        // its own transcript absorbs); every linked segment must have proved with it.
        long[] gamma = null;
        // When every segment carries one challenge and the bundle's roots give another, a root was changed after
        // its segment was proved: that segment's proof fails too, and names it, so this error waits for the proofs.
        Rejected challengeError = null;
        if (table.boundaries() > 0) {
            int[] heights = new int[n];
            List<byte[]> roots = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                heights[i] = b.parts().get(i).logN();
                byte[] root = table.linked(i) ? dev.zkscope.plonk.ProofSystem.committedRoot(vks.get(i),
                        b.parts().get(i).proof()) : new byte[0];
                if (table.linked(i) && root.length == 0) {
                    return new Rejected(new BundleError.Malformed(i, "segment " + (i + 1), "its proof does not start "
                            + "with the root of its committed link columns"));
                }
                roots.add(root);
            }
            gamma = LinkChallenge.derive(keys.model(), heights, roots);
            List<Integer> wrong = new ArrayList<>();
            // each linked segment's public gamma, in hex; how many segments carry each
            String[] own = new String[n];
            java.util.Map<String, Integer> carried = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                if (table.linked(i)) {
                    long[] pub = b.parts().get(i).publicValues();
                    int at = table.gammaAt(i, keys.entries().get(i).keyFile());
                    own[i] = Poseidon2.hex(linkAt(pub, at));
                    carried.merge(own[i], 1, Integer::sum);
                    if (!LinkChallenge.holds(pub, at, gamma)) {
                        wrong.add(i);
                    }
                }
            }
            if (!wrong.isEmpty()) {
                // A segment of another run, or one proved on changed values, changes its root and so this bundle's
                // challenge, and carries a challenge of its own: it is named when the other segments agree on one
                // (the one most of them carry); without such a majority, the first segment that disagrees with the
                // drawn challenge is. When every segment carries the same challenge, a root was changed after
                // proving, and that segment's proof fails first, so this error waits for the proofs.
                int name = wrong.get(0);
                boolean defer = carried.size() == 1;
                int most = carried.values().stream().max(Integer::compare).orElse(0);
                if (!defer && carried.values().stream().filter(c -> c == most).count() == 1) {
                    String common = carried.entrySet().stream().filter(e -> e.getValue() == most)
                            .findFirst().orElseThrow().getKey();
                    for (int i = 0; i < n; i++) {
                        if (own[i] != null && !own[i].equals(common)) {
                            name = i;
                            break;
                        }
                    }
                }
                challengeError = new Rejected(new BundleError.LinkMismatch(name, keys.describe(name),
                        "the link challenge", Poseidon2.hex(gamma) + " (drawn from every segment's committed link columns)",
                        own[name]));
                if (!defer) {
                    return challengeError;
                }
            }
        }
        if (b.links().size() != table.boundaries()) {
            return new Rejected(new BundleError.LinkMismatch(-1, "the bundle", "the number of links",
                    table.boundaries() + " (the boundaries of the key bundle's link table)", "" + b.links().size()));
        }
        // The links: per boundary, its producer's output fingerprint = the link = every consumer's input fingerprint.
        for (int i = 0; i < n; i++) {
            ArtifactFiles.KeyFile out = keys.entries().get(i).keyFile();
            int groups = table.site(i).outSizes().length;
            for (int g = 0; g < groups; g++) {
                int at = table.boundary(i, g);
                long[] link = b.links().get(at);
                long[] sent = linkAt(b.parts().get(i).publicValues(), table.outAt(i, out, g));
                if (!Arrays.equals(sent, link)) {
                    return new Rejected(new BundleError.LinkMismatch(i, keys.describe(i), "link " + (at + 1)
                            + " in the bundle (output group " + (g + 1) + ")", Poseidon2.hex(sent)
                            + " (what segment " + (i + 1) + " published)", Poseidon2.hex(link)));
                }
                for (int[] c : table.consumers(i, g)) {
                    int j = c[0];
                    long[] received = linkAt(b.parts().get(j).publicValues(),
                            table.inAt(j, keys.entries().get(j).keyFile(), c[1]));
                    if (!Arrays.equals(received, link)) {
                        return new Rejected(new BundleError.LinkMismatch(j, keys.describe(j), "the fingerprint of "
                                + "input group " + (c[1] + 1) + " of segment " + (j + 1), Poseidon2.hex(link)
                                + " (output group " + (g + 1) + " of segment " + (i + 1) + ", link " + (at + 1) + ")",
                                Poseidon2.hex(received)));
                    }
                }
            }
        }
        // Every proof, on every core: the segments' proofs are independent. MobileNetV2's 97 in a fresh JVM on 2
        // cores (`zkscope verify`, farm-bench, 10 pairs): 0.90 times the whole command's wall time one after another;
        // in a warm JVM 230-350 ms, in a fresh one 580-1,070 ms either way (the JIT compiles the verifier meanwhile).
        // The first rejected segment in bundle order is the one reported, whichever thread found it.
        long[] nanos = new long[n];
        VerifyResult[] results = new VerifyResult[n];
        long wall0 = System.nanoTime();
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
            long t0 = System.nanoTime();
            results[i] = verifySegment(keys.entries().get(i).keyFile(), vks.get(i), b.parts().get(i));
            nanos[i] = System.nanoTime() - t0;
        });
        long wall = System.nanoTime() - wall0;
        for (int i = 0; i < n; i++) {
            if (results[i] instanceof VerifyResult.Rejected rej) {
                return new Rejected(new BundleError.SegmentRejected(i, keys.describe(i), rej.error()));
            }
        }
        if (challengeError != null) {
            return challengeError;
        }
        ArtifactFiles.KeyFile first = keys.entries().get(0).keyFile();
        ArtifactFiles.KeyFile last = keys.entries().get(n - 1).keyFile();
        long[] lastPub = b.parts().get(n - 1).publicValues();
        long[] outputCommitment = (last.hashed() & ArtifactFiles.KeyFile.HASHED_OUTPUT) != 0
                ? digestAt(lastPub, table.modelOutputAt(n - 1, last)) : null;
        return new Accepted(last, lastPub, first, b.parts().get(0).publicValues(), nanos, b.links(),
                outputCommitment, wall);
    }

    /**
     * One segment's proof against its key: the key file's statement must be the one bound to the key, then the
     * proof (the public-value count was checked against the link table before).
     */
    private static VerifyResult verifySegment(ArtifactFiles.KeyFile kf, VerifyingKey key, Bundle.Part p) {
        if (!Arrays.equals(kf.statement(), key.statement())) {
            return new VerifyResult.Rejected(new dev.zkscope.plonk.VerifyError.StatementMismatch("the verifying-key "
                    + "file's interpretation data", "the key's statement", "other data (the file was edited)"));
        }
        long[][] instance = dev.zkscope.compile.ModelWitness.instanceOf(p.publicValues());
        return dev.zkscope.plonk.ProofSystem.verify(key, instance, p.proof());
    }

    /** The link value (a fingerprint, or the challenge: {@link LinkTable#LINK} elements) at {@code at}. */
    static long[] linkAt(long[] pub, int at) {
        long[] d = new long[LinkTable.LINK];
        for (int k = 0; k < d.length; k++) {
            d[k] = at + k < pub.length && at >= 0 ? Goldilocks.fromSigned(pub[at + k]) : 0;
        }
        return d;
    }

    /** The 4-element digest at {@code at} out of signed public values. */
    static long[] digestAt(long[] pub, int at) {
        long[] d = new long[Poseidon2.DIGEST];
        for (int k = 0; k < d.length; k++) {
            d[k] = Goldilocks.fromSigned(pub[at + k]);
        }
        return d;
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
