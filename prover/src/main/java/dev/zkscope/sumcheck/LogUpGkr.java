package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.transcript.Transcript;

import java.util.Arrays;

/**
 * LogUp-GKR (Papini and Haböck, eprint 2023/1284): the fractional sum sum_i p_i / q_i over 2^L leaves, proved zero by a
 * GKR circuit of fraction additions without committing any helper column.
 *
 * <p>Layer k has 2^k fractions; node i of layer k adds its children i and i + 2^k of layer k+1:
 * p_k(i) = p_{k+1}(i) q_{k+1}(i + 2^k) + p_{k+1}(i + 2^k) q_{k+1}(i), q_k(i) = q_{k+1}(i) q_{k+1}(i + 2^k). The prover
 * sends the root (P, Q); the verifier checks P = 0 and Q != 0. A claim (p_k~(r), q_k~(r)) reduces by one degree-3
 * sumcheck of sum_i eq(r, i) [pL qR + pR qL + lambda qL qR] to the children's four values at a point rho, and a random
 * mu joins them into one claim on layer k+1 at (rho, mu) (mu is the top variable, which picks the right child). At the
 * leaves the caller checks the claim against p~ and q~ it derives from committed values. Soundness error per layer:
 * 3 k / |F_p2| for the sumcheck plus 2 / |F_p2| for lambda and mu.
 */
final class LogUpGkr {
    private LogUpGkr() {}

    /** The leaf point and the claimed leaf values (p~, q~) there. */
    record LeafClaim(Fp2[] point, Fp2 p, Fp2 q) {}


    static Sumcheck.Form form(Fp2 lambda) {
        // tables: 0 eq, 1 pL, 2 pR, 3 qL, 4 qR
        return new Sumcheck.Form(new int[][] {{0, 1, 4}, {0, 2, 3}, {0, 3, 4}}, new Fp2[] {Fp2.ONE, Fp2.ONE, lambda});
    }

    /** Prover: leaves p, q (interleaved extension, 2^L each). Writes its messages to out. */
    static LeafClaim prove(long[] p, long[] q, Transcript tr, ProofStream.Writer out) {
        int logN = Integer.numberOfTrailingZeros(Ext.len(p));
        long[][] ps = new long[logN + 1][];
        long[][] qs = new long[logN + 1][];
        ps[logN] = p;
        qs[logN] = q;
        for (int k = logN - 1; k >= 0; k--) {
            int h = 1 << k;
            long[] pu = new long[2 * h];
            long[] qu = new long[2 * h];
            long[] pd = ps[k + 1];
            long[] qd = qs[k + 1];
            FieldOps.add(3L * h);
            java.util.stream.IntStream.range(0, Math.max(1, h / Mle.PARALLEL)).parallel().forEach(c -> {
                int from = h < Mle.PARALLEL ? 0 : c * Mle.PARALLEL;
                int to = h < Mle.PARALLEL ? h : from + Mle.PARALLEL;
                for (int i = from; i < to; i++) {
                    long a0 = pd[2 * i], a1 = pd[2 * i + 1];
                    long b0 = pd[2 * (i + h)], b1 = pd[2 * (i + h) + 1];
                    long c0 = qd[2 * i], c1 = qd[2 * i + 1];
                    long d0 = qd[2 * (i + h)], d1 = qd[2 * (i + h) + 1];
                    pu[2 * i] = Goldilocks.add(Fp2.mul0(a0, a1, d0, d1), Fp2.mul0(b0, b1, c0, c1));
                    pu[2 * i + 1] = Goldilocks.add(Fp2.mul1(a0, a1, d0, d1), Fp2.mul1(b0, b1, c0, c1));
                    qu[2 * i] = Fp2.mul0(c0, c1, d0, d1);
                    qu[2 * i + 1] = Fp2.mul1(c0, c1, d0, d1);
                }
            });
            ps[k] = pu;
            qs[k] = qu;
        }
        Fp2 cp = Ext.get(ps[0], 0);
        Fp2 cq = Ext.get(qs[0], 0);
        out.fp2(cp, tr);
        out.fp2(cq, tr);
        Fp2[] r = new Fp2[0];
        for (int k = 0; k < logN; k++) {
            Fp2 lambda = tr.challengeExt();
            int h = 1 << k;
            long[] pd = ps[k + 1];
            long[] qd = qs[k + 1];
            long[][] tabs = {Mle.eqTable(r), Arrays.copyOfRange(pd, 0, 2 * h), Arrays.copyOfRange(pd, 2 * h, 4 * h),
                    Arrays.copyOfRange(qd, 0, 2 * h), Arrays.copyOfRange(qd, 2 * h, 4 * h)};
            Sumcheck.Result res = Sumcheck.prove(form(lambda), tabs, tr);
            out.sumcheck(res);
            Fp2 mu = tr.challengeExt();
            Fp2[] f = res.finalValues();
            cp = f[1].add(mu.mul(f[2].sub(f[1])));
            cq = f[3].add(mu.mul(f[4].sub(f[3])));
            r = Arrays.copyOf(res.point(), k + 1);
            r[k] = mu;
        }
        return new LeafClaim(r, cp, cq);
    }

    /** Verifier: reads the root and the layers; returns the claim on the leaves of 2^logN entries. */
    static LeafClaim verify(int logN, Transcript tr, ProofStream.Reader in) throws dev.zkscope.codec.Malformed {
        Fp2 cp = in.fp2(tr);
        Fp2 cq = in.fp2(tr);
        if (!cp.equals(Fp2.ZERO)) {
            throw new SumcheckException("lookup argument: the fractional sum is not zero (a looked-up value is not in its table)");
        }
        if (cq.equals(Fp2.ZERO)) {
            throw new SumcheckException("lookup argument: zero denominator at the root");
        }
        Fp2[] r = new Fp2[0];
        for (int k = 0; k < logN; k++) {
            Fp2 lambda = tr.challengeExt();
            Sumcheck.Form form = form(lambda);
            ProofStream.SumcheckMsg msg = in.sumcheck(k, 3, 5);
            Sumcheck.Reduced red = Sumcheck.verify(cp.add(lambda.mul(cq)), k, 3, msg.proof(), msg.finals(), tr);
            Fp2[] f = msg.finals().clone();
            f[0] = Mle.eq(r, red.point());
            if (!form.evaluate(f).equals(red.claim())) {
                throw new SumcheckException("lookup argument: layer " + k + " does not add its children's fractions");
            }
            Fp2 mu = tr.challengeExt();
            cp = f[1].add(mu.mul(f[2].sub(f[1])));
            cq = f[3].add(mu.mul(f[4].sub(f[3])));
            r = Arrays.copyOf(red.point(), k + 1);
            r[k] = mu;
        }
        return new LeafClaim(r, cp, cq);
    }
}
