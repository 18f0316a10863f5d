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
 * The sumcheck/GKR prover and verifier of a lowered model ({@link Plan}). The protocol, in the order of the proof:
 * <ol>
 *   <li>the transcript absorbs the verifying key's digest (model, weight commitments, parameters), the public input and
 *   the public output;</li>
 *   <li>the prover commits W, every committed activation, remainder, sign bit, limb and the table's multiplicities
 *   ({@link TensorPcs});</li>
 *   <li>beta; LogUp-GKR ({@link LogUpGkr}) proves that every lookup column (affine in segments of W) lies in
 *   [0, 2^16): sum 1/(beta - v) = sum_t m_t/(beta - t); its leaf claim becomes claims on segments of W;</li>
 *   <li>the steps, last first: a rescale by a random evaluation of x + floor(d/2) = d y + rem; a ReLU by a zero-check
 *   sumcheck of its three identities; a dot product by Thaler's sumcheck y~(r) - bias~(r) = sum_i A~(r, i) x~(i), whose
 *   claim on y comes from the step that reads it (GKR-style) or from W, and which leaves a claim on x and one on the
 *   weight matrix A (committed once, in the key);</li>
 *   <li>one opening of W at all its claimed points, one opening of each weight matrix at its points.</li>
 * </ol>
 */
public final class SumcheckBackend {
    static final String DOMAIN = "zkscope-sumcheck-v1";
    static final int MAGIC = 0x5A4B5343; // "ZKSC"
    static final int VERSION = 3; // 2: model plan in a key file; 3: two proximity mask rows (u uniform in F_p2)
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
    public record Proved(byte[] proof, long[] output, Map<String, Long> layerNanos) {
        public Proved(byte[] proof, long[] output) {
            this(proof, output, Map.of());
        }
    }

    // ---------------------------------------------------------------------------------------------------- prover

    /** Proves the model's inference on the quantized input. */
    public static Proved prove(Keys keys, long[] input, Random rng) {
        return prove(keys, input, rng, null);
    }

    /** Tests: {@code cheat} edits the evaluated tensors before the witness is built (a cheating prover). */
    static Proved prove(Keys keys, long[] input, Random rng, java.util.function.Consumer<long[][]> cheat) {
        Plan plan = keys.plan;
        QModel m = keys.model;
        if (m == null) {
            throw new IllegalStateException("a verifying key cannot prove: make the keys from the model");
        }
        Map<String, Long> layerNanos = new java.util.LinkedHashMap<>();
        long tStart = System.nanoTime();
        long[][] t = m.evaluate(input);
        if (cheat != null) {
            cheat.accept(t);
        }
        long[] output = concatOutputs(m, t);
        Transcript tr = start(keys, input, output);
        ProofStream.Writer out = new ProofStream.Writer();
        out.w.u32(MAGIC).u32(VERSION).string(keys.params.name());

        // 1. the witness W
        long[][] seg = new long[plan.segments.size()][];
        for (int i = 0; i < seg.length; i++) {
            seg[i] = new long[1 << plan.segments.get(i).logSize()];
        }
        long[][] tables = new long[t.length][];
        for (int tt = 0; tt < t.length; tt++) {
            if (plan.alias[tt] == tt && plan.layouts[tt] != null) {
                tables[tt] = plan.layouts[tt].table(t[tt]);
            }
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
                for (int i = 0; i < l.n(); i++) {
                    seg[dv.remSeg()][l.pos(i)] = FixedPoint.divRoundRemainder(x[i], dv.d());
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
                    if ((abs >>> (plan.limbBits * r.limbSegs().length)) != 0) {
                        throw new IllegalArgumentException("layer " + r.layer() + ": value " + x[i]
                                + " is outside the range the key was built for; the input is outside the calibrated domain");
                    }
                }
            } else if (op instanceof LayerOp lo) {
                lo.witness(plan, t, seg);
            }
        }
        // the packed lookup area (zeros where no column sits) and the multiplicities of its values
        int logS = plan.logLookupArea;
        int sArea = 1 << logS;
        long[] vals = new long[sArea];
        for (Plan.LookupColumn c : plan.lookups) {
            for (int i = 0; i < (1 << c.logSize()); i++) {
                vals[c.offset() + i] = lookupValue(c, seg, i);
            }
        }
        long[] mult = seg[plan.multSeg];
        for (long v : vals) {
            if (v < 0 || v >= (1L << plan.limbBits)) {
                throw new IllegalArgumentException("a range-checked value " + v + " is outside [0, 2^" + plan.limbBits
                        + "): the input is outside the calibrated domain");
            }
            mult[(int) v]++;
        }
        long[] w = new long[1 << plan.logW];
        for (int i = 0; i < seg.length; i++) {
            System.arraycopy(seg[i], 0, w, plan.placed.get(i).offset(), seg[i].length);
        }
        TensorPcs.Committed wc = TensorPcs.commit(w, keys.params, rng);
        wc.commitment().absorbInto(tr);
        out.w.bytes(wc.commitment().root());
        long tCommit = System.nanoTime();
        layerNanos.put("witness commitment", tCommit - tStart);

        Claims claims = new Claims(plan, keys);
        // 2. LogUp-GKR over the lookup columns and the table
        Fp2 beta = tr.challengeExt();
        long[] p = new long[4 * sArea];
        long[] q = new long[4 * sArea];
        for (int i = 0; i < sArea; i++) {
            p[2 * i] = 1;
            Fp2 qa = beta.sub(Fp2.of(vals[i]));
            q[2 * i] = qa.c0();
            q[2 * i + 1] = qa.c1();
            int at = 2 * (sArea + i);
            p[at] = Goldilocks.neg(i < mult.length ? mult[i] : 0);
            Fp2 qt = beta.sub(Fp2.of(i));
            q[at] = qt.c0();
            q[at + 1] = qt.c1();
        }
        LogUpGkr.LeafClaim leaf = LogUpGkr.prove(p, q, tr, out);
        Fp2[] low = Arrays.copyOf(leaf.point(), logS);
        // the values of every segment the lookups read, and of the multiplicities, at the leaf point
        for (int sg : lookupSegments(plan)) {
            int a = plan.segments.get(sg).logSize();
            Fp2[] z = Arrays.copyOf(low, a);
            Fp2 v = Mle.evaluateBase(seg[sg], z);
            out.fp2(v, tr);
            claims.onSegment(sg, z, v);
        }
        Fp2[] zm = Arrays.copyOf(low, plan.limbBits);
        Fp2 mv = Mle.evaluateBase(mult, zm);
        out.fp2(mv, tr);
        claims.onSegment(plan.multSeg, zm, mv);
        long tLookups = System.nanoTime();
        layerNanos.put("range checks (LogUp-GKR)", tLookups - tCommit);

        Map<Integer, Fp2[]> pending = new HashMap<>();
        LayerProver layers = new LayerProver(plan, tables, seg, tr, out, claims, pending);
        FunctionLookups.prove(layers);
        if (!FunctionLookups.ops(plan).isEmpty()) {
            layerNanos.put("function tables (LogUp-GKR)", System.nanoTime() - tLookups);
        }
        // 3. the steps, last first
        for (int k = plan.ops.size() - 1; k >= 0; k--) {
            Plan.Op op = plan.ops.get(k);
            long t0 = System.nanoTime();
            if (op instanceof Plan.DivOp dv) {
                Fp2[] r = outPoint(plan, op, tables, pending, claims, tr, out);
                Fp2 rem = Mle.evaluateBase(seg[dv.remSeg()], r);
                out.fp2(rem, tr);
                claims.onSegment(dv.remSeg(), r, rem);
                inputPoint(plan, dv.in(), r, tables, claims, pending);
            } else if (op instanceof Plan.ReluOp rl) {
                int log = plan.layout(rl.out()).logSize();
                Fp2[] tau = challenges(tr, log);
                Fp2[] alpha = challenges(tr, 3);
                Sumcheck.Form form = reluForm(alpha, rl.limbSegs().length, plan.limbBits);
                long[][] tabs = new long[4 + rl.limbSegs().length][];
                tabs[0] = Mle.eqTable(tau);
                tabs[1] = Ext.lift(seg[rl.signSeg()]);
                tabs[2] = Ext.lift(tables[plan.alias[rl.out()]]);
                tabs[3] = Ext.lift(tables[plan.alias[rl.in()]]);
                for (int j = 0; j < rl.limbSegs().length; j++) {
                    tabs[4 + j] = Ext.lift(seg[rl.limbSegs()[j]]);
                }
                Sumcheck.Result res = Sumcheck.prove(form, tabs, tr);
                out.sumcheck(res);
                Fp2[] f = res.finalValues();
                claims.onSegment(rl.signSeg(), res.point(), f[1]);
                claims.onTensor(rl.out(), res.point(), f[2]);
                inputPoint(plan, rl.in(), res.point(), tables, claims, pending);
                for (int j = 0; j < rl.limbSegs().length; j++) {
                    claims.onSegment(rl.limbSegs()[j], res.point(), f[4 + j]);
                }
            } else if (op instanceof Plan.DotOp dot) {
                Fp2[] r = outPoint(plan, op, tables, pending, claims, tr, out);
                LinearLayers.DotClaims dc = LinearLayers.proveDot(dot, plan.weightMatrices.get(dot.weight()),
                        tables[plan.alias[dot.in()]], plan.layout(dot.in()), r, tr, out);
                claims.onWeights(dot, dc.weightPoint(), dc.weightValue());
                inputPoint(plan, dot.in(), dc.inputPoint(), tables, claims, pending);
            } else if (op instanceof Plan.MapOp mp) {
                Fp2[] r = outPoint(plan, op, tables, pending, claims, tr, out);
                Fp2[] rho = LinearLayers.proveMap(mp, tables[plan.alias[mp.in()]], plan.layout(mp.in()), r, tr, out);
                inputPoint(plan, mp.in(), rho, tables, claims, pending);
            } else if (op instanceof Plan.LinearOp l) {
                Fp2[] r = outPoint(plan, op, tables, pending, claims, tr, out);
                long[] a = l.a() >= 0 ? tables[plan.alias[l.a()]] : null;
                long[] b = l.b() >= 0 ? tables[plan.alias[l.b()]] : null;
                Fp2[] rho = LinearLayers.proveLinear(l, a, b, r, tr, out);
                if (l.a() >= 0) {
                    inputPoint(plan, l.a(), rho, tables, claims, pending);
                }
                if (l.b() >= 0) {
                    inputPoint(plan, l.b(), rho, tables, claims, pending);
                }
            } else if (op instanceof LayerOp lo) {
                lo.prove(layers);
            }
            layerNanos.merge(op.layer() + " (" + op.kind() + ")", System.nanoTime() - t0, Long::sum);
        }
        // 4. openings
        long t0 = System.nanoTime();
        TensorPcs.Opening ow = TensorPcs.open(wc, claims.wPoints.toArray(new Fp2[0][]), keys.params, tr);
        ow.write(out.w);
        layerNanos.put("witness opening", System.nanoTime() - t0);
        t0 = System.nanoTime();
        for (int i = 0; i < keys.weights.size(); i++) {
            TensorPcs.Opening o = TensorPcs.open(keys.weights.get(i), claims.aPoints.get(i).toArray(new Fp2[0][]),
                    keys.params, tr);
            o.write(out.w);
        }
        layerNanos.put("weight openings", System.nanoTime() - t0);
        return new Proved(out.w.toBytes(), output, layerNanos);
    }

    /**
     * The point of the claim on an op's output: the one its reader left (virtual), or a fresh one whose value the
     * prover sends (committed) or the verifier computes (public).
     */
    static Fp2[] outPoint(Plan plan, Plan.Op op, long[][] tables, Map<Integer, Fp2[]> pending, Claims claims,
                                  Transcript tr, ProofStream.Writer out) {
        int o = plan.alias[op.out()];
        Fp2[] r = pending.remove(o);
        if (r != null) {
            return r;
        }
        r = challenges(tr, plan.layouts[o].logSize());
        if (plan.roles[o] == Plan.Role.COMMITTED) {
            Fp2 y = Mle.evaluateBase(tables[o], r);
            out.fp2(y, tr);
            claims.onSegment(plan.tensorSeg[o], r, y);
        }
        return r;
    }

    static void inputPoint(Plan plan, int t, Fp2[] z, long[][] tables, Claims claims, Map<Integer, Fp2[]> pending) {
        int a = plan.alias[t];
        if (plan.roles[a] == Plan.Role.VIRTUAL) {
            if (pending.put(a, z) != null) {
                throw new IllegalStateException("two claims on the virtual tensor " + a);
            }
        } else {
            claims.onTensor(a, z, null);
        }
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

    static Transcript start(Keys keys, long[] input, long[] output) {
        Transcript tr = new Transcript(DOMAIN);
        tr.absorb(keys.digest);
        tr.absorbLong(input.length);
        tr.absorbLongs(field(input));
        tr.absorbLong(output.length);
        tr.absorbLongs(field(output));
        return tr;
    }

    /**
     * The claims a proof makes on W and on the weight matrices, and (verifier side) on public tensors, which are
     * checked at once. Claims on public tensors are only recorded here by the prover.
     */
    static final class Claims {
        final Plan plan;
        final List<Fp2[]> wPoints = new ArrayList<>();
        final List<Fp2> wValues = new ArrayList<>();
        final List<List<Fp2[]>> aPoints = new ArrayList<>();
        final List<List<Fp2>> aValues = new ArrayList<>();
        long[][] publicTables;

        Claims(Plan plan, Keys keys) {
            this.plan = plan;
            for (int i = 0; i < plan.weightCount(); i++) {
                aPoints.add(new ArrayList<>());
                aValues.add(new ArrayList<>());
            }
        }

        void onSegment(int seg, Fp2[] z, Fp2 v) {
            wPoints.add(plan.wPoint(seg, z));
            wValues.add(v);
        }

        void onWeights(int w, Fp2[] z, Fp2 v) {
            aPoints.get(w).add(z);
            aValues.get(w).add(v);
        }

        void onWeights(Plan.DotOp d, Fp2[] z, Fp2 v) {
            aPoints.get(d.weight()).add(z);
            aValues.get(d.weight()).add(v);
        }

        /** A claim on a tensor: W for a committed one, checked now for a public one (verifier). */
        void onTensor(int t, Fp2[] z, Fp2 v) {
            int a = plan.alias[t];
            switch (plan.roles[a]) {
                case COMMITTED -> onSegment(plan.tensorSeg[a], z, v);
                case PUBLIC -> {
                    if (publicTables != null) {
                        Fp2 want = Mle.evaluateBase(publicTables[a], z);
                        if (!want.equals(v)) {
                            throw new SumcheckException("tensor " + a + " is public and its value at the claimed point "
                                    + "differs from the proof's claim (wrong input or output)");
                        }
                    }
                }
                case VIRTUAL -> throw new IllegalStateException("virtual tensor " + a + " passed as a claim");
            }
        }
    }

    // -------------------------------------------------------------------------------------------------- verifier

    /**
     * Verifies a proof of the model's inference on the public input with the public output. Returns normally on
     * acceptance; throws {@link SumcheckException} (a failed check) or {@link Malformed} (unreadable bytes).
     */
    public static void verify(Keys keys, long[] input, long[] output, byte[] proof) throws Malformed {
        Plan plan = keys.plan;
        if (input.length != plan.inputSize()) {
            throw new SumcheckException("the model takes " + plan.inputSize() + " input values, the statement has "
                    + input.length);
        }
        if (output.length != plan.outputSize()) {
            throw new SumcheckException("the model has " + plan.outputSize() + " output values, the statement has "
                    + output.length);
        }
        long[][] pub = new long[plan.tensorCount][];
        int off = 0;
        for (int in : plan.inputs) {
            int n = plan.size(in);
            pub[in] = plan.layout(in).table(Arrays.copyOfRange(input, off, off + n));
            off += n;
        }
        off = 0;
        for (int o : plan.outputs) {
            int n = plan.size(o);
            long[] tab = plan.layout(o).table(Arrays.copyOfRange(output, off, off + n));
            if (pub[o] != null && !Arrays.equals(pub[o], tab)) {
                throw new SumcheckException("an output is the input tensor and differs from it");
            }
            pub[o] = tab;
            off += n;
        }
        Transcript tr = start(keys, input, output);
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
        br.section("witness commitment");
        TensorPcs.Commitment wc = new TensorPcs.Commitment(br.bytes(Hashing.DIGEST_BYTES), plan.logW);
        wc.absorbInto(tr);
        Claims claims = new Claims(plan, keys);
        claims.publicTables = pub;

        br.section("lookups");
        Fp2 beta = tr.challengeExt();
        int logS = plan.logLookupArea;
        LogUpGkr.LeafClaim leaf = LogUpGkr.verify(logS + 1, tr, in);
        Fp2[] low = Arrays.copyOf(leaf.point(), logS);
        Fp2 top = leaf.point()[logS];
        Map<Integer, Fp2> segVal = new HashMap<>();
        for (int sg : lookupSegments(plan)) {
            int a = plan.segments.get(sg).logSize();
            Fp2[] z = Arrays.copyOf(low, a);
            Fp2 v = in.fp2(tr);
            claims.onSegment(sg, z, v);
            segVal.put(sg, v);
        }
        Fp2[] zm = Arrays.copyOf(low, plan.limbBits);
        Fp2 mv = in.fp2(tr);
        claims.onSegment(plan.multSeg, zm, mv);
        // the lookup area: each column's affine value, selected by the high bits of its offset
        Fp2 area = Fp2.ZERO;
        for (Plan.LookupColumn col : plan.lookups) {
            Fp2 expr = Fp2.of(col.c0());
            for (int j = 0; j < col.segs().length; j++) {
                if (plan.segments.get(col.segs()[j]).logSize() != col.logSize()) {
                    throw new IllegalStateException("lookup column and segment sizes differ");
                }
                expr = expr.add(segVal.get(col.segs()[j]).mul(Goldilocks.fromSigned(col.coefs()[j])));
            }
            Fp2 sel = Fp2.ONE;
            for (int j = col.logSize(); j < logS; j++) {
                sel = sel.mul(((col.offset() >>> j) & 1) == 1 ? low[j] : Fp2.ONE.sub(low[j]));
            }
            area = area.add(sel.mul(expr));
        }
        Fp2 id = Fp2.ZERO;
        for (int j = 0; j < logS; j++) {
            id = id.add(low[j].mul(Goldilocks.pow(2, j)));
        }
        Fp2 pTab = mv.mul(zeroTail(low, plan.limbBits)).neg();
        Fp2 pLeaf = Fp2.ONE.sub(top).add(top.mul(pTab));
        Fp2 qLeaf = Fp2.ONE.sub(top).mul(beta.sub(area)).add(top.mul(beta.sub(id)));
        if (!pLeaf.equals(leaf.p()) || !qLeaf.equals(leaf.q())) {
            throw new SumcheckException("lookup argument: the leaf claim does not match the committed lookup columns");
        }

        Map<Integer, Fp2[]> pendingPoint = new HashMap<>();
        Map<Integer, Fp2> pendingValue = new HashMap<>();
        LayerVerifier layers = new LayerVerifier(plan, pub, tr, in, claims, pendingPoint, pendingValue);
        br.section("function tables");
        FunctionLookups.verify(layers);
        br.section("layers");
        for (int k = plan.ops.size() - 1; k >= 0; k--) {
            Plan.Op op = plan.ops.get(k);
            br.section("layer " + op.layer() + " (" + op.kind() + ")");
            if (op instanceof Plan.DivOp dv) {
                Object[] c = outClaim(plan, op, pub, pendingPoint, pendingValue, claims, tr, in);
                Fp2[] r = (Fp2[]) c[0];
                Fp2 y = (Fp2) c[1];
                Fp2 rem = in.fp2(tr);
                claims.onSegment(dv.remSeg(), r, rem);
                long[] ind = plan.layout(dv.out()).indicator();
                Fp2 x = y.mul(dv.d()).add(rem).sub(Mle.evaluateBase(ind, r).mul(dv.d() / 2));
                claimOnInput(plan, claims, dv.in(), r, x, pendingPoint, pendingValue);
            } else if (op instanceof Plan.ReluOp rl) {
                int log = plan.layout(rl.out()).logSize();
                Fp2[] tau = challenges(tr, log);
                Fp2[] alpha = challenges(tr, 3);
                Sumcheck.Form form = reluForm(alpha, rl.limbSegs().length, plan.limbBits);
                ProofStream.SumcheckMsg msg = in.sumcheck(log, 3, 4 + rl.limbSegs().length);
                Sumcheck.Reduced red = Sumcheck.verify(Fp2.ZERO, log, 3, msg.proof(), msg.finals(), tr);
                Fp2[] f = msg.finals().clone();
                f[0] = Mle.eq(tau, red.point());
                if (!form.evaluate(f).equals(red.claim())) {
                    throw new SumcheckException("layer " + rl.layer() + ": ReLU identities fail");
                }
                claims.onSegment(rl.signSeg(), red.point(), f[1]);
                claims.onTensor(rl.out(), red.point(), f[2]);
                claimOnInput(plan, claims, rl.in(), red.point(), f[3], pendingPoint, pendingValue);
                for (int j = 0; j < rl.limbSegs().length; j++) {
                    claims.onSegment(rl.limbSegs()[j], red.point(), f[4 + j]);
                }
            } else if (op instanceof Plan.DotOp dot) {
                Object[] c = outClaim(plan, op, pub, pendingPoint, pendingValue, claims, tr, in);
                LinearLayers.DotClaims dc = LinearLayers.verifyDot(dot, plan.layout(dot.in()), (Fp2[]) c[0], (Fp2) c[1],
                        tr, in);
                claims.onWeights(dot, dc.weightPoint(), dc.weightValue());
                claimOnInput(plan, claims, dot.in(), dc.inputPoint(), dc.inputValue(), pendingPoint, pendingValue);
            } else if (op instanceof Plan.MapOp mp) {
                Object[] c = outClaim(plan, op, pub, pendingPoint, pendingValue, claims, tr, in);
                Object[] x = LinearLayers.verifyMap(mp, plan.layout(mp.in()), (Fp2[]) c[0], (Fp2) c[1], tr, in);
                claimOnInput(plan, claims, mp.in(), (Fp2[]) x[0], (Fp2) x[1], pendingPoint, pendingValue);
            } else if (op instanceof Plan.LinearOp l) {
                Object[] c = outClaim(plan, op, pub, pendingPoint, pendingValue, claims, tr, in);
                Object[] x = LinearLayers.verifyLinear(l, (Fp2[]) c[0], (Fp2) c[1], tr, in);
                if (l.a() >= 0) {
                    claimOnInput(plan, claims, l.a(), (Fp2[]) x[0], (Fp2) x[1], pendingPoint, pendingValue);
                }
                if (l.b() >= 0) {
                    claimOnInput(plan, claims, l.b(), (Fp2[]) x[0], (Fp2) x[2], pendingPoint, pendingValue);
                }
            } else if (op instanceof LayerOp lo) {
                lo.verify(layers);
            }
        }
        if (!pendingPoint.isEmpty()) {
            throw new SumcheckException("claims left on tensors " + pendingPoint.keySet());
        }
        br.section("witness opening");
        TensorPcs.Opening ow = TensorPcs.Opening.read(br);
        TensorPcs.verify(wc, claims.wPoints.toArray(new Fp2[0][]), claims.wValues.toArray(new Fp2[0]), ow,
                keys.params, tr);
        for (int i = 0; i < keys.roots.size(); i++) {
            br.section("weight opening " + i);
            TensorPcs.Opening o = TensorPcs.Opening.read(br);
            TensorPcs.verify(keys.roots.get(i), claims.aPoints.get(i).toArray(new Fp2[0][]),
                    claims.aValues.get(i).toArray(new Fp2[0]), o, keys.params, tr);
        }
        br.expectEnd();
    }

    /** Verifier: the claim on an op's output, {point, value}: its reader's, or fresh (read from the proof or public). */
    static Object[] outClaim(Plan plan, Plan.Op op, long[][] pub, Map<Integer, Fp2[]> pp, Map<Integer, Fp2> pv,
                                     Claims claims, Transcript tr, ProofStream.Reader in) throws Malformed {
        int o = plan.alias[op.out()];
        Fp2[] r = pp.remove(o);
        if (r != null) {
            return new Object[] {r, pv.remove(o)};
        }
        if (plan.roles[o] == Plan.Role.VIRTUAL) {
            throw new SumcheckException("layer " + op.layer() + ": no claim reached its output");
        }
        r = challenges(tr, plan.layouts[o].logSize());
        Fp2 y;
        if (plan.roles[o] == Plan.Role.COMMITTED) {
            y = in.fp2(tr);
            claims.onSegment(plan.tensorSeg[o], r, y);
        } else {
            y = Mle.evaluateBase(pub[o], r);
        }
        return new Object[] {r, y};
    }

    static void claimOnInput(Plan plan, Claims claims, int t, Fp2[] z, Fp2 v, Map<Integer, Fp2[]> pp,
                                     Map<Integer, Fp2> pv) {
        int a = plan.alias[t];
        if (plan.roles[a] == Plan.Role.VIRTUAL) {
            if (pp.containsKey(a)) {
                throw new SumcheckException("two claims on the virtual tensor " + a);
            }
            pp.put(a, z);
            pv.put(a, v);
        } else {
            claims.onTensor(a, z, v);
        }
    }

    /** prod_{j >= a} (1 - z_j): the factor that zero-pads a 2^a table to z.length variables. */
    static Fp2 zeroTail(Fp2[] z, int a) {
        Fp2 acc = Fp2.ONE;
        for (int j = a; j < z.length; j++) {
            acc = acc.mul(Fp2.ONE.sub(z[j]));
        }
        return acc;
    }
}
