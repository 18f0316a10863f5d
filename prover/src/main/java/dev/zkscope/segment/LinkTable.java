package dev.zkscope.segment;

import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.hash.Poseidon2;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the segments of a model are linked: a graph, not a chain. Each segment fingerprints what it gives as output
 * groups (one per boundary tensor it makes, or a part's own outputs), each masked by its own salt, once; each segment
 * that reads such a group fingerprints it again as one of its input groups, with the same salt, at the run's one link
 * challenge ({@link LinkChallenge}). A <b>boundary</b> is one output group of one segment (producer i, group g); its
 * consumers are every (segment j, input group h) that names it. The verifier requires, per boundary, the producer's
 * published output fingerprint, the fingerprint the proof bundle lists for the boundary, and every consumer's
 * published input fingerprint to be equal (fan-out); a segment may take input groups from several producers
 * (fan-in).
 *
 * <p>A table is well formed when: the first segment has no input groups (it takes the model's input at the model's
 * visibility) and the last none of output (it gives the model's output); every input group of every segment comes
 * from an output group of an earlier segment of the same size; group sizes are positive. {@link #check()} says which
 * segment breaks a rule. The table is part of the key bundle and of its digest, so a table edited after keygen no
 * longer matches the digest a proof bundle carries.
 *
 * @param sites one per segment, in order
 */
public record LinkTable(List<Site> sites) {
    /**
     * One segment's groups (the plan's {@link SegmentPlan.Segment#site()}).
     *
     * @param inSizes       its input groups' sizes, in the order its input values are cut
     * @param inFromSegment per input group, the producing segment (from 0)
     * @param inFromGroup   per input group, the producer's output group
     * @param outSizes      its output groups' sizes
     */
    public record Site(int[] inSizes, int[] inFromSegment, int[] inFromGroup, int[] outSizes)
            implements java.io.Serializable {
        public Site {
            inSizes = inSizes.clone();
            inFromSegment = inFromSegment.clone();
            inFromGroup = inFromGroup.clone();
            outSizes = outSizes.clone();
        }

        @Override
        public int[] inSizes() {
            return inSizes.clone();
        }

        @Override
        public int[] inFromSegment() {
            return inFromSegment.clone();
        }

        @Override
        public int[] inFromGroup() {
            return inFromGroup.clone();
        }

        @Override
        public int[] outSizes() {
            return outSizes.clone();
        }

        int inCount() {
            return inSizes.length;
        }

        int outCount() {
            return outSizes.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Site s && Arrays.equals(s.inSizes, inSizes)
                    && Arrays.equals(s.inFromSegment, inFromSegment) && Arrays.equals(s.inFromGroup, inFromGroup)
                    && Arrays.equals(s.outSizes, outSizes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(inSizes) * 31 + Arrays.hashCode(outSizes);
        }
    }

    /** The most groups one segment may have on one side. */
    static final int MAX_GROUPS = 1 << 16;

    public LinkTable {
        sites = List.copyOf(sites);
    }

    /** The table of a plan. */
    public static LinkTable of(SegmentPlan plan) {
        List<Site> out = new ArrayList<>();
        for (SegmentPlan.Segment s : plan.segments()) {
            out.add(s.site());
        }
        return new LinkTable(out);
    }

    public int count() {
        return sites.size();
    }

    public Site site(int i) {
        return sites.get(i);
    }

    /** Boundaries: the output groups of every segment, in (segment, group) order. */
    public int boundaries() {
        int n = 0;
        for (Site s : sites) {
            n += s.outCount();
        }
        return n;
    }

    /** The index of boundary (segment, group) among {@link #boundaries()}. */
    public int boundary(int segment, int group) {
        int n = 0;
        for (int i = 0; i < segment; i++) {
            n += sites.get(i).outCount();
        }
        return n + group;
    }

    /** The producer of boundary b: {segment, group}. */
    public int[] producer(int b) {
        for (int i = 0; i < sites.size(); i++) {
            int c = sites.get(i).outCount();
            if (b < c) {
                return new int[] {i, b};
            }
            b -= c;
        }
        throw new IndexOutOfBoundsException("no boundary " + b);
    }

    /** The consumers of boundary (segment, group): {consumer segment, its input group}, in order. */
    public List<int[]> consumers(int segment, int group) {
        List<int[]> out = new ArrayList<>();
        for (int j = segment + 1; j < sites.size(); j++) {
            Site s = sites.get(j);
            for (int h = 0; h < s.inCount(); h++) {
                if (s.inFromSegment[h] == segment && s.inFromGroup[h] == group) {
                    out.add(new int[] {j, h});
                }
            }
        }
        return out;
    }

    /** Null when well formed, else what is wrong, naming the segment (class javadoc). */
    public String check() {
        int n = sites.size();
        if (n == 0) {
            return "the link table has no segments";
        }
        if (sites.get(0).inCount() != 0) {
            return "segment 1 takes linked input groups (the first segment takes the model's input)";
        }
        if (n > 1 && sites.get(n - 1).outCount() != 0) {
            return "segment " + n + " gives linked output groups (the last segment gives the model's output)";
        }
        for (int j = 0; j < n; j++) {
            Site s = sites.get(j);
            if (s.inFromSegment.length != s.inCount() || s.inFromGroup.length != s.inCount()) {
                return "segment " + (j + 1) + ": its input groups and their producers differ in number";
            }
            for (int g = 0; g < s.outCount(); g++) {
                if (s.outSizes[g] < 1) {
                    return "segment " + (j + 1) + ": output group " + (g + 1) + " is empty";
                }
            }
            for (int h = 0; h < s.inCount(); h++) {
                int i = s.inFromSegment[h];
                int g = s.inFromGroup[h];
                if (i < 0 || i >= j) {
                    return "segment " + (j + 1) + ": input group " + (h + 1) + " comes from segment " + (i + 1)
                            + ", which is not before it";
                }
                if (g < 0 || g >= sites.get(i).outCount()) {
                    return "segment " + (j + 1) + ": input group " + (h + 1) + " comes from output group " + (g + 1)
                            + " of segment " + (i + 1) + ", which has " + sites.get(i).outCount();
                }
                if (s.inSizes[h] != sites.get(i).outSizes[g]) {
                    return "segment " + (j + 1) + ": input group " + (h + 1) + " has " + s.inSizes[h]
                            + " values, output group " + (g + 1) + " of segment " + (i + 1) + " has "
                            + sites.get(i).outSizes[g];
                }
            }
        }
        return null;
    }

    /**
     * Where segment i's digests start in its public values: after the public input and output and the weights'
     * digest. The compiler publishes the public input, the public output, the digests (weights, the hashed model
     * input, the hashed model output), then the link challenge and the groups' fingerprints.
     */
    static int inAt(ArtifactFiles.KeyFile kf) {
        int at = kf.publicInputCount() + (kf.outputPublic() ? kf.outputSize() : 0);
        if ((kf.hashed() & ArtifactFiles.KeyFile.HASHED_WEIGHTS) != 0) {
            at += Poseidon2.DIGEST;
        }
        return at;
    }

    /** Field elements of one link value: a fingerprint in F_p2 ({@code LinkGadget}). */
    public static final int LINK = 2;

    /** Digests of hashed model ends segment i publishes before its link values (first: input, last: output). */
    private int ends(int i, ArtifactFiles.KeyFile kf) {
        int e = 0;
        if (i == 0 && (kf.hashed() & ArtifactFiles.KeyFile.HASHED_INPUT) != 0) {
            e++;
        }
        if (i == sites.size() - 1 && (kf.hashed() & ArtifactFiles.KeyFile.HASHED_OUTPUT) != 0) {
            e++;
        }
        return e;
    }

    /** Whether segment i has link groups (then it publishes the link challenge gamma). */
    boolean linked(int i) {
        return sites.get(i).inCount() + sites.get(i).outCount() > 0;
    }

    /** Offset of segment i's link challenge gamma (two elements; meaningful when {@link #linked}). */
    int gammaAt(int i, ArtifactFiles.KeyFile kf) {
        return inAt(kf) + ends(i, kf) * Poseidon2.DIGEST;
    }

    /** Offset of output group g's fingerprint of segment i. */
    int outAt(int i, ArtifactFiles.KeyFile kf, int g) {
        return gammaAt(i, kf) + LINK + (sites.get(i).inCount() + g) * LINK;
    }

    /** Offset of input group h's fingerprint of segment i. */
    int inAt(int i, ArtifactFiles.KeyFile kf, int h) {
        return gammaAt(i, kf) + LINK + h * LINK;
    }

    /**
     * The public values segment i's proof carries: its key file's public input and output, one digest per hashed
     * model end (the first segment's hashed input, the last segment's hashed output), then, when it has link groups,
     * the link challenge and one fingerprint per group (input groups, then output groups).
     */
    int publicValues(int i, ArtifactFiles.KeyFile kf) {
        Site s = sites.get(i);
        return gammaAt(i, kf) + (linked(i) ? LINK + (s.inCount() + s.outCount()) * LINK : 0);
    }

    /** Offset of the last segment's hashed model output digest (after the first segment's hashed input's). */
    int modelOutputAt(int i, ArtifactFiles.KeyFile kf) {
        int modelInput = i == 0 && (kf.hashed() & ArtifactFiles.KeyFile.HASHED_INPUT) != 0 ? 1 : 0;
        return inAt(kf) + modelInput * Poseidon2.DIGEST;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(sites.size());
        for (Site s : sites) {
            out.writeInt(s.inCount());
            for (int h = 0; h < s.inCount(); h++) {
                out.writeInt(s.inSizes[h]);
                out.writeInt(s.inFromSegment[h]);
                out.writeInt(s.inFromGroup[h]);
            }
            out.writeInt(s.outCount());
            for (int g : s.outSizes) {
                out.writeInt(g);
            }
        }
    }

    /** Reads a table of {@code n} segments; counts are checked against the bytes left. */
    static LinkTable read(DataInputStream in, int n) throws IOException, ArtifactFiles.FormatException {
        int count = in.readInt();
        if (count != n) {
            throw new ArtifactFiles.FormatException("segment key bundle's link table has " + count + " segments, "
                    + "the bundle " + n);
        }
        List<Site> sites = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int ni = in.readInt();
            if (ni < 0 || ni > MAX_GROUPS || (long) ni * 12 > in.available()) {
                throw new ArtifactFiles.FormatException("segment key bundle's link table: segment " + (i + 1)
                        + " declares " + ni + " input groups");
            }
            int[] sz = new int[ni];
            int[] fs = new int[ni];
            int[] fg = new int[ni];
            for (int h = 0; h < ni; h++) {
                sz[h] = in.readInt();
                fs[h] = in.readInt();
                fg[h] = in.readInt();
            }
            int no = in.readInt();
            if (no < 0 || no > MAX_GROUPS || (long) no * 4 > in.available()) {
                throw new ArtifactFiles.FormatException("segment key bundle's link table: segment " + (i + 1)
                        + " declares " + no + " output groups");
            }
            int[] os = new int[no];
            for (int g = 0; g < no; g++) {
                os[g] = in.readInt();
            }
            sites.add(new Site(sz, fs, fg, os));
        }
        LinkTable t = new LinkTable(sites);
        String bad = t.check();
        if (bad != null) {
            throw new ArtifactFiles.FormatException("segment key bundle's link table: " + bad);
        }
        return t;
    }

    /** Feeds the table into a digest (the key bundle's). */
    void digestInto(MessageDigest md) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            write(out);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        md.update(b.toByteArray());
    }
}
