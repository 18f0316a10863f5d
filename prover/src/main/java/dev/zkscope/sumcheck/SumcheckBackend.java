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
    static final int VERSION = 2; // 2: two proximity mask rows (u uniform in F_p2), hiding commitments

    private SumcheckBackend() {}

    /** The key: the plan, the parameters, the committed weight matrices (prover) and their commitments (verifier). */
    public static final class Keys {
        final Plan plan;
        final PcsParams params;
        final List<TensorPcs.Committed> weights;
        final byte[] digest;

        Keys(Plan plan, PcsParams params, List<TensorPcs.Committed> weights) {
            this.plan = plan;
            this.params = params;
            this.weights = weights;
            MessageDigest d = Hashing.newDigest();
            d.update(plan.model.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            d.update(params.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] b = new byte[8];
            Hashing.putLong(b, 0, ((long) params.logBlowup() << 40) | ((long) params.queries() << 16)
                    | ((long) params.grindingBits() << 1) | (params.zk() ? 1 : 0));
            d.update(b);
            for (TensorPcs.Committed w : weights) {
                d.update(w.commitment().root());
            }
            for (Plan.Op op : plan.ops) {
                if (op instanceof Plan.DotOp dot) {
                    for (long v : dot.bias()) {
                        Hashing.putLong(b, 0, v);
                        d.update(b);
                    }
                }
            }
            this.digest = d.digest();
        }

        public PcsParams params() {
            return params;
        }

        public QModel model() {
            return plan.model;
        }

        /** The digest the transcript starts from (what a verifier pins). */
        public byte[] digest() {
            return digest.clone();
        }

        /** Bytes of the verifying key as a verifier would hold it: weight roots, biases, digest. */
        public long verifyingKeyBytes() {
            long n = 32L + 32L * weights.size();
            for (Plan.Op op : plan.ops) {
                if (op instanceof Plan.DotOp dot) {
                    n += 8L * dot.bias().length;
                }
            }
            return n;
        }
    }

    /** Builds the plan and commits every weight matrix. Throws UnsupportedOperationException naming the layer. */
    public static Keys keygen(QModel model, PcsParams params, Random rng) {
        Plan plan = new Plan(model);
        List<TensorPcs.Committed> ws = new ArrayList<>();
        for (Plan.Op op : plan.ops) {
            if (op instanceof Plan.DotOp dot) {
                ws.add(TensorPcs.commit(dot.a(), params, rng));
            }
        }
        return new Keys(plan, params, ws);
    }

    /** A proof and the public output it proves (the model's output on the input, as the integer semantics give it). */
    public record Proved(byte[] proof, long[] output) {}

    // ---------------------------------------------------------------------------------------------------- prover

    /** Proves the model's inference on the quantized input. */
    public static Proved prove(Keys keys, long[] input, Random rng) {
        Plan plan = keys.plan;
        QModel m = plan.model;
        long[][] t = m.evaluate(input);
        long[] output = concatOutputs(m, t);
        Transcript tr = start(keys, input, output);
        ProofStream.Writer out = new ProofStream.Writer();
        out.w.u32(MAGIC).u32(VERSION).string(keys.params.name());

        // 1. the witness W
        long[][] seg = new long[plan.segments.size()][];
        for (int i = 0; i < seg.length; i++) {
            seg[i] = new long[1 << plan.segments.get(i).logSize()];
        }
        for (int tt = 0; tt < t.length; tt++) {
            if (plan.tensorSeg[tt] >= 0) {
                long[] s = seg[plan.tensorSeg[tt]];
                for (int i = 0; i < t[tt].length; i++) {
                    s[i] = Goldilocks.fromSigned(t[tt][i]);
                }
            }
        }
        for (Plan.Op op : plan.ops) {
            if (op instanceof Plan.DivOp dv) {
                long[] x = t[dv.in()];
                for (int i = 0; i < dv.size(); i++) {
                    seg[dv.remSeg()][i] = FixedPoint.divRoundRemainder(x[i], dv.d());
                }
            } else if (op instanceof Plan.ReluOp r) {
                long[] x = t[r.in()];
                for (int i = 0; i < r.size(); i++) {
                    long abs = Math.abs(x[i]);
                    seg[r.signSeg()][i] = x[i] >= 0 ? 1 : 0;
                    for (int j = 0; j < r.limbSegs().length; j++) {
                        seg[r.limbSegs()[j]][i] = (abs >>> (plan.limbBits * j)) & ((1L << plan.limbBits) - 1);
                    }
                    if ((abs >>> (plan.limbBits * r.limbSegs().length)) != 0) {
                        throw new IllegalArgumentException("layer " + r.step().layer() + ": value " + x[i]
                                + " is outside the range the key was built for; the input is outside the calibrated domain");
                    }
                }
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

        // 3. the steps, last first
        Map<Integer, Fp2[]> pendingPoint = new HashMap<>();
        for (int k = plan.ops.size() - 1; k >= 0; k--) {
            Plan.Op op = plan.ops.get(k);
            if (op instanceof Plan.DivOp dv) {
                Fp2[] r = challenges(tr, Mle.logCeil(dv.size()));
                long[] yPad = Mle.pad(field(t[dv.out()]), r.length);
                Fp2 y = Mle.evaluateBase(yPad, r);
                if (plan.role(dv.out()) == Plan.Role.COMMITTED) {
                    out.fp2(y, tr);
                    claims.onSegment(plan.tensorSeg[dv.out()], r, y);
                }
                Fp2 rem = Mle.evaluateBase(seg[dv.remSeg()], r);
                out.fp2(rem, tr);
                claims.onSegment(dv.remSeg(), r, rem);
                if (plan.role(dv.in()) == Plan.Role.VIRTUAL) {
                    pendingPoint.put(dv.in(), r);
                }
            } else if (op instanceof Plan.ReluOp rl) {
                int log = Mle.logCeil(rl.size());
                Fp2[] tau = challenges(tr, log);
                Fp2[] alpha = challenges(tr, 3);
                Sumcheck.Form form = reluForm(alpha, rl.limbSegs().length, plan.limbBits);
                long[][] tabs = new long[4 + rl.limbSegs().length][];
                tabs[0] = Mle.eqTable(tau);
                tabs[1] = Ext.lift(seg[rl.signSeg()]);
                tabs[2] = Ext.lift(Mle.pad(field(t[rl.out()]), log));
                tabs[3] = Ext.lift(Mle.pad(field(t[rl.in()]), log));
                for (int j = 0; j < rl.limbSegs().length; j++) {
                    tabs[4 + j] = Ext.lift(seg[rl.limbSegs()[j]]);
                }
                Sumcheck.Result res = Sumcheck.prove(form, tabs, tr);
                out.sumcheck(res);
                Fp2[] f = res.finalValues();
                claims.onSegment(rl.signSeg(), res.point(), f[1]);
                claims.onTensor(rl.out(), res.point(), f[2]);
                claims.onTensor(rl.in(), res.point(), f[3]);
                for (int j = 0; j < rl.limbSegs().length; j++) {
                    claims.onSegment(rl.limbSegs()[j], res.point(), f[4 + j]);
                }
                if (plan.role(rl.in()) == Plan.Role.VIRTUAL) {
                    pendingPoint.put(rl.in(), res.point());
                }
            } else if (op instanceof Plan.DotOp dot) {
                Fp2[] r = pendingPoint.remove(dot.out());
                if (r == null) {
                    r = challenges(tr, dot.logOut());
                    if (plan.role(dot.out()) == Plan.Role.COMMITTED) {
                        Fp2 y = Mle.evaluateBase(Mle.pad(field(t[dot.out()]), dot.logOut()), r);
                        out.fp2(y, tr);
                        claims.onSegment(plan.tensorSeg[dot.out()], r, y);
                    }
                }
                long[] ar = rowCombination(dot, r);
                long[] x = Ext.lift(Mle.pad(field(t[dot.in()]), dot.logIn()));
                Sumcheck.Result res = Sumcheck.prove(Sumcheck.Form.product(0, 1), new long[][] {ar, x}, tr);
                out.sumcheck(res);
                Fp2[] f = res.finalValues();
                claims.onWeights(dot, concat(res.point(), r), f[0]);
                claims.onTensor(dot.in(), res.point(), f[1]);
                if (plan.role(dot.in()) == Plan.Role.VIRTUAL) {
                    pendingPoint.put(dot.in(), res.point());
                }
            }
        }
        // 4. openings
        TensorPcs.Opening ow = TensorPcs.open(wc, claims.wPoints.toArray(new Fp2[0][]), keys.params, tr);
        ow.write(out.w);
        for (int i = 0; i < keys.weights.size(); i++) {
            TensorPcs.Opening o = TensorPcs.open(keys.weights.get(i), claims.aPoints.get(i).toArray(new Fp2[0][]),
                    keys.params, tr);
            o.write(out.w);
        }
        return new Proved(out.w.toBytes(), output);
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

    /** a_r(i) = sum_o eq(r, o) A[o][i], interleaved. */
    static long[] rowCombination(Plan.DotOp dot, Fp2[] r) {
        long[] eq = Mle.eqTable(r);
        int in = 1 << dot.logIn();
        int outN = 1 << dot.logOut();
        long[] a = dot.a();
        long[] res = new long[2 * in];
        int chunks = Math.max(1, Math.min(in / 64, 32));
        int per = in / chunks;
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
            int from = c * per;
            int to = c == chunks - 1 ? in : from + per;
            for (int o = 0; o < outN; o++) {
                long e0 = eq[2 * o];
                long e1 = eq[2 * o + 1];
                int row = o * in;
                for (int i = from; i < to; i++) {
                    long v = a[row + i];
                    if (v != 0) {
                        res[2 * i] = Goldilocks.add(res[2 * i], Goldilocks.mul(v, e0));
                        res[2 * i + 1] = Goldilocks.add(res[2 * i + 1], Goldilocks.mul(v, e1));
                    }
                }
            }
        });
        return res;
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
        final Map<Plan.DotOp, Integer> dotIndex = new HashMap<>();
        long[][] publicValues;

        Claims(Plan plan, Keys keys) {
            this.plan = plan;
            int i = 0;
            for (Plan.Op op : plan.ops) {
                if (op instanceof Plan.DotOp d) {
                    dotIndex.put(d, i++);
                    aPoints.add(new ArrayList<>());
                    aValues.add(new ArrayList<>());
                }
            }
        }

        void onSegment(int seg, Fp2[] z, Fp2 v) {
            wPoints.add(plan.wPoint(seg, z).coords());
            wValues.add(v);
        }

        void onWeights(Plan.DotOp d, Fp2[] z, Fp2 v) {
            int i = dotIndex.get(d);
            aPoints.get(i).add(z);
            aValues.get(i).add(v);
        }

        /** A claim on a tensor: W for a committed one, checked now for a public one, passed on for a virtual one. */
        void onTensor(int t, Fp2[] z, Fp2 v) {
            int a = plan.alias[t];
            switch (plan.roles[a]) {
                case COMMITTED -> onSegment(plan.tensorSeg[a], z, v);
                case PUBLIC -> {
                    if (publicValues != null) {
                        Fp2 want = Mle.evaluateBase(Mle.pad(field(publicValues[a]), z.length), z);
                        if (!want.equals(v)) {
                            throw new SumcheckException("tensor " + a + " is public and its value at the claimed point "
                                    + "differs from the proof's claim (wrong input or output)");
                        }
                    }
                }
                case VIRTUAL -> { }
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
        QModel m = plan.model;
        if (input.length != m.inputSize()) {
            throw new SumcheckException("the model takes " + m.inputSize() + " input values, the statement has " + input.length);
        }
        long[][] pub = new long[m.tensorCount()][];
        int off = 0;
        for (int in : m.inputTensors()) {
            pub[in] = Arrays.copyOfRange(input, off, off + m.size(in));
            off += m.size(in);
        }
        int outN = 0;
        for (int o : m.outputTensors()) {
            outN += m.size(o);
        }
        if (output.length != outN) {
            throw new SumcheckException("the model has " + outN + " output values, the statement has " + output.length);
        }
        off = 0;
        for (int o : m.outputTensors()) {
            pub[plan.alias[o]] = Arrays.copyOfRange(output, off, off + m.size(o));
            off += m.size(o);
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
        claims.publicValues = pub;

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

        br.section("layers");
        Map<Integer, Fp2[]> pendingPoint = new HashMap<>();
        Map<Integer, Fp2> pendingValue = new HashMap<>();
        for (int k = plan.ops.size() - 1; k >= 0; k--) {
            Plan.Op op = plan.ops.get(k);
            br.section("layer " + op.getClass().getSimpleName() + " " + layerOf(op));
            if (op instanceof Plan.DivOp dv) {
                Fp2[] r = challenges(tr, Mle.logCeil(dv.size()));
                Fp2 y;
                if (plan.role(dv.out()) == Plan.Role.COMMITTED) {
                    y = in.fp2(tr);
                    claims.onSegment(plan.tensorSeg[dv.out()], r, y);
                } else {
                    y = Mle.evaluateBase(Mle.pad(field(pub[plan.alias[dv.out()]]), r.length), r);
                }
                Fp2 rem = in.fp2(tr);
                claims.onSegment(dv.remSeg(), r, rem);
                long[] ind = new long[1 << r.length];
                Arrays.fill(ind, 0, dv.size(), 1);
                Fp2 x = y.mul(dv.d()).add(rem).sub(Mle.evaluateBase(ind, r).mul(dv.d() / 2));
                claimOnInput(plan, claims, dv.in(), r, x, pendingPoint, pendingValue);
            } else if (op instanceof Plan.ReluOp rl) {
                int log = Mle.logCeil(rl.size());
                Fp2[] tau = challenges(tr, log);
                Fp2[] alpha = challenges(tr, 3);
                Sumcheck.Form form = reluForm(alpha, rl.limbSegs().length, plan.limbBits);
                ProofStream.SumcheckMsg msg = in.sumcheck(log, 3, 4 + rl.limbSegs().length);
                Sumcheck.Reduced red = Sumcheck.verify(Fp2.ZERO, log, 3, msg.proof(), msg.finals(), tr);
                Fp2[] f = msg.finals().clone();
                f[0] = Mle.eq(tau, red.point());
                if (!form.evaluate(f).equals(red.claim())) {
                    throw new SumcheckException("layer " + rl.step().layer() + ": ReLU identities fail");
                }
                claims.onSegment(rl.signSeg(), red.point(), f[1]);
                claims.onTensor(rl.out(), red.point(), f[2]);
                claimOnInput(plan, claims, rl.in(), red.point(), f[3], pendingPoint, pendingValue);
                for (int j = 0; j < rl.limbSegs().length; j++) {
                    claims.onSegment(rl.limbSegs()[j], red.point(), f[4 + j]);
                }
            } else if (op instanceof Plan.DotOp dot) {
                Fp2[] r = pendingPoint.remove(dot.out());
                Fp2 y = pendingValue.remove(dot.out());
                if (r == null) {
                    if (plan.role(dot.out()) == Plan.Role.VIRTUAL) {
                        throw new SumcheckException("layer " + dot.step().layer() + ": no claim reached its output");
                    }
                    r = challenges(tr, dot.logOut());
                    if (plan.role(dot.out()) == Plan.Role.COMMITTED) {
                        y = in.fp2(tr);
                        claims.onSegment(plan.tensorSeg[dot.out()], r, y);
                    } else {
                        y = Mle.evaluateBase(Mle.pad(field(pub[plan.alias[dot.out()]]), r.length), r);
                    }
                }
                Fp2 claim = y.sub(Mle.evaluateBase(dot.bias(), r));
                ProofStream.SumcheckMsg msg = in.sumcheck(dot.logIn(), 2, 2);
                Sumcheck.Reduced red = Sumcheck.verify(claim, dot.logIn(), 2, msg.proof(), msg.finals(), tr);
                Fp2[] f = msg.finals();
                if (!f[0].mul(f[1]).equals(red.claim())) {
                    throw new SumcheckException("layer " + dot.step().layer() + ": matrix-product sumcheck fails");
                }
                claims.onWeights(dot, concat(red.point(), r), f[0]);
                claimOnInput(plan, claims, dot.in(), red.point(), f[1], pendingPoint, pendingValue);
            }
        }
        if (!pendingPoint.isEmpty()) {
            throw new SumcheckException("claims left on tensors " + pendingPoint.keySet());
        }
        br.section("witness opening");
        TensorPcs.Opening ow = TensorPcs.Opening.read(br);
        TensorPcs.verify(wc, claims.wPoints.toArray(new Fp2[0][]), claims.wValues.toArray(new Fp2[0]), ow,
                keys.params, tr);
        for (int i = 0; i < keys.weights.size(); i++) {
            br.section("weight opening " + i);
            TensorPcs.Opening o = TensorPcs.Opening.read(br);
            TensorPcs.verify(keys.weights.get(i).commitment(), claims.aPoints.get(i).toArray(new Fp2[0][]),
                    claims.aValues.get(i).toArray(new Fp2[0]), o, keys.params, tr);
        }
        br.expectEnd();
    }

    private static String layerOf(Plan.Op op) {
        if (op instanceof Plan.DotOp d) {
            return d.step().layer();
        } else if (op instanceof Plan.DivOp d) {
            return d.step().layer();
        }
        return ((Plan.ReluOp) op).step().layer();
    }

    private static void claimOnInput(Plan plan, Claims claims, int t, Fp2[] z, Fp2 v, Map<Integer, Fp2[]> pp,
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
