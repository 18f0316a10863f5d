package dev.zkscope.plonk;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.circuit.Lookup;
import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.fri.Fri;
import dev.zkscope.merkle.MerkleTree;
import dev.zkscope.pcs.OpeningProof;
import dev.zkscope.poly.Coeffs;
import dev.zkscope.poly.Evals;
import dev.zkscope.poly.Ntt;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audit support: an independent, single-threaded re-implementation of the prover's rounds ({@link Forge}) with a
 * hook at every point where a cheating prover has freedom (what it commits, what it absorbs, what it claims at the
 * out-of-domain point, what it sends to FRI, its nonce, where it opens). With no hook active it must produce proofs
 * that the real verifier accepts (checked here), so that a rejection in the attack tests is due to the check under
 * test and not to a bug of the forge.
 */
class AuditSupportTest {

    /** Horner at two F_p2 points in one pass (the forge's own; the prover's lives in the commitment scheme). */
    static Fp2[] horner2(long[] c, Fp2 x, Fp2 y) {
        Fp2 a = Fp2.ZERO;
        Fp2 b = Fp2.ZERO;
        for (int i = c.length - 1; i >= 0; i--) {
            a = a.mul(x).add(Fp2.of(c[i]));
            b = b.mul(y).add(Fp2.of(c[i]));
        }
        return new Fp2[] {a, b};
    }

    /** The row of a tree (by {@link ArgumentLayout} index) opened at query q of a proof. */
    static long[] queriedRow(Proof proof, ArgumentLayout lay, int q, int tree) {
        int[] opened = lay.openedTrees();
        for (int b = 0; b < opened.length; b++) {
            if (opened[b] == tree) {
                return proof.opening.queries()[q].batches()[b].row();
            }
        }
        throw new IllegalArgumentException("tree " + tree + " is not in the proof");
    }

    /** Adversarial choices; every default is the honest behaviour. */
    static class Hooks {
        /** Whether the prover absorbs this transcript item (digest, instance, committed, advice, aux, quotient, evalsZ, evalsZw, fri0.., final). */
        boolean absorb(String item) {
            return true;
        }

        /** All advice columns (circuit advice then multiplicities) after blinding, before the commitment. */
        void advice(Forge f, long[][] advice) { }

        /** The aux columns (per group h re/im, then Z re/im) before the commitment. */
        void aux(Forge f, long[][] aux) { }

        /** Quotient columns in coefficient form (chunks re/im, then masks) before extension. */
        void quotientCoeffs(Forge f, long[][] qc) { }

        /** The quotient tree's extended columns just before the commitment (to commit non-polynomial data). */
        void quotientLde(Forge f, long[][] qLde) { }

        /** The claimed values at z and z omega, before they are absorbed. */
        void openings(Forge f, Fp2[] ez, Fp2[] ezw) { }

        /** FRI layer `round` (round 0 = the batched DEEP quotient), before its commitment. */
        void friLayer(Forge f, int round, long[] re, long[] im) { }

        /** The final polynomial (default: the low coefficients of the last layer's interpolant). */
        Fp2[] finalPoly(Forge f, Fp2[] truncated) {
            return truncated;
        }

        /** A fixed nonce instead of grinding; null = grind honestly. */
        Long nonce(Forge f) {
            return null;
        }

        /** The index opened for query q (default: the transcript's). */
        int queryIndex(Forge f, int q, int idx) {
            return idx;
        }
    }

    /** The prover's rounds, re-implemented with hooks. Small circuits only (no parallelism). */
    static final class Forge {
        final ProvingKey pk;
        final ArgumentLayout lay;
        final Circuit circuit;
        final ProofParameters params;
        final int n;
        final int u;
        final int logB;
        final int bigN;
        final long shift = Goldilocks.GENERATOR;
        final SplittableRandom rnd;
        final Hooks hooks;
        final boolean zk;

        long[][] advice;
        long[][] instance;
        long[][] instanceLde;
        final long[][][] coeffs = new long[ArgumentLayout.TREES][][];
        final long[][][] lde = new long[ArgumentLayout.TREES][][];
        final MerkleTree[] trees = new MerkleTree[ArgumentLayout.TREES];
        ArgumentLayout.Challenges ch;
        Fp2 alpha;
        Fp2 z;
        Fp2 zw;
        Fp2 alphaD;
        Fp2[] betas;
        int[] queryIndices;
        /** Honest evaluations at z / z omega of the committed polynomials (before the openings hook). */
        Fp2[] trueEz;
        Fp2[] trueEzw;
        /** The constraint combination over Z_H on the quotient coset (re, im), and its interpolant's coefficients. */
        long[] qValsRe;
        long[] qValsIm;
        long[] qCoeffRe;
        /** The extensions of the computed fixed columns X, active, first, last (on no tree). */
        long[][] computedLde;
        long[] qCoeffIm;

        Forge(ProvingKey pk, long seed, Hooks hooks) {
            this.pk = pk;
            this.lay = pk.layout;
            this.circuit = pk.circuit;
            this.params = lay.params;
            this.n = lay.n;
            this.u = lay.u;
            this.logB = params.logBlowup();
            this.bigN = n << logB;
            this.rnd = new SplittableRandom(seed);
            this.hooks = hooks;
            this.zk = params.zeroKnowledge();
            // The fixed columns come from the key's committed batch; their (unsalted) tree is rebuilt here.
            int nf = lay.widths[ArgumentLayout.FIXED];
            coeffs[ArgumentLayout.FIXED] = new long[nf][];
            lde[ArgumentLayout.FIXED] = new long[nf][];
            for (int c = 0; c < nf; c++) {
                coeffs[ArgumentLayout.FIXED][c] = pk.fixed.coeffs(c);
                lde[ArgumentLayout.FIXED][c] = pk.fixed.lde(c);
            }
            // The computed fixed columns (X, active, first, last) are in no tree: their extensions from the key.
            computedLde = new long[ArgumentLayout.COMPUTED][];
            for (int c = 0; c < computedLde.length; c++) {
                computedLde[c] = Ntt.lde(new Coeffs(pk.computedCoeffs[c]), logB, shift).v();
            }
            long[][] fixedLde = lde[ArgumentLayout.FIXED];
            trees[ArgumentLayout.FIXED] = MerkleTree.build(bigN, nf, (leaf, buf) -> {
                for (int k = 0; k < buf.length; k++) {
                    buf[k] = fixedLde[k][leaf];
                }
            }, null);
            assertThat(trees[ArgumentLayout.FIXED].root()).isEqualTo(pk.vk.fixedRoot());
            coeffs[ArgumentLayout.COMMITTED] = new long[0][];
            lde[ArgumentLayout.COMMITTED] = new long[0][];
        }

        long felt() {
            return Goldilocks.reduce(rnd.nextLong());
        }

        long[] felts(int k) {
            long[] r = new long[k];
            for (int i = 0; i < k; i++) {
                r[i] = felt();
            }
            return r;
        }

        long cell(Column c, int row) {
            switch (c.kind()) {
                case FIXED: return pk.fixedAll[c.index()][row];
                case ADVICE: return advice[c.index()][row];
                default: return instance[c.index()][row];
            }
        }

        long eval(Expr e, int row) {
            return e.evaluate((col, rot) -> cell(col, (row + rot) & (n - 1)));
        }

        private void commit(int tree, long[][] cols) {
            long[][] cf = new long[cols.length][];
            long[][] ev = new long[cols.length][];
            for (int c = 0; c < cols.length; c++) {
                cf[c] = Ntt.interpolate(new Evals(cols[c], 1)).c();
                ev[c] = Ntt.lde(new Coeffs(cf[c]), logB, shift).v();
            }
            commitLde(tree, cf, ev);
        }

        private void commitLde(int tree, long[][] cf, long[][] ev) {
            coeffs[tree] = cf;
            lde[tree] = ev;
            byte[] salts = null;
            if (zk) {
                salts = new byte[bigN * MerkleTree.SALT_BYTES];
                for (int i = 0; i < salts.length; i++) {
                    salts[i] = (byte) rnd.nextInt();
                }
            }
            trees[tree] = MerkleTree.build(bigN, ev.length, (leaf, buf) -> {
                for (int k = 0; k < buf.length; k++) {
                    buf[k] = ev[k][leaf];
                }
            }, salts);
        }

        /** m[j] = number of active rows whose input equals table row j's tuple (inputs missing from the table are skipped). */
        private long[] multiplicities(Lookup lk) {
            long[] m = new long[n];
            Map<List<Long>, Integer> rowOf = new HashMap<>();
            for (int r = 0; r < u; r++) {
                Long[] t = new Long[lk.arity()];
                for (int i = 0; i < t.length; i++) {
                    t[i] = eval(lk.table().get(i), r);
                }
                rowOf.putIfAbsent(List.of(t), r);
            }
            for (int r = 0; r < u; r++) {
                Long[] t = new Long[lk.arity()];
                for (int i = 0; i < t.length; i++) {
                    t[i] = eval(lk.inputs().get(i), r);
                }
                Integer at = rowOf.get(List.of(t));
                if (at != null) {
                    m[at] = Goldilocks.add(m[at], 1);
                }
            }
            return m;
        }

        /** The value of fraction k at row r: num / (beta - sum gamma^t tuple_t). */
        Fp2 fraction(int k, int r) {
            ArgumentLayout.Fraction f = lay.fractions.get(k);
            Fp2 beta = f.perm() ? ch.betaP() : ch.betaL();
            Fp2 gamma = f.perm() ? ch.gammaP() : ch.gammaL();
            Fp2 d = Fp2.ZERO;
            for (int t = f.tuple().size() - 1; t >= 0; t--) {
                d = d.mul(gamma).add(Fp2.of(eval(f.tuple().get(t), r)));
            }
            return beta.sub(d).inv().mul(eval(f.num(), r));
        }

        int zColumn() {
            return 2 * lay.groups.size();
        }

        Proof prove(Witness w) {
            instance = TestCircuits.copy(w.instance());
            Transcript tr = new Transcript(ProofSystem.DOMAIN);
            if (hooks.absorb("digest")) {
                tr.absorb(pk.vk.digestRef());
            }
            if (hooks.absorb("instance")) {
                ProofSystem.absorbInstance(tr, instance);
            }

            // Round 1: advice and multiplicities.
            int na = circuit.numAdvice();
            advice = new long[lay.numAdviceAll][];
            for (int c = 0; c < na; c++) {
                advice[c] = w.advice()[c].clone();
            }
            for (int l = 0; l < circuit.lookups().size(); l++) {
                advice[na + l] = multiplicities(circuit.lookups().get(l));
            }
            if (zk) {
                for (long[] col : advice) {
                    System.arraycopy(felts(n - u), 0, col, u, n - u);
                }
            }
            hooks.advice(this, advice);
            instanceLde = new long[instance.length][];
            for (int c = 0; c < instance.length; c++) {
                instanceLde[c] = Ntt.lde(Ntt.interpolate(new Evals(instance[c], 1)), logB, shift).v();
            }
            long[][] committed = new long[lay.widths[ArgumentLayout.COMMITTED]][];
            long[][] rest = new long[lay.widths[ArgumentLayout.ADVICE]][];
            for (int c = 0; c < advice.length; c++) {
                (lay.adviceTree[c] == ArgumentLayout.COMMITTED ? committed : rest)[lay.adviceSlot[c]] = advice[c];
            }
            if (lay.present(ArgumentLayout.COMMITTED)) {
                commit(ArgumentLayout.COMMITTED, committed);
                if (hooks.absorb("committed")) {
                    tr.absorb(trees[ArgumentLayout.COMMITTED].root());
                }
            }
            commit(ArgumentLayout.ADVICE, rest);
            if (hooks.absorb("advice")) {
                tr.absorb(trees[ArgumentLayout.ADVICE].root());
            }
            ch = new ArgumentLayout.Challenges(tr.challengeExt(), tr.challengeExt(), tr.challengeExt(), tr.challengeExt());

            // Round 2: LogUp helpers and the running sum.
            int groups = lay.groups.size();
            long[][] aux = new long[lay.widths[ArgumentLayout.AUX]][n];
            for (int g = 0; g < groups; g++) {
                for (int r = 0; r < u; r++) {
                    Fp2 h = Fp2.ZERO;
                    for (int k : lay.groups.get(g)) {
                        h = h.add(fraction(k, r));
                    }
                    aux[2 * g][r] = h.c0();
                    aux[2 * g + 1][r] = h.c1();
                }
            }
            int zc = zColumn();
            Fp2 acc = Fp2.ZERO;
            for (int r = 0; r < u; r++) {
                for (int g = 0; g < groups; g++) {
                    acc = acc.add(new Fp2(aux[2 * g][r], aux[2 * g + 1][r]));
                }
                if (r + 1 < n) {
                    aux[zc][r + 1] = acc.c0();
                    aux[zc + 1][r + 1] = acc.c1();
                }
            }
            if (zk) {
                for (int g = 0; g < groups; g++) {
                    System.arraycopy(felts(n - u), 0, aux[2 * g], u, n - u);
                    System.arraycopy(felts(n - u), 0, aux[2 * g + 1], u, n - u);
                }
                if (u + 1 < n) {
                    System.arraycopy(felts(n - u - 1), 0, aux[zc], u + 1, n - u - 1);
                    System.arraycopy(felts(n - u - 1), 0, aux[zc + 1], u + 1, n - u - 1);
                }
                aux[lay.quotientMask] = felts(n);
                aux[lay.quotientMask + 1] = felts(n);
            }
            hooks.aux(this, aux);
            commit(ArgumentLayout.AUX, aux);
            if (hooks.absorb("aux")) {
                tr.absorb(trees[ArgumentLayout.AUX].root());
            }
            alpha = tr.challengeExt();

            // Round 3: quotient.
            quotient();
            if (hooks.absorb("quotient")) {
                tr.absorb(trees[ArgumentLayout.QUOTIENT].root());
            }
            z = ProofSystem.outOfDomainPoint(tr, n);
            zw = z.mul(Goldilocks.rootOfUnity(lay.logN));

            // Round 4: openings.
            int total = lay.totalColumns;
            Fp2[] ez = new Fp2[total];
            Fp2[] ezw = new Fp2[total];
            int gi = 0;
            for (int t = 0; t < ArgumentLayout.TREES; t++) {
                for (long[] c : coeffs[t]) {
                    Fp2[] v = horner2(c, z, zw);
                    ez[gi] = v[0];
                    ezw[gi] = v[1];
                    gi++;
                }
            }
            trueEz = ez.clone();
            trueEzw = ezw.clone();
            hooks.openings(this, ez, ezw);
            int[][] columns = lay.openings();
            Fp2[] sentZ = pick(ez, columns[0]);
            Fp2[] sentZw = pick(ezw, columns[1]);
            if (hooks.absorb("evalsZ")) {
                for (Fp2 v : sentZ) {
                    tr.absorb(v);
                }
            }
            if (hooks.absorb("evalsZw")) {
                for (Fp2 v : sentZw) {
                    tr.absorb(v);
                }
            }
            alphaD = tr.challengeExt();

            // Round 5: DEEP quotient, FRI, grinding, queries.
            long[] fr = new long[bigN];
            long[] fi = new long[bigN];
            deep(ez, ezw, fr, fi);
            int[] rounds = lay.friConfig().rounds();
            long[][] layRe = new long[rounds.length][];
            long[][] layIm = new long[rounds.length][];
            MerkleTree[] friTrees = new MerkleTree[rounds.length];
            betas = new Fp2[rounds.length];
            long[] cr = fr;
            long[] ci = fi;
            long s = shift;
            for (int r = 0; r < rounds.length; r++) {
                hooks.friLayer(this, r, cr, ci);
                int a = rounds[r];
                int k = 1 << a;
                int size = cr.length;
                int m = size >>> a;
                final long[] lr = cr;
                final long[] li = ci;
                friTrees[r] = MerkleTree.build(m, 2 * k, (leaf, buf) -> {
                    for (int t = 0; t < k; t++) {
                        buf[2 * t] = lr[leaf + t * m];
                        buf[2 * t + 1] = li[leaf + t * m];
                    }
                }, null);
                layRe[r] = cr;
                layIm[r] = ci;
                if (hooks.absorb("fri" + r)) {
                    tr.absorb(friTrees[r].root());
                }
                betas[r] = tr.challengeExt();
                long[] nr = new long[m];
                long[] ni = new long[m];
                long om = Goldilocks.rootOfUnity(Integer.numberOfTrailingZeros(size));
                for (int j = 0; j < m; j++) {
                    long[] leafBuf = new long[2 * k];
                    for (int t = 0; t < k; t++) {
                        leafBuf[2 * t] = lr[j + t * m];
                        leafBuf[2 * t + 1] = li[j + t * m];
                    }
                    long x = Goldilocks.mul(s, Goldilocks.pow(om, j));
                    Fp2 v = Fri.foldLeaf(leafBuf, a, Goldilocks.inv(x), betas[r]);
                    nr[j] = v.c0();
                    ni[j] = v.c1();
                }
                cr = nr;
                ci = ni;
                s = Goldilocks.pow(s, k);
            }
            int finalLen = 1 << lay.friConfig().logFinalLen();
            long[] c0 = Ntt.interpolate(new Evals(cr, s)).c();
            long[] c1 = Ntt.interpolate(new Evals(ci, s)).c();
            Fp2[] fin = new Fp2[finalLen];
            for (int i = 0; i < finalLen; i++) {
                fin[i] = new Fp2(c0[i], c1[i]);
            }
            fin = hooks.finalPoly(this, fin);
            if (hooks.absorb("final")) {
                for (Fp2 v : fin) {
                    tr.absorb(v);
                }
            }
            Long forced = hooks.nonce(this);
            long nonce;
            if (forced == null) {
                nonce = tr.grind(params.grindingBits());
            } else {
                nonce = forced;
                tr.checkGrind(nonce, params.grindingBits());
            }
            OpeningProof.Query[] qs = new OpeningProof.Query[params.numQueries()];
            queryIndices = new int[qs.length];
            int[][] friLeafIdx = new int[rounds.length][qs.length];
            for (int q = 0; q < qs.length; q++) {
                int idx = hooks.queryIndex(this, q, tr.challengeIndex(lay.logLde));
                queryIndices[q] = idx;
                int[] opened = lay.openedTrees();
                OpeningProof.BatchOpening[] rows = new OpeningProof.BatchOpening[opened.length];
                for (int b = 0; b < opened.length; b++) {
                    int t = opened[b];
                    long[] row = new long[lde[t].length];
                    for (int c = 0; c < row.length; c++) {
                        row[c] = lde[t][c][idx];
                    }
                    rows[b] = new OpeningProof.BatchOpening(row, trees[t].salt(idx));
                }
                long[][] leaves = new long[rounds.length][];
                int size = bigN;
                int pos = idx;
                for (int r = 0; r < rounds.length; r++) {
                    int k = 1 << rounds[r];
                    int m = size >>> rounds[r];
                    int leaf = pos % m;
                    leaves[r] = new long[2 * k];
                    for (int t = 0; t < k; t++) {
                        leaves[r][2 * t] = layRe[r][leaf + t * m];
                        leaves[r][2 * t + 1] = layIm[r][leaf + t * m];
                    }
                    friLeafIdx[r][q] = leaf;
                    pos = leaf;
                    size = m;
                }
                qs[q] = new OpeningProof.Query(rows, leaves);
            }
            byte[][] roots = new byte[ArgumentLayout.TREES][];
            for (int t = 1; t < ArgumentLayout.TREES; t++) {
                roots[t] = lay.present(t) ? trees[t].root() : null;
            }
            byte[][] friRoots = new byte[rounds.length][];
            byte[][][] friNodes = new byte[rounds.length][][];
            for (int r = 0; r < rounds.length; r++) {
                friRoots[r] = friTrees[r].root();
                friNodes[r] = friTrees[r].multiProof(friLeafIdx[r]);
            }
            int[] openedTrees = lay.openedTrees();
            byte[][][] batchNodes = new byte[openedTrees.length][][];
            for (int b = 0; b < openedTrees.length; b++) {
                batchNodes[b] = trees[openedTrees[b]].multiProof(queryIndices);
            }
            return new Proof(params, pk.vk.circuitDigest(), lay.logN, roots,
                    new OpeningProof(new Fp2[][] {sentZ, sentZw}, friRoots, fin, nonce, qs, batchNodes, friNodes), columns,
                    lay.totalColumns);
        }

        private static Fp2[] pick(Fp2[] all, int[] cols) {
            Fp2[] out = new Fp2[cols.length];
            for (int k = 0; k < cols.length; k++) {
                out[k] = all[cols[k]];
            }
            return out;
        }

        /** The constraint combination divided by Z_H on the quotient coset, interpolated, truncated to the bound, chunked and masked. */
        private void quotient() {
            int qLog = lay.qLog;
            int qn = n << qLog;
            int stride = 1 << (logB - qLog);
            int rotStep = 1 << logB;
            int mask = bigN - 1;
            int numGates = circuit.gates().size();
            Fp2[] ap = new Fp2[lay.numConstraints()];
            ap[0] = Fp2.ONE;
            for (int i = 1; i < ap.length; i++) {
                ap[i] = ap[i - 1].mul(alpha);
            }
            ExprEval.Columns cols = c -> {
                switch (c.kind()) {
                    case FIXED: return c.index() < lay.numFixedAll ? lde[ArgumentLayout.FIXED][c.index()]
                            : computedLde[c.index() - lay.numFixedAll];
                    case ADVICE: return lde[lay.adviceTree[c.index()]][lay.adviceSlot[c.index()]];
                    default: return instanceLde[c.index()];
                }
            };
            long[] accR = new long[qn];
            long[] accI = new long[qn];
            long[] vals = new long[qn];
            for (int g = 0; g < numGates; g++) {
                ExprEval.block(circuit.gates().get(g).poly(), cols, stride, rotStep, mask, 0, qn, vals);
                for (int i = 0; i < qn; i++) {
                    accR[i] = Goldilocks.add(accR[i], Goldilocks.mul(ap[g].c0(), vals[i]));
                    accI[i] = Goldilocks.add(accI[i], Goldilocks.mul(ap[g].c1(), vals[i]));
                }
            }
            int nf = lay.fractions.size();
            int groups = lay.groups.size();
            ArgumentLayout.ExtBlock[] numB = new ArgumentLayout.ExtBlock[nf];
            ArgumentLayout.ExtBlock[][] tupB = new ArgumentLayout.ExtBlock[nf][];
            for (int k = 0; k < nf; k++) {
                ArgumentLayout.Fraction f = lay.fractions.get(k);
                long[] num = new long[qn];
                ExprEval.block(f.num(), cols, stride, rotStep, mask, 0, qn, num);
                numB[k] = ArgumentLayout.ExtBlock.base(num);
                tupB[k] = new ArgumentLayout.ExtBlock[f.tuple().size()];
                for (int t = 0; t < tupB[k].length; t++) {
                    long[] tv = new long[qn];
                    ExprEval.block(f.tuple().get(t), cols, stride, rotStep, mask, 0, qn, tv);
                    tupB[k][t] = ArgumentLayout.ExtBlock.base(tv);
                }
            }
            int[] at = new int[qn];
            int[] nx = new int[qn];
            for (int i = 0; i < qn; i++) {
                at[i] = (i * stride) & mask;
                nx[i] = (at[i] + rotStep) & mask;
            }
            long[][] auxLde = lde[ArgumentLayout.AUX];
            ArgumentLayout.ExtBlock[] h = new ArgumentLayout.ExtBlock[groups];
            for (int g = 0; g < groups; g++) {
                h[g] = new ArgumentLayout.ExtBlock(gather(auxLde[2 * g], at), gather(auxLde[2 * g + 1], at));
            }
            int zc = zColumn();
            ArgumentLayout.ExtBlock zCur = new ArgumentLayout.ExtBlock(gather(auxLde[zc], at), gather(auxLde[zc + 1], at));
            ArgumentLayout.ExtBlock zNext = new ArgumentLayout.ExtBlock(gather(auxLde[zc], nx), gather(auxLde[zc + 1], nx));
            Fp2[] alphas = Arrays.copyOfRange(ap, numGates, ap.length);
            lay.auxConstraints(ch, qn, ArgumentLayout.ExtBlock.base(gather(computedLde[lay.active - lay.numFixedAll], at)),
                    ArgumentLayout.ExtBlock.base(gather(computedLde[lay.first - lay.numFixedAll], at)),
                    ArgumentLayout.ExtBlock.base(gather(computedLde[lay.last - lay.numFixedAll], at)), zCur, zNext, h, numB, tupB, alphas, accR, accI);
            long gn = Goldilocks.pow(shift, n);
            long wq = Goldilocks.rootOfUnity(qLog);
            long[] qr = new long[qn];
            long[] qi = new long[qn];
            for (int i = 0; i < qn; i++) {
                long x = Goldilocks.mul(gn, Goldilocks.pow(wq, i));
                long inv = Goldilocks.inv(Goldilocks.sub(x, 1));
                qr[i] = Goldilocks.mul(accR[i], inv);
                qi[i] = Goldilocks.mul(accI[i], inv);
                if (zk) {
                    // The randomised quotient: Q + S(omega X).
                    qr[i] = Goldilocks.add(qr[i], auxLde[lay.quotientMask][nx[i]]);
                    qi[i] = Goldilocks.add(qi[i], auxLde[lay.quotientMask + 1][nx[i]]);
                }
            }
            long[] cr = Ntt.interpolate(new Evals(qr, shift)).c();
            long[] ci = Ntt.interpolate(new Evals(qi, shift)).c();
            qValsRe = qr;
            qValsIm = qi;
            qCoeffRe = cr;
            qCoeffIm = ci;
            long bound = Math.max(zk ? n : 1L, (long) lay.maxDegree * (n - 1) - n + 1);
            int numChunks = lay.numChunks;
            int m = lay.chunkLen;
            int width = lay.widths[ArgumentLayout.QUOTIENT];
            long[][] qc = new long[width][n];
            for (int j = 0; j < numChunks; j++) {
                for (int k = 0; k < m; k++) {
                    long src = (long) j * m + k;
                    if (src < bound && src < qn) {
                        qc[2 * j][k] = cr[(int) src];
                        qc[2 * j + 1][k] = ci[(int) src];
                    }
                }
            }
            if (zk) {
                int kq = lay.maskCoeffs;
                for (int j = 0; j + 1 < numChunks; j++) {
                    for (int part = 0; part < 2; part++) {
                        long[] r = felts(kq);
                        for (int k = 0; k < kq; k++) {
                            qc[2 * j + part][m + k] = Goldilocks.add(qc[2 * j + part][m + k], r[k]);
                            qc[2 * (j + 1) + part][k] = Goldilocks.sub(qc[2 * (j + 1) + part][k], r[k]);
                        }
                    }
                }
                qc[2 * numChunks] = felts(n);
                qc[2 * numChunks + 1] = felts(n);
            }
            hooks.quotientCoeffs(this, qc);
            long[][] ev = new long[width][];
            for (int c = 0; c < width; c++) {
                ev[c] = Ntt.lde(new Coeffs(qc[c]), logB, shift).v();
            }
            hooks.quotientLde(this, ev);
            commitLde(ArgumentLayout.QUOTIENT, qc, ev);
        }

        private static long[] gather(long[] col, int[] at) {
            long[] out = new long[at.length];
            for (int i = 0; i < at.length; i++) {
                out[i] = col[at[i]];
            }
            return out;
        }

        /** The batched DEEP quotient on the LDE coset, from the committed LDEs and the claimed openings. */
        void deep(Fp2[] ez, Fp2[] ezw, long[] fr, long[] fi) {
            int total = lay.totalColumns;
            long[][] all = allLde();
            Fp2[] ap = new Fp2[total + 1];
            ap[0] = Fp2.ONE;
            for (int i = 1; i <= total; i++) {
                ap[i] = ap[i - 1].mul(alphaD);
            }
            int[][] columns = lay.openings();
            Fp2 aZ = Fp2.ZERO;
            Fp2 aZw = Fp2.ZERO;
            for (int i : columns[0]) {
                aZ = aZ.add(ap[i].mul(ez[i]));
            }
            for (int i : columns[1]) {
                aZw = aZw.add(ap[i].mul(ezw[i]));
            }
            long omega = Goldilocks.rootOfUnity(lay.logLde);
            for (int i = 0; i < bigN; i++) {
                Fp2 a = Fp2.ZERO;
                for (int c : columns[0]) {
                    a = a.add(ap[c].mul(all[c][i]));
                }
                Fp2 b = Fp2.ZERO;
                for (int c : columns[1]) {
                    b = b.add(ap[c].mul(all[c][i]));
                }
                Fp2 x = Fp2.of(Goldilocks.mul(shift, Goldilocks.pow(omega, i)));
                Fp2 v = a.sub(aZ).mul(x.sub(z).inv()).add(ap[total].mul(b.sub(aZw).mul(x.sub(zw).inv())));
                fr[i] = v.c0();
                fi[i] = v.c1();
            }
        }

        long[][] allLde() {
            long[][] all = new long[lay.totalColumns][];
            int gi = 0;
            for (int t = 0; t < ArgumentLayout.TREES; t++) {
                for (long[] c : lde[t]) {
                    all[gi++] = c;
                }
            }
            return all;
        }

        /** The point of the LDE coset with index i. */
        long ldePoint(int i) {
            return Goldilocks.mul(shift, Goldilocks.pow(Goldilocks.rootOfUnity(lay.logLde), i));
        }
    }

    // ---------------------------------------------------------------- shared helpers for the audit tests

    static VerifyResult verify(ProvingKey pk, long[][] instance, Proof p) {
        return ProofSystem.verify(pk.verifyingKey(), instance, p.toBytes());
    }

    static VerifyError rejection(VerifyResult r) {
        assertThat(r).as("the verifier must reject").isInstanceOf(VerifyResult.Rejected.class);
        VerifyError e = ((VerifyResult.Rejected) r).error();
        assertThat(e).as("rejected by a check, not by an exception").isNotInstanceOf(VerifyError.InternalFailure.class);
        return e;
    }

    /** x = (p + q X) with X^2 = W: the F_p2 value of base-field column pair (re, im) from their evaluations. */
    static Fp2 combine(Fp2 re, Fp2 im) {
        return re.add(new Fp2(Goldilocks.mul(Fp2.W, im.c1()), im.c0()));
    }

    // ---------------------------------------------------------------- fidelity of the forge

    @Test
    void forge_withoutHooks_producesProofsTheVerifierAccepts() {
        for (boolean zk : new boolean[] {true, false}) {
            ProofParameters p = ProofParameters.testing().withZeroKnowledge(zk);
            TestCircuits.Instance inst = TestCircuits.random(101, 5, p.reservedRows());
            ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
            Proof proof = new Forge(pk, 1, new Hooks()).prove(inst.witness());
            assertThat(verify(pk, inst.witness().instance(), proof).accepted()).as("zk=" + zk).isTrue();
        }
        // With columns committed apart (public commitment tree present).
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(102, 5, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, List.of(0, 2), PhaseListener.NONE);
        Proof proof = new Forge(pk, 2, new Hooks()).prove(inst.witness());
        assertThat(verify(pk, inst.witness().instance(), proof).accepted()).isTrue();
        // Quotient coset smaller than the extension (blowup 8, degree 5), folding arity 2^3 and a remainder round.
        ProofParameters wide = new ProofParameters("audit-wide", 3, 8, 0, 3, 1, true);
        TestCircuits.Instance w = TestCircuits.random(103, wide.minLogN(), wide.reservedRows());
        ProvingKey wk = ProofSystem.keygen(w.circuit(), wide);
        assertThat(wk.layout.qLog).isLessThan(wide.logBlowup());
        assertThat(verify(wk, w.witness().instance(), new Forge(wk, 3, new Hooks()).prove(w.witness())).accepted()).isTrue();
    }
}
