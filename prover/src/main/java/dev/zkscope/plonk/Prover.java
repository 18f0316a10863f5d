package dev.zkscope.plonk;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.circuit.Lookup;
import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.pcs.OpeningProof;
import dev.zkscope.pcs.Pcs;
import dev.zkscope.poly.Coeffs;
import dev.zkscope.poly.Evals;
import dev.zkscope.poly.Ntt;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.transcript.Transcript;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static dev.zkscope.field.Goldilocks.add;
import static dev.zkscope.field.Goldilocks.mul;
import static dev.zkscope.field.Goldilocks.sub;

/**
 * The prover, read as its protocol rounds: commit the witness (advice and LogUp multiplicities), commit the LogUp
 * helpers and running sum (permutation and lookups), commit the quotient, evaluate everything at the out-of-domain
 * point z and at z omega, and prove those values with the commitment scheme's opening proof ({@link Pcs}: DEEP-ALI
 * and FRI). Every commitment goes through the {@link Pcs}; this class never sees a Merkle tree.
 */
final class Prover {
    private final ProvingKey pk;
    private final ArgumentLayout lay;
    private final Circuit circuit;
    private final ProofParameters params;
    private final PhaseListener listener;
    private final boolean force;
    private final int n;
    private final int u;
    private final int logN;
    private final int logB;
    private final int bigN;
    private final long shift;
    private final Rng rng;
    private final Pcs pcs;
    private final dev.zkscope.poly.Cancel cancel;
    /**
     * The secret seed of the separately committed columns' randomness (blinding rows and leaf salts), or null for
     * fresh randomness: with a seed the committed batch's root is the one {@link #precommit} computed beforehand.
     */
    private final byte[] committedSeed;
    /** Where the commitment scheme draws its leaf-salt key: the seeded stream while the committed batch is made. */
    private Rng saltSource;

    /** The committed batch of each tree (null for an absent tree). */
    private final Pcs.ProverData[] batches = new Pcs.ProverData[ArgumentLayout.TREES];
    private long[][] advice;
    private long[][] instance;
    /** The instance columns in coefficient form (the quotient evaluates them coset by coset). */
    private long[][] instanceCoeffs;

    Prover(ProvingKey pk, PhaseListener listener, boolean force) {
        this(pk, listener, force, null);
    }

    Prover(ProvingKey pk, PhaseListener listener, boolean force, byte[] committedSeed) {
        this.pk = pk;
        this.committedSeed = committedSeed == null ? null : committedSeed.clone();
        this.lay = pk.layout;
        this.circuit = pk.circuit;
        this.params = lay.params;
        this.listener = listener;
        this.force = force;
        this.n = lay.n;
        this.u = lay.u;
        this.logN = lay.logN;
        this.rng = params.zeroKnowledge() ? new Rng() : null;
        Thread proving = Thread.currentThread();
        // Polled inside every NTT (from the pool's threads too): the proving thread's interrupt or the listener's
        // request stops the proof within a phase.
        this.cancel = () -> proving.isInterrupted() || listener.cancelRequested();
        this.saltSource = rng;
        this.pcs = lay.pcs(rng == null ? null : k -> saltSource.bytes(k), cancel);
        pcs.reportSteps(listener);
        this.logB = pcs.logBlowup();
        this.bigN = n << logB;
        this.shift = pcs.cosetShift();
        batches[ArgumentLayout.FIXED] = pk.fixed;
    }

    /** Runs one named phase; a proof whose thread was interrupted stops between phases (the GUI's Cancel). */
    private void phase(String name, Runnable body) {
        if (cancel.requested()) {
            throw new java.util.concurrent.CancellationException("proof cancelled before phase '" + name + "'");
        }
        listener.phaseStarted(name);
        long t0 = System.nanoTime();
        body.run();
        listener.phaseFinished(name, System.nanoTime() - t0, dev.zkscope.profile.HeapSampler.usedNow());
    }

    /** Commits one batch of columns as a step of the running phase, named by what the batch holds. */
    private Pcs.ProverData commitStep(String what, Evals[] columns) {
        long t0 = System.nanoTime();
        Pcs.ProverData d = pcs.commit(columns);
        listener.step("commit " + columns.length + " " + what + " column" + (columns.length == 1 ? "" : "s"), t0,
                System.nanoTime() - t0);
        return d;
    }

    Proof prove(Witness w) {
        w.requireShape(circuit);
        for (long[][] cols : new long[][][] {w.advice(), w.instance()}) {
            for (long[] col : cols) {
                for (long v : col) {
                    if (!Goldilocks.isCanonical(v)) {
                        throw new IllegalArgumentException("witness holds a non-canonical value " + Long.toUnsignedString(v));
                    }
                }
            }
        }
        instance = w.instance();
        Transcript tr = new Transcript(ProofSystem.DOMAIN);
        tr.absorb(pk.vk.digestRef());
        ProofSystem.absorbInstance(tr, instance);

        phase("witness commit", () -> commitWitness(w));
        if (lay.present(ArgumentLayout.COMMITTED)) {
            tr.absorb(root(ArgumentLayout.COMMITTED));
        }
        tr.absorb(root(ArgumentLayout.ADVICE));
        ArgumentLayout.Challenges ch = new ArgumentLayout.Challenges(tr.challengeExt(), tr.challengeExt(), tr.challengeExt(), tr.challengeExt());

        long[][] aux = new long[lay.widths[ArgumentLayout.AUX]][n];
        phase("permutation", () -> helperColumns(ch, aux, true));
        phase("lookups", () -> {
            long h0 = System.nanoTime();
            helperColumns(ch, aux, false);
            runningSum(aux);
            listener.step("lookup helpers and running sum", h0, System.nanoTime() - h0);
            if (lay.quotientMask >= 0) {
                // S = S_0 + S_1 X, random on every row: the committed quotient is Q + S(omega X) (see ArgumentLayout).
                aux[lay.quotientMask] = rng.felts(n);
                aux[lay.quotientMask + 1] = rng.felts(n);
            }
            batches[ArgumentLayout.AUX] = commitStep("LogUp helper", traceValues(aux));
            // The trace values are no longer read: the commitment holds the columns from here on.
            advice = null;
            Arrays.fill(aux, null);
        });
        tr.absorb(root(ArgumentLayout.AUX));
        Fp2 alpha = tr.challengeExt();

        phase("quotient", () -> quotient(ch, alpha));
        tr.absorb(root(ArgumentLayout.QUOTIENT));
        Fp2 z = ProofSystem.outOfDomainPoint(tr, n);
        Fp2[] points = {z, z.mul(Goldilocks.rootOfUnity(logN))};

        List<Pcs.ProverData> opened = new ArrayList<>();
        for (int t : lay.openedTrees()) {
            opened.add(batches[t]);
        }
        int[][] columns = lay.openings();
        Fp2[][][] values = new Fp2[1][][];
        phase("openings", () -> values[0] = pcs.evaluate(opened, points, columns));
        OpeningProof[] opening = new OpeningProof[1];
        phase("fri", () -> opening[0] = pcs.open(opened, points, columns, values[0], tr));

        byte[][] roots = new byte[ArgumentLayout.TREES][];
        for (int t : lay.openedTrees()) {
            roots[t] = t == ArgumentLayout.FIXED ? null : root(t);
        }
        return new Proof(params, pk.vk.circuitDigest(), logN, roots, opening[0], columns, lay.totalColumns);
    }

    private byte[] root(int tree) {
        return batches[tree].commitment().root();
    }

    private static Evals[] traceValues(long[][] cols) {
        Evals[] out = new Evals[cols.length];
        for (int c = 0; c < cols.length; c++) {
            out[c] = new Evals(cols[c], 1);
        }
        return out;
    }

    // ---- round 1: witness ----

    private void commitWitness(Witness w) {
        int na = circuit.numAdvice();
        advice = new long[lay.numAdviceAll][];
        for (int c = 0; c < na; c++) {
            advice[c] = w.advice()[c].clone();
        }
        for (int l = 0; l < circuit.lookups().size(); l++) {
            advice[na + l] = multiplicities(circuit.lookups().get(l), l);
        }
        Rng seeded = rng != null && committedSeed != null && lay.present(ArgumentLayout.COMMITTED)
                ? new Rng(committedSeed) : null;
        if (rng != null) {
            // Every witness column, the separately committed ones included, is blinded afresh in every proof: a
            // committed column blinded the same way twice would be opened at new points by each proof, and about
            // n / (numQueries + 4) proofs would determine it (AuditZeroKnowledgeTest). A seeded proof draws the
            // committed columns' blinding (and then their leaf salts) from its seed, as precommit did: the seed is
            // fresh per segment and run, and no other proof opens that batch.
            for (int c = 0; c < advice.length; c++) {
                if (seeded != null && lay.adviceTree[c] == ArgumentLayout.COMMITTED) {
                    continue;
                }
                long[] r = rng.felts(n - u);
                System.arraycopy(r, 0, advice[c], u, n - u);
            }
            if (seeded != null) {
                blindCommitted(lay, advice, seeded);
            }
        }
        instanceCoeffs = new long[instance.length][];
        IntStream.range(0, instance.length).parallel().forEach(c ->
                instanceCoeffs[c] = Ntt.interpolate(new Evals(instance[c], 1), cancel).c());
        long[][] committed = new long[lay.widths[ArgumentLayout.COMMITTED]][];
        long[][] rest = new long[lay.widths[ArgumentLayout.ADVICE]][];
        for (int c = 0; c < advice.length; c++) {
            (lay.adviceTree[c] == ArgumentLayout.COMMITTED ? committed : rest)[lay.adviceSlot[c]] = advice[c];
        }
        if (lay.present(ArgumentLayout.COMMITTED)) {
            if (seeded != null) {
                saltSource = seeded;
            }
            try {
                batches[ArgumentLayout.COMMITTED] = commitStep("separately committed", traceValues(committed));
            } finally {
                saltSource = rng;
            }
        }
        batches[ArgumentLayout.ADVICE] = commitStep("advice", traceValues(rest));
    }

    /** Blinds the committed columns' reserved rows [u, n) from {@code seeded}, in column order. */
    private static void blindCommitted(ArgumentLayout lay, long[][] advice, Rng seeded) {
        for (int c = 0; c < advice.length; c++) {
            if (lay.adviceTree[c] == ArgumentLayout.COMMITTED) {
                long[] r = seeded.felts(lay.n - lay.u);
                System.arraycopy(r, 0, advice[c], lay.u, lay.n - lay.u);
            }
        }
    }

    /**
     * The root a seeded proof ({@link ProofSystem#prove(ProvingKey, Witness, PhaseListener, byte[])}) of this circuit
     * will publish for its separately committed columns, computed from those columns alone (no key, no other column):
     * the same blinding rows and leaf salts, drawn from the same seed in the same order.
     */
    static byte[] precommit(ArgumentLayout lay, long[][] adviceColumns, byte[] seed) {
        if (!lay.present(ArgumentLayout.COMMITTED)) {
            throw new IllegalArgumentException("the circuit commits no columns separately");
        }
        Rng seeded = lay.params.zeroKnowledge() ? new Rng(seed) : null;
        long[][] advice = new long[lay.numAdviceAll][];
        long[][] committed = new long[lay.widths[ArgumentLayout.COMMITTED]][];
        for (int c = 0; c < adviceColumns.length; c++) {
            if (lay.adviceTree[c] == ArgumentLayout.COMMITTED) {
                advice[c] = Arrays.copyOf(adviceColumns[c], lay.n);
                committed[lay.adviceSlot[c]] = advice[c];
            }
        }
        if (seeded == null) {
            return lay.pcs(null).commit(traceValues(committed)).commitment().root();
        }
        blindCommitted(lay, advice, seeded);
        return lay.pcs(seeded::bytes).commit(traceValues(committed)).commitment().root();
    }

    /**
     * m[j] = how many active rows look up the tuple of table row j (first occurrence of duplicates). The tuples are
     * evaluated column-wise over all u rows ({@link ExprEval#block}) and matched through an open-addressing table of
     * row indices: no per-row objects (a million-row lookup used to box a key and an index per row).
     */
    private long[] multiplicities(Lookup lk, int l) {
        long[] m = new long[n];
        int k = lk.arity();
        ExprEval.Columns cols = traceColumns();
        long[][] tab = new long[k][u];
        long[][] in = new long[k][u];
        IntStream.range(0, 2 * k).parallel().forEach(i -> {
            if (i < k) {
                ExprEval.block(lk.table().get(i), cols, 1, 1, n - 1, 0, u, tab[i]);
            } else {
                ExprEval.block(lk.inputs().get(i - k), cols, 1, 1, n - 1, 0, u, in[i - k]);
            }
        });
        int size = Integer.highestOneBit(Math.max(2, 2 * u - 1)) << 1;
        int[] slots = new int[size];
        Arrays.fill(slots, -1);
        for (int r = 0; r < u; r++) {
            int h = tupleHash(tab, r) & (size - 1);
            while (true) {
                int at = slots[h];
                if (at < 0) {
                    slots[h] = r;
                    break;
                }
                if (sameTuple(tab, at, tab, r)) {
                    break; // a duplicate table row: the first occurrence counts
                }
                h = (h + 1) & (size - 1);
            }
        }
        for (int r = 0; r < u; r++) {
            int h = tupleHash(in, r) & (size - 1);
            int at;
            while ((at = slots[h]) >= 0 && !sameTuple(tab, at, in, r)) {
                h = (h + 1) & (size - 1);
            }
            if (at < 0) {
                if (force) {
                    continue;
                }
                throw new IllegalArgumentException("lookup " + lk.name() + ": the input at row " + r
                        + " is not in its table; run the Checker for details");
            }
            m[at] = add(m[at], 1);
        }
        return m;
    }

    private static int tupleHash(long[][] t, int row) {
        long h = 0x9E3779B97F4A7C15L;
        for (long[] c : t) {
            h = (h ^ c[row]) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return (int) (h ^ (h >>> 32));
    }

    private static boolean sameTuple(long[][] a, int ra, long[][] b, int rb) {
        for (int i = 0; i < a.length; i++) {
            if (a[i][ra] != b[i][rb]) {
                return false;
            }
        }
        return true;
    }


    // ---- round 2: LogUp helpers and running sum ----

    private ExprEval.Columns traceColumns() {
        return c -> {
            switch (c.kind()) {
                case FIXED: return pk.fixedAll[c.index()];
                case ADVICE: return advice[c.index()];
                default: return instance[c.index()];
            }
        };
    }

    /** Adds num_k / d_k on rows [0, u) into the helper of each fraction's group (perm or lookup fractions only). */
    private void helperColumns(ArgumentLayout.Challenges ch, long[][] aux, boolean perm) {
        ExprEval.Columns cols = traceColumns();
        for (int g = 0; g < lay.groups.size(); g++) {
            long[] hr = aux[2 * g];
            long[] hi = aux[2 * g + 1];
            for (int k : lay.groups.get(g)) {
                ArgumentLayout.Fraction f = lay.fractions.get(k);
                if (f.perm() != perm) {
                    continue;
                }
                Fp2 beta = perm ? ch.betaP() : ch.betaL();
                Fp2 gamma = perm ? ch.gammaP() : ch.gammaL();
                Fp2[] gp = new Fp2[f.tuple().size()];
                gp[0] = Fp2.ONE;
                for (int t = 1; t < gp.length; t++) {
                    gp[t] = gp[t - 1].mul(gamma);
                }
                int block = 1 << 12;
                IntStream.range(0, (u + block - 1) / block).parallel().forEach(b -> {
                    int from = b * block;
                    int len = Math.min(block, u - from);
                    long[] num = new long[len];
                    ExprEval.block(f.num(), cols, 1, 1, n - 1, from, len, num);
                    long[] dr = new long[len];
                    long[] di = new long[len];
                    Arrays.fill(dr, beta.c0());
                    Arrays.fill(di, beta.c1());
                    long[] tv = new long[len];
                    for (int t = 0; t < gp.length; t++) {
                        ExprEval.block(f.tuple().get(t), cols, 1, 1, n - 1, from, len, tv);
                        long g0 = gp[t].c0();
                        long g1 = gp[t].c1();
                        for (int i = 0; i < len; i++) {
                            dr[i] = sub(dr[i], mul(g0, tv[i]));
                            di[i] = sub(di[i], mul(g1, tv[i]));
                        }
                    }
                    // 1/d = conj(d) / N(d), with the norms inverted in one batch.
                    long[] norm = new long[len];
                    for (int i = 0; i < len; i++) {
                        norm[i] = sub(mul(dr[i], dr[i]), mul(Fp2.W, mul(di[i], di[i])));
                    }
                    long[] ninv = Goldilocks.batchInverse(norm);
                    for (int i = 0; i < len; i++) {
                        long s = mul(num[i], ninv[i]);
                        hr[from + i] = add(hr[from + i], mul(dr[i], s));
                        hi[from + i] = sub(hi[from + i], mul(di[i], s));
                    }
                });
            }
        }
    }

    /** Z[0] = 0, Z[i+1] = Z[i] + sum_g h_g[i] on active rows; random (zk) or zero on the rows after u. */
    private void runningSum(long[][] aux) {
        int groups = lay.groups.size();
        long[] zr = aux[2 * groups];
        long[] zi = aux[2 * groups + 1];
        RunningSum.fill(aux, groups, u, n);
        if (rng != null) {
            for (int g = 0; g < groups; g++) {
                fillRandom(aux[2 * g], u);
                fillRandom(aux[2 * g + 1], u);
            }
            fillRandom(zr, u + 1);
            fillRandom(zi, u + 1);
        }
    }

    private void fillRandom(long[] col, int from) {
        if (from < n) {
            long[] r = rng.felts(n - from);
            System.arraycopy(r, 0, col, from, n - from);
        }
    }

    // ---- round 3: quotient ----

    private void quotient(ArgumentLayout.Challenges ch, Fp2 alpha) {
        long quotientStart = System.nanoTime();
        int qLog = lay.qLog;
        int qn = n << qLog;
        int stride = 1 << (logB - qLog);
        int numGates = circuit.gates().size();
        Fp2[] ap = new Fp2[lay.numConstraints()];
        ap[0] = Fp2.ONE;
        for (int i = 1; i < ap.length; i++) {
            ap[i] = ap[i - 1].mul(alpha);
        }
        // Z_H(x) = x^n - 1 takes 2^qLog values on the coset: x^n = g^n omega_{2^qLog}^i.
        long gn = Goldilocks.pow(shift, n);
        long wq = Goldilocks.rootOfUnity(qLog);
        long[] zh = new long[1 << qLog];
        long x = gn;
        for (int j = 0; j < zh.length; j++) {
            zh[j] = sub(x, 1);
            x = mul(x, wq);
        }
        long[] zhInv = Goldilocks.batchInverse(zh);
        Pcs.ProverData auxData = batches[ArgumentLayout.AUX];
        int groups = lay.groups.size();
        int nf = lay.fractions.size();
        long[] qr = new long[qn];
        long[] qi = new long[qn];
        int block = Math.min(n, 1 << 10);
        Fp2[] alphas = Arrays.copyOfRange(ap, numGates, ap.length);
        long omegaLde = Goldilocks.rootOfUnity(lay.logLde);
        // The quotient domain g <omega_qn> is the union of the 2^qLog cosets g omega_qn^jq <omega_n>; coset jq is the
        // extension's coset j = jq stride, whose values every column gives (kept or recomputed, n per column): so the
        // constraints are evaluated one coset at a time, a rotation by one row staying inside the coset.
        // The columns' values on the current coset. A batch that keeps its extension hands out its own arrays; the
        // others (and the computed and instance columns) are recomputed into the same arrays from coset to coset.
        long[][] fixedC = new long[lay.numFixedAll + ArgumentLayout.COMPUTED][];
        long[][] adviceC = new long[lay.numAdviceAll][];
        long[][] instC = new long[instanceCoeffs.length][];
        long[][] auxC = new long[lay.widths[ArgumentLayout.AUX]][];
        for (int jq = 0; jq < 1 << qLog; jq++) {
            cancel.check("the quotient");
            int j = jq * stride;
            long cosetShift = mul(shift, Goldilocks.pow(omegaLde, j));
            IntStream.range(0, fixedC.length).parallel().forEach(c -> {
                if (c < lay.numFixedAll) {
                    fixedC[c] = pk.fixed.coset(c, j, fixedC[c]);
                } else if (c == lay.domainColumn) {
                    fixedC[c] = domainCoset(cosetShift);
                } else {
                    fixedC[c] = Ntt.cosetInto(pk.computedCoeffs[c - lay.numFixedAll], cosetShift, fixedC[c], cancel);
                }
            });
            IntStream.range(0, adviceC.length).parallel().forEach(c ->
                    adviceC[c] = batches[lay.adviceTree[c]].coset(lay.adviceSlot[c], j, adviceC[c]));
            IntStream.range(0, instC.length).parallel().forEach(c ->
                    instC[c] = Ntt.cosetInto(instanceCoeffs[c], cosetShift, instC[c], cancel));
            IntStream.range(0, auxC.length).parallel().forEach(c -> auxC[c] = auxData.coset(c, j, auxC[c]));
            ExprEval.Columns cols = c -> {
                switch (c.kind()) {
                    case FIXED: return fixedC[c.index()];
                    case ADVICE: return adviceC[c.index()];
                    default: return instC[c.index()];
                }
            };
            long inv = zhInv[jq];
            int jqf = jq;
            IntStream.range(0, n / block).parallel().forEach(b -> {
                int from = b * block;
                long[] accR = new long[block];
                long[] accI = new long[block];
                long[] vals = new long[block];
                for (int g = 0; g < numGates; g++) {
                    ExprEval.block(circuit.gates().get(g).poly(), cols, 1, 1, n - 1, from, block, vals);
                    long a0 = ap[g].c0();
                    long a1 = ap[g].c1();
                    for (int i = 0; i < block; i++) {
                        accR[i] = add(accR[i], mul(a0, vals[i]));
                        accI[i] = add(accI[i], mul(a1, vals[i]));
                    }
                }
                long[][] nums = new long[nf][block];
                long[][][] tuples = new long[nf][][];
                for (int k = 0; k < nf; k++) {
                    ArgumentLayout.Fraction f = lay.fractions.get(k);
                    ExprEval.block(f.num(), cols, 1, 1, n - 1, from, block, nums[k]);
                    tuples[k] = new long[f.tuple().size()][block];
                    for (int t = 0; t < f.tuple().size(); t++) {
                        ExprEval.block(f.tuple().get(t), cols, 1, 1, n - 1, from, block, tuples[k][t]);
                    }
                }
                ArgumentLayout.ExtBlock[] h = new ArgumentLayout.ExtBlock[groups];
                int[] at = new int[block];
                int[] nx = new int[block];
                for (int i = 0; i < block; i++) {
                    at[i] = from + i;
                    nx[i] = (from + i + 1) & (n - 1);
                }
                for (int g = 0; g < groups; g++) {
                    h[g] = new ArgumentLayout.ExtBlock(gather(auxC[2 * g], at), gather(auxC[2 * g + 1], at));
                }
                ArgumentLayout.ExtBlock[] numB = new ArgumentLayout.ExtBlock[nf];
                ArgumentLayout.ExtBlock[][] tupB = new ArgumentLayout.ExtBlock[nf][];
                for (int k = 0; k < nf; k++) {
                    numB[k] = ArgumentLayout.ExtBlock.base(nums[k]);
                    tupB[k] = new ArgumentLayout.ExtBlock[tuples[k].length];
                    for (int t = 0; t < tuples[k].length; t++) {
                        tupB[k][t] = ArgumentLayout.ExtBlock.base(tuples[k][t]);
                    }
                }
                ArgumentLayout.ExtBlock zc = new ArgumentLayout.ExtBlock(gather(auxC[2 * groups], at), gather(auxC[2 * groups + 1], at));
                ArgumentLayout.ExtBlock zn = new ArgumentLayout.ExtBlock(gather(auxC[2 * groups], nx), gather(auxC[2 * groups + 1], nx));
                lay.auxConstraints(ch, block, ArgumentLayout.ExtBlock.base(gather(fixedC[lay.active], at)),
                        ArgumentLayout.ExtBlock.base(gather(fixedC[lay.first], at)),
                        ArgumentLayout.ExtBlock.base(gather(fixedC[lay.last], at)), zc, zn, h, numB, tupB, alphas, accR, accI);
                for (int i = 0; i < block; i++) {
                    int out = jqf + ((from + i) << qLog);
                    long vr = mul(accR[i], inv);
                    long vi = mul(accI[i], inv);
                    if (lay.quotientMask >= 0) {
                        // Q' = Q + S(omega X): the quotient rows a query opens no longer give Q(x), hence C(x).
                        vr = add(vr, auxC[lay.quotientMask][nx[i]]);
                        vi = add(vi, auxC[lay.quotientMask + 1][nx[i]]);
                    }
                    qr[out] = vr;
                    qi[out] = vi;
                }
            });
        }
        long[] cr = Ntt.interpolateInPlace(new Evals(qr, shift), cancel).c();
        long[] ci = Ntt.interpolateInPlace(new Evals(qi, shift), cancel).c();
        long bound = Math.max(1L, (long) lay.maxDegree * (n - 1) - n + 1);
        if (!force) {
            for (long i = bound; i < qn; i++) {
                if (cr[(int) i] != 0 || ci[(int) i] != 0) {
                    throw new IllegalArgumentException("the witness does not satisfy the circuit's constraints "
                            + "(the quotient is not a polynomial); run the Checker for details");
                }
            }
        }
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
        if (rng != null) {
            int kq = lay.maskCoeffs;
            for (int j = 0; j + 1 < numChunks; j++) {
                for (int part = 0; part < 2; part++) {
                    long[] r = rng.felts(kq);
                    for (int k = 0; k < kq; k++) {
                        qc[2 * j + part][m + k] = add(qc[2 * j + part][m + k], r[k]);
                        qc[2 * (j + 1) + part][k] = sub(qc[2 * (j + 1) + part][k], r[k]);
                    }
                }
            }
            qc[2 * numChunks] = rng.felts(n);
            qc[2 * numChunks + 1] = rng.felts(n);
        }
        Coeffs[] chunks = new Coeffs[width];
        for (int c = 0; c < width; c++) {
            chunks[c] = new Coeffs(qc[c]);
        }
        listener.step("constraints on the extended domain", quotientStart, System.nanoTime() - quotientStart);
        long c0 = System.nanoTime();
        batches[ArgumentLayout.QUOTIENT] = pcs.commit(chunks);
        listener.step("commit " + width + " quotient chunk columns", c0, System.nanoTime() - c0);
    }

    /** The computed column X on the coset s &lt;omega_n&gt;: s omega_n^i at index i. */
    private long[] domainCoset(long s) {
        long[] out = new long[n];
        long w = Goldilocks.rootOfUnity(logN);
        long x = s;
        for (int i = 0; i < n; i++) {
            out[i] = x;
            x = mul(x, w);
        }
        return out;
    }

    private static long[] gather(long[] col, int[] at) {
        long[] out = new long[at.length];
        for (int i = 0; i < at.length; i++) {
            out[i] = col[at[i]];
        }
        return out;
    }
}
