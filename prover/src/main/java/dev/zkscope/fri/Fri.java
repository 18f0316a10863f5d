package dev.zkscope.fri;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.merkle.MerkleTree;
import dev.zkscope.poly.Evals;
import dev.zkscope.poly.Ntt;
import dev.zkscope.transcript.Transcript;

import java.util.stream.IntStream;

/**
 * FRI (Ben-Sasson, Bentov, Horesh, Riabzev 2018) over F_p2-valued codewords on a coset shift * &lt;omega_N&gt;.
 *
 * <p>Commit phase: a round of arity k = 2^a writes f as sum_{t&lt;k} X^t f_t(X^k) and, for a verifier challenge
 * beta, replaces it by sum_t beta^t f_t(Y) on the domain of k-th powers (size N/k, shift^k). Done as a binary
 * folds f_e + beta f_o, f_e(x^2) = (f(x) + f(-x))/2, f_o(x^2) = (f(x) - f(-x))/(2x), with challenges beta, beta^2,
 * beta^4, ...; the composition is exactly the k-ary fold. The k points sharing a k-th power, indices
 * j + t N/k (t &lt; k), form one Merkle leaf, so a query opens one path per round. When the degree bound reaches
 * 2^logFinalLen the polynomial is sent in clear.
 *
 * <p>Query phase: for a random index q the verifier reads the leaf containing q in each round, checks that it holds
 * the value expected from the previous round (or, in round 0, from the DEEP quotient of the openings), folds it, and
 * at the end compares with the final polynomial. A codeword delta-far from degree &lt; n survives a query with
 * probability about 1 - delta; the conjecture behind {@code conjecturedSecurityBits} is delta ~ 1 - rate.
 */
public final class Fri {
    private Fri() {}

    /** The prover's state after the commit phase, kept to answer queries. */
    public static final class Committed {
        public final int[] rounds;
        public final MerkleTree[] trees;
        final long[][] re;
        final long[][] im;
        public final Fp2[] finalPoly;

        Committed(int[] rounds, MerkleTree[] trees, long[][] re, long[][] im, Fp2[] finalPoly) {
            this.rounds = rounds;
            this.trees = trees;
            this.re = re;
            this.im = im;
            this.finalPoly = finalPoly;
        }

        /** The leaf (2k longs: re, im per position) of round r containing layer index leafIndex. */
        public long[] leaf(int r, int leafIndex) {
            int k = 1 << rounds[r];
            int m = re[r].length >>> rounds[r];
            long[] out = new long[2 * k];
            for (int t = 0; t < k; t++) {
                out[2 * t] = re[r][leafIndex + t * m];
                out[2 * t + 1] = im[r][leafIndex + t * m];
            }
            return out;
        }
    }

    /**
     * Commits to f (values re + im X on shift * &lt;omega&gt;, natural order), absorbing each layer root and drawing each
     * folding challenge from the transcript; the final polynomial (2^logFinalLen coefficients) is absorbed too.
     */
    public static Committed commit(long[] re, long[] im, long shift, int[] rounds, int logFinalLen, Transcript tr) {
        return commit(re, im, shift, rounds, logFinalLen, tr, depth -> 0);
    }

    /**
     * As {@link #commit(long[], long[], long, int[], int, Transcript)}, each layer's tree keeping its digests from
     * level {@code lowLevel(depth)} up (the layers' values are kept, so the leaves below are hashed again on demand).
     */
    public static Committed commit(long[] re, long[] im, long shift, int[] rounds, int logFinalLen, Transcript tr,
                                   java.util.function.IntUnaryOperator lowLevel) {
        return commit(re, im, shift, rounds, logFinalLen, tr, lowLevel, dev.zkscope.profile.PhaseListener.NONE);
    }

    /**
     * As {@link #commit(long[], long[], long, int[], int, Transcript, java.util.function.IntUnaryOperator)}, reporting
     * each folding round (its layer's Merkle tree and the fold) to {@code steps} as a step "FRI round r: 2^a to 2^b".
     */
    public static Committed commit(long[] re, long[] im, long shift, int[] rounds, int logFinalLen, Transcript tr,
                                   java.util.function.IntUnaryOperator lowLevel,
                                   dev.zkscope.profile.PhaseListener steps) {
        int nr = rounds.length;
        MerkleTree[] trees = new MerkleTree[nr];
        long[][] res = new long[nr][];
        long[][] ims = new long[nr][];
        long[] cr = re;
        long[] ci = im;
        long s = shift;
        for (int r = 0; r < nr; r++) {
            long roundStart = System.nanoTime();
            int a = rounds[r];
            int k = 1 << a;
            int size = cr.length;
            int m = size >>> a;
            final long[] fr = cr;
            final long[] fi = ci;
            trees[r] = MerkleTree.build(m, 2 * k, (leaf, buf) -> {
                for (int t = 0; t < k; t++) {
                    buf[2 * t] = fr[leaf + t * m];
                    buf[2 * t + 1] = fi[leaf + t * m];
                }
            }, null, lowLevel.applyAsInt(Integer.numberOfTrailingZeros(m)));
            res[r] = cr;
            ims[r] = ci;
            tr.absorb(trees[r].root());
            Fp2 beta = tr.challengeExt();
            long[] nrv = new long[m];
            long[] niv = new long[m];
            long invShift = Goldilocks.inv(s);
            long invOmega = Goldilocks.inv(Goldilocks.rootOfUnity(Integer.numberOfTrailingZeros(size)));
            int chunk = Math.max(1, Math.min(m, 1024));
            IntStream.range(0, m / chunk).parallel().forEach(c -> {
                long invX = Goldilocks.mul(invShift, Goldilocks.pow(invOmega, (long) c * chunk));
                long[] leafBuf = new long[2 * k];
                for (int j = c * chunk; j < (c + 1) * chunk; j++) {
                    for (int t = 0; t < k; t++) {
                        leafBuf[2 * t] = fr[j + t * m];
                        leafBuf[2 * t + 1] = fi[j + t * m];
                    }
                    Fp2 v = foldLeaf(leafBuf, a, invX, beta);
                    nrv[j] = v.c0();
                    niv[j] = v.c1();
                    invX = Goldilocks.mul(invX, invOmega);
                }
            });
            cr = nrv;
            ci = niv;
            s = Goldilocks.pow(s, k);
            steps.step("FRI round " + (r + 1) + ": 2^" + Integer.numberOfTrailingZeros(size) + " to 2^"
                    + Integer.numberOfTrailingZeros(m), roundStart, System.nanoTime() - roundStart);
        }
        int finalLen = 1 << logFinalLen;
        long[] c0 = Ntt.interpolate(new Evals(cr, s)).c();
        long[] c1 = Ntt.interpolate(new Evals(ci, s)).c();
        for (int i = finalLen; i < c0.length; i++) {
            if (c0[i] != 0 || c1[i] != 0) {
                throw new IllegalStateException("FRI final layer is not of degree < " + finalLen + " (coefficient " + i + ")");
            }
        }
        Fp2[] fin = new Fp2[finalLen];
        for (int i = 0; i < finalLen; i++) {
            fin[i] = new Fp2(c0[i], c1[i]);
            tr.absorb(fin[i]);
        }
        return new Committed(rounds, trees, res, ims, fin);
    }

    /**
     * Folds one leaf of arity 2^a: values leaf[2t] + leaf[2t+1] X at the points x zeta^t (zeta a primitive 2^a-th
     * root of unity), given invX = 1/x. Returns the folded value at x^(2^a).
     */
    public static Fp2 foldLeaf(long[] leaf, int a, long invX, Fp2 beta) {
        int k = 1 << a;
        Fp2[] w = new Fp2[k];
        for (int t = 0; t < k; t++) {
            w[t] = new Fp2(leaf[2 * t], leaf[2 * t + 1]);
        }
        long[] invZetaPow = a < INV_ZETA_POWERS.length ? INV_ZETA_POWERS[a]
                : Goldilocks.powers(Goldilocks.inv(Goldilocks.rootOfUnity(a)), k);
        long inv2 = INV2;
        Fp2 b = beta;
        long ix = invX;
        for (int kk = k, step = 1; kk > 1; kk >>= 1, step <<= 1) {
            int half = kk >> 1;
            for (int t = 0; t < half; t++) {
                Fp2 p = w[t];
                Fp2 q = w[t + half];
                long invY = Goldilocks.mul(ix, invZetaPow[t * step]);
                Fp2 even = p.add(q).mul(inv2);
                Fp2 odd = p.sub(q).mul(Goldilocks.mul(inv2, invY));
                w[t] = even.add(b.mul(odd));
            }
            b = b.square();
            ix = Goldilocks.mul(ix, ix);
        }
        return w[0];
    }

    /** 1/2, and the powers of 1/zeta for each folding arity 2^a up to 2^8: two inversions a leaf otherwise. */
    private static final long INV2 = Goldilocks.inv(2);
    private static final long[][] INV_ZETA_POWERS = new long[9][];

    static {
        for (int a = 0; a < INV_ZETA_POWERS.length; a++) {
            INV_ZETA_POWERS[a] = Goldilocks.powers(Goldilocks.inv(Goldilocks.rootOfUnity(a)), 1 << a);
        }
    }

    /** Horner evaluation of the final polynomial at a base-field point. */
    public static Fp2 evalFinal(Fp2[] coeffs, long x) {
        Fp2 acc = Fp2.ZERO;
        for (int i = coeffs.length - 1; i >= 0; i--) {
            acc = acc.mul(x).add(coeffs[i]);
        }
        return acc;
    }
}
