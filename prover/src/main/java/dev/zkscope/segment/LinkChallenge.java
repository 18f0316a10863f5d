package dev.zkscope.segment;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.transcript.Transcript;

import java.util.List;

/**
 * The segments' shared link challenge gamma (docs/segments.md, "Links"): drawn by Fiat-Shamir from the model's name,
 * the segment count, every segment's trace height and every segment's root of its separately committed link columns,
 * so it is fixed only after every boundary value of every segment is committed. The prover computes the roots before
 * proving any segment ({@link SegmentProver#precommit}); the verifier takes them from the segments' proofs. gamma is in
 * F_p2 \ F_p (the masks of a fingerprint are uniform only then): a draw in F_p is drawn again.
 */
public final class LinkChallenge {
    private LinkChallenge() {}

    static final String DOMAIN = "zkscope-segment-links-v1";

    /**
     * gamma as two canonical field elements.
     *
     * @param roots per segment, its committed link columns' root (empty for a segment without links)
     */
    public static long[] derive(String model, int[] logN, List<byte[]> roots) {
        if (logN.length != roots.size()) {
            throw new IllegalArgumentException(logN.length + " heights, " + roots.size() + " roots");
        }
        Transcript tr = new Transcript(DOMAIN);
        byte[] name = model.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        tr.absorbLong(name.length);
        tr.absorb(name);
        tr.absorbLong(logN.length);
        for (int i = 0; i < logN.length; i++) {
            tr.absorbLong(logN[i]);
            tr.absorbLong(roots.get(i).length);
            tr.absorb(roots.get(i));
        }
        while (true) {
            Fp2 g = tr.challengeExt();
            if (g.c1() != 0) {
                return new long[] {g.c0(), g.c1()};
            }
        }
    }

    /** Whether {@code signedPublic} holds gamma at {@code at}. */
    static boolean holds(long[] signedPublic, int at, long[] gamma) {
        return at >= 0 && at + 2 <= signedPublic.length
                && Goldilocks.fromSigned(signedPublic[at]) == gamma[0]
                && Goldilocks.fromSigned(signedPublic[at + 1]) == gamma[1];
    }
}
