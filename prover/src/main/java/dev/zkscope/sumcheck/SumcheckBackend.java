package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.Malformed;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Hashing;
import dev.zkscope.quant.FixedPoint;
import dev.zkscope.transcript.Transcript;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The sumcheck prover and verifier of a lowered model ({@link Plan}), zero-knowledge (docs/sumcheck-zk.md, section 3).
 * The statement is the public output; the input is private. In the order of the proof:
 * <ol>
 *   <li>the transcript absorbs the verifying key's digest (model, weight commitments, parameters) and the output;</li>
 *   <li>the prover commits W, hiding: every private tensor (the input among them), remainder, sign bit, limb, the
 *   table's multiplicities and the mask segment ({@link TensorPcs#commitHiding});</li>
 *   <li>beta; the prover commits the lookup helpers H (h = 1/(beta - v), g = m/(beta - t)); two masked zero-checks and
 *   the claim sum h = sum g prove every range-checked value lies in [0, 2^B) (LogUp);</li>
 *   <li>the steps, each from fresh challenges with a public claim, through one masked sumcheck ({@link Zk#sumcheck}):
 *   rescales as a linear claim, ReLU and element-wise maps as zero-checks, gathers and dot products as the stacked
 *   identity over [y | x] ({@link LinearLayers}); every private final value becomes a linear claim on W or H;</li>
 *   <li>one batched hiding opening of W and one of H against all their claims ({@link ZkOpening#proveClaims}), one
 *   opening of each weight matrix at its points.</li>
 * </ol>
 */
public final class SumcheckBackend {
    static final String DOMAIN = "zkscope-sumcheck-v1";
    static final int MAGIC = 0x5A4B5343; // "ZKSC"
    static final int VERSION = 6; // 2: model plan in a key file; 3: two proximity mask rows (u uniform in F_p2); 4: zero knowledge (masked sumchecks, private input, LogUp with committed helpers, batched hiding openings); 5: W and H commit only the rows their segments reach (one blinding row per committed row); 6: rows are messages of C + t symbols (no power-of-two padding) in the smallest code of rate <= 9/8 2^-logBlowup, 112 columns in the standard preset
    static final int VK_MAGIC = 0x5A4B534B; // "ZKSK"

    private SumcheckBackend() {}

    /**
     * The key: the plan, the parameters and the weight matrices' commitments (the verifying key, {@link #verifyingKey}
     * bytes), plus on the prover's side the model and the committed matrices.
     */
    public static final class Keys {
        final Plan plan;
        final PcsParams params;
        final QModel model;
        final List<TensorPcs.Committed> weights;
        final List<TensorPcs.Commitment> roots;
        final byte[] vk;
        final byte[] digest;

        Keys(Plan plan, PcsParams params, QModel model, List<TensorPcs.Committed> weights, List<TensorPcs.Commitment> roots) {
            this.plan = plan;
            this.params = params;
            this.model = model;
            this.weights = weights;
            this.roots = roots;
            dev.zkscope.codec.ByteWriter w = new dev.zkscope.codec.ByteWriter();
            w.u32(VK_MAGIC).u32(VERSION).string(params.name()).u8(params.logBlowup()).u16(params.queries())
                    .u8(params.grindingBits()).u8(params.zk() ? 1 : 0);
            plan.write(w);
            w.u32(roots.size());
            for (TensorPcs.Commitment c : roots) {
                w.u8(c.numVars()).bytes(c.root());
            }
            this.vk = w.toBytes();
            MessageDigest d = Hashing.newDigest();
            d.update(DOMAIN.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            d.update(vk);
            this.digest = d.digest();
        }

        public PcsParams params() {
            return params;
        }

        /** The model (prover side; null for a key read from bytes). */
        public QModel model() {
            return model;
        }

        /** The model's name as the key states it. */
        public String modelName() {
            return plan.name;
        }

        /** The digest the transcript starts from (what a verifier pins). */
        public byte[] digest() {
            return digest.clone();
        }

        /** The verifying key's bytes: parameters, plan (structure, im2col maps, biases), weight commitments. */
        public byte[] verifyingKey() {
            return vk.clone();
        }

        /** Bytes of the verifying key. */
        public long verifyingKeyBytes() {
            return vk.length;
        }

        /** Public input and output sizes. */
        public int inputSize() {
            return plan.inputSize();
        }

        public int outputSize() {
            return plan.outputSize();
        }

        /** The verifier's key read from {@link #verifyingKey} bytes. */
        public static Keys readVerifyingKey(byte[] bytes) throws Malformed {
            ByteReader r = new ByteReader(bytes);
            r.section("sumcheck verifying key");
            if (r.u32() != VK_MAGIC) {
                throw r.malformed("not a zkscope sumcheck verifying key (bad magic)");
            }
            int v = r.u32();
            if (v != VERSION) {
                throw r.malformed("key format version " + v + ", this verifier reads " + VERSION);
            }
            String name = r.string();
            int lb = r.u8();
            int q = r.u16();
            int g = r.u8();
            boolean zk = r.u8() == 1;
            PcsParams params;
            try {
                params = new PcsParams(name, lb, q, g, zk);
            } catch (IllegalArgumentException e) {
                throw r.malformed(e.getMessage());
            }
            Plan plan = Plan.read(r);
            r.section("weight commitments");
            int n = r.u32();
            if (n != plan.weightCount()) {
                throw r.malformed(n + " weight commitments for " + plan.weightCount() + " weight matrices");
            }
            List<TensorPcs.Commitment> roots = new ArrayList<>();
            for (Plan.Op op : plan.ops) {
                if (op instanceof Plan.DotOp d) {
                    int vars = r.u8();
                    if (vars != d.logC() + d.logK()) {
                        throw r.malformed("weight commitment of " + vars + " variables for layer " + d.layer());
                    }
                    roots.add(new TensorPcs.Commitment(r.bytes(Hashing.DIGEST_BYTES), vars));
                } else if (op instanceof GroupedDotOp d) {
                    int vars = r.u8();
                    if (vars != d.logC() + d.logK()) {
                        throw r.malformed("weight commitment of " + vars + " variables for layer " + d.layer());
                    }
                    roots.add(new TensorPcs.Commitment(r.bytes(Hashing.DIGEST_BYTES), vars));
                }
            }
            r.expectEnd();
            return new Keys(plan, params, null, null, roots);
        }
    }

    /** Builds the plan and commits every weight matrix. Throws UnsupportedOperationException naming the layer. */
    public static Keys keygen(QModel model, PcsParams params, Random rng) {
        Plan plan = Plan.of(model);
        List<TensorPcs.Committed> ws = new ArrayList<>();
        List<TensorPcs.Commitment> roots = new ArrayList<>();
        for (long[] wm : plan.weightMatrices) {
            TensorPcs.Committed c = TensorPcs.commit(wm, params, rng);
            ws.add(c);
            roots.add(c.commitment());
        }
        return new Keys(plan, params, model, ws, roots);
    }

    /** A proof and the public output it proves (the model's output on the input, as the integer semantics give it). */
    public record Proved(byte[] proof, long[] output, Map<String, Long> layerNanos, Map<String, Long> layerMults) {
        public Proved(byte[] proof, long[] output) {
            this(proof, output, Map.of());
        }

        /** Without counted products (see {@link FieldOps}). */
        public Proved(byte[] proof, long[] output, Map<String, Long> layerNanos) {
            this(proof, output, layerNanos, Map.of());
        }
    }

    /** The range-table width (bits) this backend's keygen chooses for the model (the estimates use it too). */
    public static int rangeBits(QModel m) {
        return Plan.chooseLimbBits(m, m.bounds());
    }

    // ---------------------------------------------------------------------------------------------------- prover

    /**
     * Proves the model's inference on the quantized (private) input, counting the prover's extension-field products
     * per layer and phase ({@link Proved#layerMults}, under the same labels as the timings; empty when another proof
     * is being counted at the same time).
     */
    public static Proved prove(Keys keys, long[] input, Random rng) {
        FieldOps.Counter ops = FieldOps.begin();
        FieldOps.CURRENT.set(ops);
        try {
            Proved p = prove(keys, input, rng, null);
            return ops == null ? p : new Proved(p.proof(), p.output(), p.layerNanos(), ops.counts());
        } finally {
            FieldOps.CURRENT.remove();
            FieldOps.end(ops);
        }
    }

    /** Proves with the evaluated tensors edited by {@code tamper} before W is built (tests: a cheating prover). */
    static Proved prove(Keys keys, long[] input, Random rng, java.util.function.Consumer<long[][]> tamper) {
        return prove(keys, input, rng, null, tamper);
    }

    /**
     * Tests: {@code cheat} edits the evaluated tensors before the output is taken (a cheating prover whose public
     * output follows its witness), {@code tamper} after (the output stays honest).
     */
    static Proved prove(Keys keys, long[] input, Random rng, java.util.function.Consumer<long[][]> cheat,
                        java.util.function.Consumer<long[][]> tamper) {
        Plan plan = keys.plan;
        QModel m = keys.model;
        if (m == null) {
            throw new IllegalStateException("a verifying key cannot prove: make the keys from the model");
        }
        boolean zk = keys.params.zk();
        Map<String, Long> layerNanos = new java.util.LinkedHashMap<>();
        long tStart = System.nanoTime();
        long[][] t = m.evaluate(input);
        if (cheat != null) {
            cheat.accept(t);
        }
        long[] output = concatOutputs(m, t);
        if (tamper != null) {
            tamper.accept(t);
        }
        Transcript tr = start(keys, output);
        ProofStream.Writer out = new ProofStream.Writer();
        out.w.u32(MAGIC).u32(VERSION).string(keys.params.name());

        // 1. the witness W: committed tensors (the input among them), remainders, signs, limbs, multiplicities, masks
        long[][] tables = tables(plan, t);
        long[][] seg = segments(plan, t, tables);
        int logS = plan.logLookupArea;
        int sArea = 1 << logS;
        long[] vals = lookupArea(plan, seg);
        if (zk) {
            long[] z = seg[plan.maskSeg];
            TensorPcs.randomFelts(rng, z, 0, z.length);
        }
        long[] w = new long[1 << plan.logW];
        for (int i = 0; i < seg.length; i++) {
            System.arraycopy(seg[i], 0, w, plan.placed.get(i).offset(), seg[i].length);
        }
        TensorPcs.Committed wc = commit(w, used(plan.space()), keys.params, rng);
        wc.commitment().absorbInto(tr);
        out.w.bytes(wc.commitment().root());
        long tCommit = System.nanoTime();
        layerNanos.put("witness commitment", tCommit - tStart);
        FieldOps.attribute("witness commitment");

        // 2. the lookups' helper columns h = 1/(beta - v), g = m/(beta - t), committed in H
        Fp2 beta = tr.challengeExt();
        Fp2 gamma = gammaFor(plan, tr);
        Helpers hs = new Helpers(plan);
        long[] hv = new long[1 << hs.space.logSize()];
        long[] hExt = new long[2 * sArea];
        long[] gExt = new long[2 << plan.limbBits];
        fillInverses(vals, beta, hExt, null);
        long[] ids = new long[1 << plan.limbBits];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        fillInverses(ids, beta, gExt, seg[plan.multSeg]);
        for (int i = 0; i < sArea; i++) {
            hv[hs.space.offsets()[Helpers.H0] + i] = hExt[2 * i];
            hv[hs.space.offsets()[Helpers.H1] + i] = hExt[2 * i + 1];
        }
        for (int i = 0; i < ids.length; i++) {
            hv[hs.space.offsets()[Helpers.G0] + i] = gExt[2 * i];
            hv[hs.space.offsets()[Helpers.G1] + i] = gExt[2 * i + 1];
        }
        for (TableOp op : TableOp.of(plan)) {
            op.fillHelpers(plan, t, seg, beta, gamma, hs.space, op.helperBase(plan, Helpers.TABLES), hv);
        }
        if (zk) {
            int off = hs.space.offsets()[Helpers.MASKS];
            TensorPcs.randomFelts(rng, hv, off, off + (1 << hs.space.logSizes()[Helpers.MASKS]));
        }
        TensorPcs.Committed hc = commit(hv, used(hs.space), keys.params, rng);
        hc.commitment().absorbInto(tr);
        out.w.bytes(hc.commitment().root());
        long tHelpers = System.nanoTime();
        layerNanos.put("lookup helpers commitment", tHelpers - tCommit);
        FieldOps.attribute("lookup helpers commitment");
        Zk z = new Zk(tr, out, null, zk, new Zk.Space[] {plan.space(), hs.space},
                new Zk.Pool[] {plan.pool(w), hs.pool(hv)});
        Ctx ctx = new Ctx(plan, z, tables, keys, seg);
        ctx.vals = vals;
        ctx.hExt = hExt;
        ctx.gExt = gExt;
        ctx.functionLookups(beta, gamma, hs, hv);
        try {
            lookups(ctx, beta, hs);
            long tLookups = System.nanoTime();
            layerNanos.put("range checks (LogUp)", tLookups - tHelpers);
            FieldOps.attribute("range checks (LogUp)");
            // 3. the steps, each from fresh challenges, last first
            for (int k = plan.ops.size() - 1; k >= 0; k--) {
                Plan.Op op = plan.ops.get(k);
                long t0 = System.nanoTime();
                step(ctx, op);
                layerNanos.merge(op.layer() + " (" + op.kind() + ")", System.nanoTime() - t0, Long::sum);
                FieldOps.attribute(op.layer() + " (" + op.kind() + ")");
            }
        } catch (Malformed e) {
            throw new IllegalStateException(e); // the prover reads nothing
        }
        // 4. openings: W and H by one batched (hiding) opening each, the weights at their points
        long t0 = System.nanoTime();
        ZkOpening.write(ZkOpening.proveClaims(wc, plan.space(), z.claims.get(0), keys.params, tr), out.w);
        FieldOps.attribute("witness opening");
        ZkOpening.write(ZkOpening.proveClaims(hc, hs.space, z.claims.get(1), keys.params, tr), out.w);
        FieldOps.attribute("lookup helpers opening");
        layerNanos.put("witness opening", System.nanoTime() - t0);
        t0 = System.nanoTime();
        for (int i = 0; i < keys.weights.size(); i++) {
            TensorPcs.Opening o = TensorPcs.open(keys.weights.get(i), ctx.aPoints.get(i).toArray(new Fp2[0][]),
                    keys.params, tr);
            o.write(out.w);
        }
        layerNanos.put("weight openings", System.nanoTime() - t0);
        FieldOps.attribute("weight openings");
        return new Proved(out.w.toBytes(), output, layerNanos);
    }

    /** Every tensor's table in its layout (field), by tensor (aliases share their source's). */
    static long[][] tables(Plan plan, long[][] t) {
        long[][] tables = new long[t.length][];
        for (int tt = 0; tt < t.length; tt++) {
            if (plan.alias[tt] == tt && plan.layouts[tt] != null) {
                tables[tt] = plan.layouts[tt].table(t[tt]);
            }
        }
        return tables;
    }

    /**
     * W's segments from the evaluated tensors: committed tensors, remainders, signs, limbs and the multiplicities of
     * the lookup area's values (the mask segment is left zero). Throws IllegalArgumentException for a value outside
     * the range the key was built for.
     */
    static long[][] segments(Plan plan, long[][] t, long[][] tables) {
        long[][] seg = new long[plan.segments.size()][];
        for (int i = 0; i < seg.length; i++) {
            seg[i] = new long[1 << plan.segments.get(i).logSize()];
        }
        for (int tt = 0; tt < t.length; tt++) {
            if (plan.tensorSeg[tt] >= 0) {
                seg[plan.tensorSeg[tt]] = tables[tt];
            }
        }
        for (Plan.Op op : plan.ops) {
            if (op instanceof Plan.DivOp dv) {
                long[] x = t[dv.in()];
                Plan.Layout l = plan.layout(dv.in());
                long[] y = t[dv.out()];
                for (int i = 0; i < l.n(); i++) {
                    // in the field (a cheating y need not be a small integer), read back as a signed integer; the
                    // honest value is FixedPoint.divRoundRemainder(x, d)
                    long remF = Goldilocks.sub(Goldilocks.fromSigned(x[i] + dv.d() / 2),
                            Goldilocks.mul(Goldilocks.fromSigned(dv.d()), Goldilocks.fromSigned(y[i])));
                    long rem = Goldilocks.toSigned(remF);
                    if (LayerKit.LENIENT.get() && (rem < 0 || rem >= dv.d())) {
                        rem = FixedPoint.divRoundRemainder(x[i], dv.d()); // a cheating prover keeps rem in the table
                    }
                    seg[dv.remSeg()][l.pos(i)] = rem;
                    if (dv.yLimbs().length > 0) {
                        VarDivOp.fillQuotient(plan, seg, dv.yLimbs(), l.pos(i), y[i], dv.off(), dv.layer());
                    }
                }
            } else if (op instanceof Plan.ReluOp r) {
                long[] x = t[r.in()];
                Plan.Layout l = plan.layout(r.in());
                for (int i = 0; i < l.n(); i++) {
                    int at = l.pos(i);
                    long abs = Math.abs(x[i]);
                    seg[r.signSeg()][at] = x[i] >= 0 ? 1 : 0;
                    for (int j = 0; j < r.limbSegs().length; j++) {
                        seg[r.limbSegs()[j]][at] = (abs >>> (plan.limbBits * j)) & ((1L << plan.limbBits) - 1);
                    }
                    if ((abs >>> (plan.limbBits * r.limbSegs().length)) != 0 && !LayerKit.LENIENT.get()) {
                        throw new IllegalArgumentException("layer " + r.layer() + ": value " + x[i]
                                + " is outside the range the key was built for; the input is outside the calibrated domain");
                    }
                }
            } else if (op instanceof LayerOp lo) {
                lo.witness(plan, t, seg);
            }
        }
        long[] mult = seg[plan.multSeg];
        for (long v : lookupArea(plan, seg)) {
            if (v < 0 || v >= (1L << plan.limbBits)) {
                throw new IllegalArgumentException("a range-checked value " + v + " is outside [0, 2^" + plan.limbBits
                        + "): the input is outside the calibrated domain");
            }
            mult[(int) v]++;
        }
        return seg;
    }

    /** The packed lookup area: every lookup column's values at its offset, zeros where no column sits. */
    static long[] lookupArea(Plan plan, long[][] seg) {
        long[] vals = new long[1 << plan.logLookupArea];
        for (Plan.LookupColumn c : plan.lookups) {
            for (int i = 0; i < (1 << c.logSize()); i++) {
                vals[c.offset() + i] = lookupValue(c, seg, i);
            }
        }
        return vals;
    }

    /**
     * A commitment of a table whose values past {@code used} are zero (its segments' end): only the rows up to there
     * are committed; hiding (every committed row blinded, for {@link ZkOpening}) with zero knowledge, plain without.
     */
    static TensorPcs.Committed commit(long[] v, long used, PcsParams p, Random rng) {
        int m = Integer.numberOfTrailingZeros(v.length);
        return TensorPcs.commit(v, p, rng, p.zk() ? ZkOpening.blindRows(m, used, p) : 0, used);
    }

    /** Where a commitment's segments end: every value past it is zero (the aligned placement leaves no gaps). */
    static long used(Zk.Space sp) {
        long end = 0;
        for (int i = 0; i < sp.offsets().length; i++) {
            end = Math.max(end, sp.offsets()[i] + (1L << sp.logSizes()[i]));
        }
        return end;
    }

    /**
     * out[i] = num[i] / (beta - x[i]) (num null: 1), interleaved, by batch inversion: one per chunk of
     * {@link Mle#PARALLEL} entries, the chunks in parallel (the values are the inverses whatever the chunking).
     */
    static void fillInverses(long[] x, Fp2 beta, long[] out, long[] num) {
        int n = x.length;
        int chunk = Mle.PARALLEL;
        java.util.stream.IntStream.range(0, (n + chunk - 1) / chunk).parallel()
                .forEach(c -> fillInverses(x, beta, out, num, c * chunk, Math.min(n, (c + 1) * chunk)));
        FieldOps.add(3L * n + (num == null ? 0 : n)); // prefix products, the two back-substitution products, m times
    }

    private static void fillInverses(long[] x, Fp2 beta, long[] out, long[] num, int from, int to) {
        long b0 = beta.c0();
        long b1 = beta.c1();
        // out holds the prefix products (the product of the chunk's first i denominators at i), then the inverses
        long a0 = 1;
        long a1 = 0;
        for (int i = from; i < to; i++) {
            out[2 * i] = a0;
            out[2 * i + 1] = a1;
            long d0 = Goldilocks.sub(b0, Goldilocks.fromSigned(x[i]));
            long t0 = Fp2.mul0(a0, a1, d0, b1);
            a1 = Fp2.mul1(a0, a1, d0, b1);
            a0 = t0;
        }
        Fp2 inv = new Fp2(a0, a1).inv();
        long i0 = inv.c0();
        long i1 = inv.c1();
        for (int i = to - 1; i >= from; i--) {
            long p0 = out[2 * i];
            long p1 = out[2 * i + 1];
            long e0 = Fp2.mul0(i0, i1, p0, p1);
            long e1 = Fp2.mul1(i0, i1, p0, p1);
            long d0 = Goldilocks.sub(b0, Goldilocks.fromSigned(x[i]));
            long t0 = Fp2.mul0(i0, i1, d0, b1);
            i1 = Fp2.mul1(i0, i1, d0, b1);
            i0 = t0;
            if (num != null) {
                e0 = Goldilocks.mul(e0, num[i]);
                e1 = Goldilocks.mul(e1, num[i]);
            }
            out[2 * i] = e0;
            out[2 * i + 1] = e1;
        }
    }

    /** The lookup helpers' commitment H: h's and g's two coordinates and H's mask pool. */
    static final class Helpers {
        static final int H0 = 0;
        static final int H1 = 1;
        static final int G0 = 2;
        static final int G1 = 3;
        static final int MASKS = 4;
        /** The first segment of the function tables' helpers ({@link TableOp#helperBase}). */
        static final int TABLES = 5;
        final Zk.Space space;

        Helpers(Plan plan) {
            int logS = plan.logLookupArea;
            int b = plan.limbBits;
            int logMask = Mle.logCeil(Math.max(2, Zk.slots(logS, 0, 1) + Zk.slots(b, 0, 1) + TableOp.helperMasks(plan)));
            int[] tables = TableOp.helperLogSizes(plan);
            int[] logs = Arrays.copyOf(new int[] {logS, logS, b, b, logMask}, TABLES + tables.length);
            System.arraycopy(tables, 0, logs, TABLES, tables.length);
            space = Plan.place(logs);
        }

        Zk.Pool pool(long[] values) {
            return new Zk.Pool("lookup helpers", space.offsets()[MASKS], 1 << space.logSizes()[MASKS], values);
        }
    }

    /** The state both sides share while proving or checking the steps. */
    static final class Ctx {
        final Plan plan;
        final Zk zk;
        final long[][] tables; // by tensor (alias): every tensor (prover), the public ones (verifier)
        final Keys keys;
        final long[][] seg; // prover: segment values
        final List<List<Fp2[]>> aPoints = new ArrayList<>();
        final List<List<Fp2>> aValues = new ArrayList<>();
        long[] vals; // prover: the lookup area
        long[] hExt; // prover: h, interleaved
        long[] gExt; // prover: g, interleaved
        Fp2 beta; // the lookups' challenges (function tables fold (x, y) by gamma)
        Fp2 gamma;
        Helpers helpers;
        long[] hv; // prover: H's values

        void functionLookups(Fp2 beta, Fp2 gamma, Helpers helpers, long[] hv) {
            this.beta = beta;
            this.gamma = gamma;
            this.helpers = helpers;
            this.hv = hv;
        }

        Ctx(Plan plan, Zk zk, long[][] tables, Keys keys, long[][] seg) {
            this.plan = plan;
            this.zk = zk;
            this.tables = tables;
            this.keys = keys;
            this.seg = seg;
            for (int i = 0; i < plan.weightCount(); i++) {
                aPoints.add(new ArrayList<>());
                aValues.add(new ArrayList<>());
            }
        }

        boolean prover() {
            return zk.prover();
        }

        /** Whether a tensor's values are private (committed in W) rather than public (the outputs). */
        boolean priv(int t) {
            return plan.role(t) != Plan.Role.PUBLIC;
        }

        /** Adds coef times tensor t's MLE at z: a term on its segment, or the verifier's own value when public. */
        Zk.Lin tensor(Zk.Lin lin, int t, Fp2[] z, Fp2 coef) {
            int a = plan.alias[t];
            if (priv(a)) {
                return lin.seg(plan.tensorSeg[a], z, coef);
            }
            return lin.constant(coef.mul(Mle.evaluateBase(tables[a], z)));
        }

        /** Table idx of a run holds tensor t: bound to its segment, or checked against the public tensor. */
        void bindTensor(Zk.Run run, int idx, int t, Fp2[] z, String what) {
            if (priv(t)) {
                run.bind(idx, tensor(new Zk.Lin(), t, z, Fp2.ONE));
            } else {
                run.expect(idx, Mle.evaluateBase(tables[plan.alias[t]], z), what);
            }
        }

        /** Tensor t's table lifted into the extension (prover). */
        long[] lifted(int t) {
            return Ext.lift(tables[plan.alias[t]]);
        }

        long[] segment(int s) {
            return seg == null ? null : Ext.lift(seg[s]);
        }

        void onWeights(Plan.DotOp d, Fp2[] z, Fp2 v) {
            onWeights(d.weight(), z, v);
        }

        /** A claim on weight matrix {@code weight} of the key at z (opened against the key's commitment). */
        void onWeights(int weight, Fp2[] z, Fp2 v) {
            aPoints.get(weight).add(z);
            aValues.get(weight).add(v);
        }
    }

    /**
     * LogUp with committed helpers: zero-checks h (beta - v) = 1 over the lookup area and g (beta - t) = m over the
     * table, and sum h = sum g as a claim on H (Haböck, eprint 2022/1530).
     */
    static void lookups(Ctx c, Fp2 beta, Helpers hs) throws Malformed {
        Plan plan = c.plan;
        int logS = plan.logLookupArea;
        int b = plan.limbBits;
        // 1. sum_i eq(tau, i) [h(i) beta - h(i) v(i) - 1] = 0
        Fp2[] tau = challenges(c.zk.tr, logS);
        Sumcheck.Form f1 = new Sumcheck.Form(new int[][] {{0, 1}, {0, 1, 2}, {0}},
                new Fp2[] {beta, Fp2.ONE.neg(), Fp2.ONE.neg()});
        long[][] tabs = c.prover() ? new long[][] {null, c.hExt, Ext.lift(c.vals)} : null;
        Zk.Run run = c.zk.zeroCheck(f1, tau, tabs, logS, new boolean[] {false, true, true}, new int[] {0, 1, 0}, 0, Fp2.ZERO);
        Fp2[] rho = run.point;
        run.expect(0, Mle.eq(tau, rho), "lookup argument");
        run.bind(1, new Zk.Lin().seg(Helpers.H0, rho, Fp2.ONE).seg(Helpers.H1, rho, Zk.X));
        Zk.Lin area = new Zk.Lin();
        for (Plan.LookupColumn col : plan.lookups) {
            Fp2 sel = Fp2.ONE;
            for (int j = col.logSize(); j < logS; j++) {
                sel = sel.mul(((col.offset() >>> j) & 1) == 1 ? rho[j] : Fp2.ONE.sub(rho[j]));
            }
            area.constant(sel.mul(Goldilocks.fromSigned(col.c0())));
            Fp2[] low = Arrays.copyOf(rho, col.logSize());
            for (int j = 0; j < col.segs().length; j++) {
                if (plan.segments.get(col.segs()[j]).logSize() != col.logSize()) {
                    throw new IllegalStateException("lookup column and segment sizes differ");
                }
                area.seg(col.segs()[j], low, sel.mul(Goldilocks.fromSigned(col.coefs()[j])));
            }
        }
        run.bind(2, area);
        run.check(f1, "lookup argument: h (beta - v) = 1");
        // 2. sum_t eq(tau', t) [g(t) (beta - t) - m(t)] = 0
        Fp2[] tau2 = challenges(c.zk.tr, b);
        Sumcheck.Form f2 = new Sumcheck.Form(new int[][] {{0, 1, 2}, {0, 3}}, new Fp2[] {Fp2.ONE, Fp2.ONE.neg()});
        if (c.prover()) {
            long[] tb = new long[2 << b];
            for (int i = 0; i < (1 << b); i++) {
                Ext.set(tb, i, beta.sub(Fp2.of(i)));
            }
            tabs = new long[][] {null, c.gExt, tb, c.segment(plan.multSeg)};
        }
        run = c.zk.zeroCheck(f2, tau2, tabs, b, new boolean[] {false, true, false, true}, new int[] {0, 1, 0, 0}, 0, Fp2.ZERO);
        rho = run.point;
        run.expect(0, Mle.eq(tau2, rho), "lookup argument");
        run.bind(1, new Zk.Lin().seg(Helpers.G0, rho, Fp2.ONE).seg(Helpers.G1, rho, Zk.X));
        Fp2 id = Fp2.ZERO;
        for (int j = 0; j < b; j++) {
            id = id.add(rho[j].mul(Goldilocks.pow(2, j)));
        }
        run.expect(2, beta.sub(id), "lookup argument");
        run.bind(3, new Zk.Lin().seg(plan.multSeg, rho, Fp2.ONE));
        run.check(f2, "lookup argument: g (beta - t) = m");
        // 3. sum h - sum g = 0: a looked-up value outside the table makes the two sums differ (except for few beta)
        c.zk.claim(1, new Zk.Lin().seg(Helpers.H0, null, Fp2.ONE).seg(Helpers.H1, null, Zk.X)
                .seg(Helpers.G0, null, Fp2.ONE.neg()).seg(Helpers.G1, null, Zk.X.neg()), Fp2.ZERO);
    }

    /**
     * The function tables' fold challenge gamma, drawn with beta after W is committed, only when the model has a
     * function table (other models' transcripts are unchanged).
     */
    static Fp2 gammaFor(Plan plan, Transcript tr) {
        return TableOp.of(plan).isEmpty() ? Fp2.ZERO : tr.challengeExt();
    }

    /** One step's identities, on both sides (the prover writes, the verifier reads and checks). */
    static void step(Ctx c, Plan.Op op) throws Malformed {
        Plan plan = c.plan;
        String what = "layer " + op.layer() + " (" + op.kind() + ")";
        if (op instanceof Plan.DivOp dv) {
            // x - d y - rem = -floor(d/2) ind at a random point: a claim on W with a public value
            Fp2[] r = challenges(c.zk.tr, plan.layout(dv.out()).logSize());
            Zk.Lin lin = new Zk.Lin();
            c.tensor(lin, dv.in(), r, Fp2.ONE);
            c.tensor(lin, dv.out(), r, Fp2.of(Goldilocks.fromSigned(dv.d())).neg());
            lin.seg(dv.remSeg(), r, Fp2.ONE.neg());
            long[] ind = plan.layout(dv.out()).indicator();
            Fp2 indR = Mle.evaluateBase(ind, r);
            c.zk.claim(0, lin, indR.mul(dv.d() / 2).neg());
            if (dv.off() > 0 && dv.yLimbs().length == 0) { // a public quotient: its stated values in [-off, off)
                long[] y = c.prover() ? new long[0] : c.tables[plan.alias[dv.out()]]; // the verifier checks
                for (long v : y) {
                    long signed = Goldilocks.toSigned(v);
                    if (signed < -dv.off() || signed >= dv.off()) {
                        throw new SumcheckException(what + ": output value " + signed + " is outside the quotient's "
                                + "range [-" + dv.off() + ", " + dv.off() + ")");
                    }
                }
            } else if (dv.off() > 0) { // the quotient's range: y + off ind - sum 2^(B j) limb_j = 0 at the same point
                Zk.Lin q = new Zk.Lin();
                c.tensor(q, dv.out(), r, Fp2.ONE);
                for (int j = 0; j < dv.yLimbs().length; j++) {
                    q.seg(dv.yLimbs()[j], r, Fp2.of(Goldilocks.fromSigned(1L << (plan.limbBits * j))).neg());
                }
                c.zk.claim(0, q, indR.mul(Goldilocks.fromSigned(dv.off())).neg());
            }
        } else if (op instanceof Plan.ReluOp rl) {
            int log = plan.layout(rl.out()).logSize();
            Fp2[] tau = challenges(c.zk.tr, log);
            Fp2[] alpha = challenges(c.zk.tr, 3);
            int nl = rl.limbSegs().length;
            Sumcheck.Form form = reluForm(alpha, nl, plan.limbBits);
            boolean[] priv = new boolean[4 + nl];
            Arrays.fill(priv, true);
            priv[0] = false;
            priv[2] = c.priv(rl.out());
            priv[3] = c.priv(rl.in());
            long[][] tabs = null;
            if (c.prover()) {
                tabs = new long[4 + nl][];
                tabs[1] = c.segment(rl.signSeg());
                tabs[2] = c.lifted(rl.out());
                tabs[3] = c.lifted(rl.in());
                for (int j = 0; j < nl; j++) {
                    tabs[4 + j] = c.segment(rl.limbSegs()[j]);
                }
            }
            Zk.Run run = c.zk.zeroCheck(form, tau, tabs, log, priv, new int[4 + nl], 0, Fp2.ZERO);
            Fp2[] pt = run.point;
            run.expect(0, Mle.eq(tau, pt), what);
            run.bind(1, new Zk.Lin().seg(rl.signSeg(), pt, Fp2.ONE));
            c.bindTensor(run, 2, rl.out(), pt, what);
            c.bindTensor(run, 3, rl.in(), pt, what);
            for (int j = 0; j < nl; j++) {
                run.bind(4 + j, new Zk.Lin().seg(rl.limbSegs()[j], pt, Fp2.ONE));
            }
            run.check(form, what + ": ReLU identities");
        } else if (op instanceof Plan.DotOp dot) {
            LinearLayers.dot(c, dot, what);
        } else if (op instanceof Plan.MapOp mp) {
            LinearLayers.map(c, mp, what);
        } else if (op instanceof Plan.LinearOp l) {
            LinearLayers.linear(c, l, what);
        } else if (op instanceof LayerOp lo) {
            lo.step(c, what);
        } else {
            throw new IllegalStateException("no protocol for " + what);
        }
    }

    /**
     * Base-field mask slots the steps and the lookups take from W's pool (an upper bound: every table counted private,
     * the largest degree of the step's form). A new step must add its sumchecks here.
     */
    static int maskBudget(Plan plan) {
        int n = Zk.slots(plan.logLookupArea, 5, 1) + Zk.slots(plan.limbBits, 4, 1) + 2;
        for (Plan.Op op : plan.ops) {
            if (op instanceof Plan.DivOp) {
                continue;
            } else if (op instanceof Plan.ReluOp r) {
                n += Zk.slots(plan.layout(r.out()).logSize(), 5, 3 + r.limbSegs().length);
            } else if (op instanceof Plan.LinearOp l) {
                n += Zk.slots(plan.layout(l.out()).logSize(), 4, 3);
            } else if (op instanceof Plan.DotOp d) {
                n += Zk.slots(LinearLayers.stackedVars(plan.layout(d.out()), plan.layout(d.in())), 3, 1);
            } else if (op instanceof Plan.MapOp mp) {
                n += Zk.slots(LinearLayers.stackedVars(plan.layout(mp.out()), plan.layout(mp.in())), 3, 1);
            } else if (op instanceof LayerOp lo) {
                n += lo.masks(plan);
            } else {
                throw new IllegalStateException("SumcheckBackend.maskBudget does not count the masks of " + op.kind());
            }
        }
        return n;
    }

    static long lookupValue(Plan.LookupColumn c, long[][] seg, int i) {
        long v = c.c0();
        for (int j = 0; j < c.segs().length; j++) {
            long[] s = seg[c.segs()[j]];
            v += c.coefs()[j] * (i < s.length ? s[i] : 0);
        }
        return v;
    }

    /** Segments read by lookup columns, in first-use order. */
    static List<Integer> lookupSegments(Plan plan) {
        java.util.LinkedHashSet<Integer> s = new java.util.LinkedHashSet<>();
        for (Plan.LookupColumn c : plan.lookups) {
            for (int sg : c.segs()) {
                s.add(sg);
            }
        }
        return new ArrayList<>(s);
    }

    /**
     * ReLU zero-check over tables (0 eq, 1 s, 2 y, 3 x, 4.. limbs): alpha0 (s - s^2) + alpha1 (y - s x)
     * + alpha2 (sum 2^(B j) limb_j - 2 s x + x), each term times eq(tau, .).
     */
    static Sumcheck.Form reluForm(Fp2[] a, int limbs, int bits) {
        List<int[]> terms = new ArrayList<>();
        List<Fp2> cs = new ArrayList<>();
        terms.add(new int[] {0, 1});
        cs.add(a[0]);
        terms.add(new int[] {0, 1, 1});
        cs.add(a[0].neg());
        terms.add(new int[] {0, 2});
        cs.add(a[1]);
        terms.add(new int[] {0, 1, 3});
        cs.add(a[1].neg().sub(a[2]).sub(a[2]));
        terms.add(new int[] {0, 3});
        cs.add(a[2]);
        for (int j = 0; j < limbs; j++) {
            terms.add(new int[] {0, 4 + j});
            cs.add(a[2].mul(Goldilocks.pow(2, (long) bits * j)));
        }
        return new Sumcheck.Form(terms.toArray(new int[0][]), cs.toArray(new Fp2[0]));
    }

    static long[] field(long[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Goldilocks.fromSigned(v[i]);
        }
        return out;
    }

    static Fp2[] concat(Fp2[] a, Fp2[] b) {
        Fp2[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Fp2[] challenges(Transcript tr, int n) {
        Fp2[] r = new Fp2[n];
        for (int i = 0; i < n; i++) {
            r[i] = tr.challengeExt();
        }
        return r;
    }

    static long[] concatOutputs(QModel m, long[][] t) {
        int n = 0;
        for (int o : m.outputTensors()) {
            n += t[o].length;
        }
        long[] out = new long[n];
        int off = 0;
        for (int o : m.outputTensors()) {
            System.arraycopy(t[o], 0, out, off, t[o].length);
            off += t[o].length;
        }
        return out;
    }

    /** The transcript of a proof: the key's digest and the public output (the input is private). */
    static Transcript start(Keys keys, long[] output) {
        Transcript tr = new Transcript(DOMAIN);
        tr.absorb(keys.digest);
        tr.absorbLong(output.length);
        tr.absorbLongs(field(output));
        return tr;
    }

    // -------------------------------------------------------------------------------------------------- verifier

    /**
     * Verifies a proof of the model's inference with the public output (the input is private). Returns normally on
     * acceptance; throws {@link SumcheckException} (a failed check) or {@link Malformed} (unreadable bytes).
     */
    public static void verify(Keys keys, long[] output, byte[] proof) throws Malformed {
        verifyView(keys, output, proof);
    }

    /** Verifies and returns the verifier's view of the claims it checked (tests: what a proof reveals). */
    static Zk verifyView(Keys keys, long[] output, byte[] proof) throws Malformed {
        Plan plan = keys.plan;
        if (output.length != plan.outputSize()) {
            throw new SumcheckException("the model has " + plan.outputSize() + " output values, the statement has "
                    + output.length);
        }
        long[][] pub = new long[plan.tensorCount][];
        int off = 0;
        for (int o : plan.outputs) {
            int n = plan.size(o);
            long[] tab = plan.layout(o).table(Arrays.copyOfRange(output, off, off + n));
            if (pub[o] != null && !Arrays.equals(pub[o], tab)) {
                throw new SumcheckException("one output tensor is stated twice with different values");
            }
            pub[o] = tab;
            off += n;
        }
        Transcript tr = start(keys, output);
        ByteReader br = new ByteReader(proof);
        ProofStream.Reader in = new ProofStream.Reader(br);
        br.section("header");
        if (br.u32() != MAGIC) {
            throw br.malformed("not a zkscope sumcheck proof (bad magic)");
        }
        int version = br.u32();
        if (version != VERSION) {
            throw br.malformed("proof format version " + version + ", this verifier reads " + VERSION);
        }
        String preset = br.string();
        if (!preset.equals(keys.params.name())) {
            throw br.malformed("proof made with preset " + preset + ", the key is for " + keys.params.name());
        }
        boolean zk = keys.params.zk();
        br.section("witness commitment");
        TensorPcs.Commitment wc = commitment(br.bytes(Hashing.DIGEST_BYTES), plan.logW, used(plan.space()), keys.params);
        wc.absorbInto(tr);
        Fp2 beta = tr.challengeExt();
        Fp2 gamma = gammaFor(plan, tr);
        br.section("lookup helpers commitment");
        Helpers hs = new Helpers(plan);
        TensorPcs.Commitment hc = commitment(br.bytes(Hashing.DIGEST_BYTES), hs.space.logSize(), used(hs.space),
                keys.params);
        hc.absorbInto(tr);
        Zk z = new Zk(tr, null, in, zk, new Zk.Space[] {plan.space(), hs.space},
                new Zk.Pool[] {plan.pool(null), hs.pool(null)});
        Ctx ctx = new Ctx(plan, z, pub, keys, null);
        ctx.functionLookups(beta, gamma, hs, null);
        br.section("lookups");
        lookups(ctx, beta, hs);
        for (int k = plan.ops.size() - 1; k >= 0; k--) {
            Plan.Op op = plan.ops.get(k);
            br.section("layer " + op.layer() + " (" + op.kind() + ")");
            step(ctx, op);
        }
        br.section("witness opening");
        ZkOpening.verifyClaims(wc, plan.space(), z.claims.get(0), ZkOpening.read(br, wc.pointVars()), keys.params, tr);
        br.section("lookup helpers opening");
        ZkOpening.verifyClaims(hc, hs.space, z.claims.get(1), ZkOpening.read(br, hc.pointVars()), keys.params, tr);
        for (int i = 0; i < keys.roots.size(); i++) {
            br.section("weight opening " + i);
            TensorPcs.Opening o = TensorPcs.Opening.read(br);
            TensorPcs.verify(keys.roots.get(i), ctx.aPoints.get(i).toArray(new Fp2[0][]),
                    ctx.aValues.get(i).toArray(new Fp2[0]), o, keys.params, tr);
        }
        br.expectEnd();
        return z;
    }

    /**
     * The commitment a proof names for 2^m values whose first {@code used} may be nonzero: the data rows that hold
     * them, hiding (each committed row blinded) with zero knowledge.
     */
    static TensorPcs.Commitment commitment(byte[] root, int m, long used, PcsParams p) {
        int rows = TensorPcs.dataRows(m, used, p);
        int dataRows = rows == TensorPcs.shape(m, p).rows() ? 0 : rows;
        return new TensorPcs.Commitment(root, m, p.zk() ? rows : 0, dataRows);
    }

    static Fp2 zeroTail(Fp2[] z, int a) {
        Fp2 acc = Fp2.ONE;
        for (int j = a; j < z.length; j++) {
            acc = acc.mul(Fp2.ONE.sub(z[j]));
        }
        return acc;
    }
}
