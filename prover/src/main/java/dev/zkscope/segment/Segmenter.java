package dev.zkscope.segment;

import dev.zkscope.compile.CompileException;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.LayerCost;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.compile.Salts;
import dev.zkscope.compile.TableInfo;
import dev.zkscope.compile.gadget.Poseidon2Gadget;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Step;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofShape;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.PhaseListener;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cuts a model's layer IR at layer boundaries into segments that each fit a row budget, and splits a layer that does
 * not fit alone along its output elements into parts, each a segment of its own ({@link LayerSplit}).
 *
 * <p>A cut between layers c-1 and c has boundary tensors: every tensor made before the cut (or a model input) and read
 * at or after it (or a model output), residual skips included; they leave the segment before the cut and enter the
 * one after it, hashed on both sides (see {@link SegmentProver}). Each layer is measured once by compiling it alone at
 * the widest dot-product packing (the fewest rows any packing gives, so a segment that fits there fits at the packing
 * the compiler later picks); a segment's rows are estimated as the sum of its layers' rows plus the rows of hashing its
 * boundary tensors, and its tables as the union of its layers' tables. A dynamic programme over the cut positions then
 * picks the cuts that minimise the sum of the segments' padded trace heights (what the prover's work follows), each at
 * most 2^budget. A layer that does not fit the budget alone is split into the fewest parts (its outputs shared out
 * evenly) that each fit; a part's rows are estimated as the layer's rows in proportion to its outputs plus the rows
 * of hashing what enters and leaves it. A layer that cannot be split so is refused here, before any proving, with its
 * figures.
 */
public final class Segmenter {
    private Segmenter() {}

    /** The dot-product packing the layers are measured at: the compiler's widest candidate. */
    static final int MEASURE_INNER_COLS = 64;

    /** The smallest budget accepted: the standard preset's smallest zero-knowledge trace. */
    public static final int MIN_LOG_BUDGET = CompileOptions.STANDARD_MIN_LOG_N;

    /** The largest: the compiler's and the verifying key's largest trace. */
    public static final int MAX_LOG_BUDGET = 24;

    /** Each layer of a model measured alone. */
    public record Measured(QModel model, List<Layer> layers, long[] bounds, CompileOptions base) {
        public Measured {
            layers = List.copyOf(layers);
        }

        /** The layer with the most rows. */
        public Layer largest() {
            Layer best = layers.get(0);
            for (Layer l : layers) {
                if (l.rows() > best.rows()) {
                    best = l;
                }
            }
            return best;
        }
    }

    /**
     * One layer (one ONNX node's steps).
     *
     * @param name      the node
     * @param op        its op
     * @param fromStep  first step
     * @param toStep    one past its last step
     * @param rows      gadget rows it takes alone (its input placement excluded, its constants included)
     * @param tables    its lookup tables, name to rows
     * @param shape     its prover shape alone under the parameters given to {@link #measure}, for the heap budget
     */
    public record Layer(String name, String op, int fromStep, int toStep, long rows, Map<String, Integer> tables,
                        ProofShape shape) {
    }

    /** Groups the steps by layer and compiles each layer alone (a "measure" phase). */
    public static Measured measure(QModel model, CompileOptions base, ProofParameters params, PhaseListener listener) {
        return listener.timed("measure layers", () -> {
            List<Step> steps = model.steps();
            long[] bounds = model.bounds();
            List<Layer> layers = new ArrayList<>();
            int from = 0;
            for (int i = 1; i <= steps.size(); i++) {
                if (i == steps.size() || !steps.get(i).layer().equals(steps.get(from).layer())) {
                    layers.add(measureLayer(model, bounds, base, params, from, i));
                    listener.progress("measure layers", layers.size(), layers.size());
                    from = i;
                }
            }
            return new Measured(model, layers, bounds, base);
        });
    }

    private static Layer measureLayer(QModel model, long[] bounds, CompileOptions base, ProofParameters params,
                                      int from, int to) {
        Step first = model.steps().get(from);
        BitSet reads = new BitSet();
        for (int s = from; s < to; s++) {
            reads.or(StepReads.of(model.steps().get(s)));
        }
        List<Integer> inputs = new ArrayList<>();
        List<Integer> ps = new ArrayList<>();
        int firstOut = first.out();
        for (int t = reads.nextSetBit(0); t >= 0; t = reads.nextSetBit(t + 1)) {
            if (model.isParam(t)) {
                ps.add(t);
            } else if (t < firstOut || !producedIn(model, t, from, to)) {
                inputs.add(t);
            }
        }
        long[] inBounds = new long[inputs.size()];
        for (int i = 0; i < inBounds.length; i++) {
            inBounds[i] = bounds[inputs.get(i)];
        }
        QModel alone = model.slice(model.name() + ":" + first.layer(), from, to, inputs, inBounds,
                List.of(model.steps().get(to - 1).out()), ps);
        CompileOptions o = base.withInnerCols(MEASURE_INNER_COLS).withInput(CompileOptions.Visibility.PRIVATE)
                .withOutput(CompileOptions.Visibility.PUBLIC).withMaxLogN(MAX_LOG_BUDGET);
        CompiledModel cm;
        try {
            cm = ModelCompiler.compile(alone, o);
        } catch (CompileException e) {
            throw new CompileException("layer " + first.layer() + " (" + first.op() + ") cannot be proved even as a "
                    + "segment of its own: " + e.getMessage());
        }
        long rows = cm.ledger().gadgetRows();
        for (LayerCost l : cm.ledger().layers()) {
            if (l.layer().equals("input")) {
                rows -= l.rows();
            }
        }
        Map<String, Integer> tables = new LinkedHashMap<>();
        for (TableInfo t : cm.ledger().tables()) {
            tables.put(t.name(), t.size());
        }
        return new Layer(first.layer(), first.op(), from, to, rows, tables, ProofShape.of(cm.circuit(), params));
    }

    private static boolean producedIn(QModel model, int t, int from, int to) {
        for (int s = from; s < to; s++) {
            if (model.steps().get(s).out() == t) {
                return true;
            }
        }
        return false;
    }

    /** Rows of hashing {@code n} values with a salt (0 for none: nothing crosses). */
    static long hashRows(long n) {
        return Poseidon2Gadget.rows(Salts.LENGTH, n);
    }

    /**
     * The cuts for a budget of 2^logBudget rows per segment. A layer that cannot fit alone (with the hashes of what
     * enters and leaves it) is a {@link CompileException} naming it with its figures.
     */
    public static SegmentPlan plan(Measured m, int logBudget) {
        if (logBudget < MIN_LOG_BUDGET || logBudget > MAX_LOG_BUDGET) {
            throw new CompileException("--max-rows must be between 2^" + MIN_LOG_BUDGET + " and 2^" + MAX_LOG_BUDGET
                    + ", got 2^" + logBudget);
        }
        return plan(m, logBudget, null);
    }

    private static SegmentPlan plan(Measured m, int logBudget, List<int[]> fixedRanges) {
        QModel model = m.model();
        List<Layer> layers = m.layers();
        int nl = layers.size();
        int nt = model.tensorCount();
        // producer layer of each tensor (-1: a model input or parameter), last layer reading it (nl: a model output)
        int[] producer = new int[nt];
        int[] lastUse = new int[nt];
        java.util.Arrays.fill(producer, -1);
        java.util.Arrays.fill(lastUse, -1);
        BitSet[] layerReads = new BitSet[nl];
        for (int j = 0; j < nl; j++) {
            layerReads[j] = new BitSet();
            for (int s = layers.get(j).fromStep(); s < layers.get(j).toStep(); s++) {
                Step st = model.steps().get(s);
                BitSet r = StepReads.of(st);
                layerReads[j].or(r);
                for (int t = r.nextSetBit(0); t >= 0; t = r.nextSetBit(t + 1)) {
                    lastUse[t] = Math.max(lastUse[t], j);
                }
                producer[st.out()] = j;
            }
        }
        for (int t : model.outputTensors()) {
            lastUse[t] = nl;
        }
        // live[c]: boundary tensors of the cut before layer c (1 <= c < nl)
        List<List<Integer>> live = new ArrayList<>();
        long[] liveSize = new long[nl + 1];
        for (int c = 0; c <= nl; c++) {
            List<Integer> l = new ArrayList<>();
            if (c > 0 && c < nl) {
                for (int t = 0; t < nt; t++) {
                    if (!model.isParam(t) && producer[t] < c && lastUse[t] >= c) {
                        l.add(t);
                        liveSize[c] += model.size(t);
                    }
                }
            }
            live.add(l);
        }
        CompileOptions base = m.base();
        int reserved = base.reservedRows();
        long inputRows = switch (base.input()) {
            case HASHED -> hashRows(model.inputSize());
            case PRIVATE -> (model.inputSize() + 23) / 24;
            default -> 0;
        };
        long outputSize = 0;
        for (int t : model.outputTensors()) {
            outputSize += model.size(t);
        }
        long outputRows = base.output() == CompileOptions.Visibility.HASHED ? hashRows(outputSize) : 0;
        long[] prefix = new long[nl + 1];
        for (int j = 0; j < nl; j++) {
            prefix[j + 1] = prefix[j] + layers.get(j).rows();
        }
        // carried[j]: what the cuts between the parts of layer j carry besides the parts' outputs (the cut before
        // layer j's tensors, model inputs included)
        long[] carriedSize = new long[nl];
        List<List<Integer>> carried = new ArrayList<>();
        for (int j = 0; j < nl; j++) {
            List<Integer> l = new ArrayList<>();
            for (int t = 0; t < nt; t++) {
                if (!model.isParam(t) && producer[t] < j && lastUse[t] >= j) {
                    l.add(t);
                    carriedSize[j] += model.size(t);
                }
            }
            carried.add(l);
        }
        Split split = new Split(new int[nl], carried, carriedSize, new long[nl]);
        java.util.Arrays.fill(split.parts, 1);
        if (fixedRanges != null) {
            return build(m, fixedRanges, logBudget, layerReads, live, liveSize, inputRows, outputRows, split);
        }
        for (int j = 0; j < nl; j++) {
            Map<String, Integer> tables = new LinkedHashMap<>(layers.get(j).tables());
            if (estimateLogN(j, j + 1, nl, prefix, liveSize, inputRows, outputRows, tables, reserved, base.minLogN(),
                    model, base) <= logBudget) {
                continue;
            }
            for (int k = 2; k <= MAX_PARTS && k <= model.size(layerOutput(m, j)); k++) {
                long cost = 0;
                for (int q = 0; q < k && cost >= 0; q++) {
                    int logN = partLogN(m, j, q, k, split, liveSize, inputRows, outputRows, reserved);
                    cost = logN <= logBudget ? cost + (1L << logN) : -1;
                }
                if (cost >= 0) {
                    split.parts[j] = k;
                    split.cost[j] = cost;
                    break;
                }
            }
            if (split.parts[j] == 1) {
                throw refuse(m, j, logBudget, liveSize, inputRows, outputRows, reserved, split);
            }
        }
        // dp[b]: least total padded height of layers [0, b); from[b] the start of the last segment
        double[] dp = new double[nl + 1];
        int[] start = new int[nl + 1];
        java.util.Arrays.fill(dp, Double.POSITIVE_INFINITY);
        dp[0] = 0;
        for (int b = 1; b <= nl; b++) {
            Map<String, Integer> tables = new LinkedHashMap<>();
            for (int a = b - 1; a >= 0; a--) {
                if (split.parts[a] > 1) {
                    // a split layer is a run of segments of its own
                    if (a == b - 1 && dp[a] + split.cost[a] < dp[b]) {
                        dp[b] = dp[a] + split.cost[a];
                        start[b] = a;
                    }
                    break;
                }
                if (split.parts[b - 1] > 1) {
                    break;
                }
                tables.putAll(layers.get(a).tables());
                if (dp[a] == Double.POSITIVE_INFINITY) {
                    continue;
                }
                int logN = estimateLogN(a, b, nl, prefix, liveSize, inputRows, outputRows, tables, reserved,
                        base.minLogN(), model, base);
                if (logN <= logBudget) {
                    double cost = dp[a] + Math.scalb(1.0, logN);
                    if (cost < dp[b]) {
                        dp[b] = cost;
                        start[b] = a;
                    }
                }
            }
            if (dp[b] == Double.POSITIVE_INFINITY) {
                throw refuse(m, b - 1, logBudget, liveSize, inputRows, outputRows, reserved, split);
            }
        }
        List<int[]> ranges = new ArrayList<>();
        for (int b = nl; b > 0; b = start[b]) {
            ranges.add(0, new int[] {start[b], b});
        }
        return build(m, ranges, logBudget, layerReads, live, liveSize, inputRows, outputRows, split);
    }

    /**
     * A plan with the cuts given: before each layer index in {@code cutsBefore} (ascending, in [1, layers)). Each
     * segment must fit the budget by the planner's estimate, else a {@link CompileException} names it.
     */
    public static SegmentPlan planWithCuts(Measured m, int[] cutsBefore, int logBudget) {
        int nl = m.layers().size();
        List<int[]> ranges = new ArrayList<>();
        int a = 0;
        for (int c : cutsBefore) {
            if (c <= a || c >= nl) {
                throw new IllegalArgumentException("cuts must ascend within [1, " + nl + "), got "
                        + java.util.Arrays.toString(cutsBefore));
            }
            ranges.add(new int[] {a, c});
            a = c;
        }
        ranges.add(new int[] {a, nl});
        SegmentPlan p = plan(m, MAX_LOG_BUDGET, ranges);
        for (SegmentPlan.Segment s : p.segments()) {
            if (s.estimatedLogN() > logBudget) {
                throw new CompileException("segment " + (s.index() + 1) + " (" + s.span() + ") needs 2^"
                        + s.estimatedLogN() + " rows, more than the budget of 2^" + logBudget);
            }
        }
        return new SegmentPlan(p.model(), logBudget, p.segments());
    }

    private static SegmentPlan build(Measured m, List<int[]> ranges, int logBudget, BitSet[] layerReads,
                                     List<List<Integer>> live, long[] liveSize, long inputRows, long outputRows,
                                     Split split) {
        QModel model = m.model();
        List<Layer> layers = m.layers();
        int nl = layers.size();
        CompileOptions base = m.base();
        int reserved = base.reservedRows();
        long[] prefix = new long[nl + 1];
        for (int j = 0; j < nl; j++) {
            prefix[j + 1] = prefix[j] + layers.get(j).rows();
        }
        List<SegmentPlan.Segment> segs = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            int a = ranges.get(i)[0];
            int b = ranges.get(i)[1];
            BitSet params = new BitSet();
            for (int j = a; j < b; j++) {
                BitSet r = layerReads[j];
                for (int t = r.nextSetBit(0); t >= 0; t = r.nextSetBit(t + 1)) {
                    if (model.isParam(t)) {
                        params.set(t);
                    }
                }
            }
            int[] ins = a == 0 ? toArray(model.inputTensors()) : toArray(live.get(a));
            int[] outs = b == nl ? toArray(model.outputTensors()) : toArray(live.get(b));
            Map<String, Integer> tables = new LinkedHashMap<>();
            for (int j = a; j < b; j++) {
                tables.putAll(layers.get(j).tables());
            }
            if (b == a + 1 && split.parts[a] > 1) {
                int k = split.parts[a];
                int tOut = layerOutput(m, a);
                int n = model.size(tOut);
                int[] carried = toArray(split.carried.get(a));
                for (int q = 0; q < k; q++) {
                    int lo = partFrom(n, q, k);
                    int hi = partFrom(n, q + 1, k);
                    long[] r = partRows(m, a, q, k, split, liveSize, inputRows, outputRows);
                    segs.add(new SegmentPlan.Segment(segs.size(), layers.get(a).fromStep(), layers.get(a).toStep(),
                            layers.get(a).name(), layers.get(a).name(), 1, q == 0 ? ins : carried,
                            q == k - 1 ? outs : carried, params.stream().toArray(), r[0] + r[1] + r[2],
                            partLogN(m, a, q, k, split, liveSize, inputRows, outputRows, reserved),
                            (q == 0 && a == 0 ? 0 : r[1]) + (q == k - 1 && b == nl ? 0 : r[2]), q, k, tOut, lo, hi));
                }
                continue;
            }
            long link = (a == 0 ? 0 : hashRows(liveSize[a])) + (b == nl ? 0 : hashRows(liveSize[b]));
            segs.add(new SegmentPlan.Segment(segs.size(), layers.get(a).fromStep(), layers.get(b - 1).toStep(),
                    layers.get(a).name(), layers.get(b - 1).name(), b - a, ins, outs, params.stream().toArray(),
                    segmentRows(a, b, nl, prefix, liveSize, inputRows, outputRows),
                    estimateLogN(a, b, nl, prefix, liveSize, inputRows, outputRows, tables, reserved, base.minLogN(),
                            model, base), link));
        }
        return new SegmentPlan(model.name(), logBudget, segs);
    }

    private static long segmentRows(int a, int b, int nl, long[] prefix, long[] liveSize, long inputRows,
                                    long outputRows) {
        long rows = prefix[b] - prefix[a];
        rows += a == 0 ? inputRows : hashRows(liveSize[a]);
        rows += b == nl ? outputRows : hashRows(liveSize[b]);
        return rows;
    }

    private static int estimateLogN(int a, int b, int nl, long[] prefix, long[] liveSize, long inputRows,
                                    long outputRows, Map<String, Integer> tables, int reserved, int minLogN,
                                    QModel model, CompileOptions base) {
        long rows = segmentRows(a, b, nl, prefix, liveSize, inputRows, outputRows);
        long tableRows = 0;
        for (int s : tables.values()) {
            tableRows += s;
        }
        long instance = 2L * dev.zkscope.hash.Poseidon2.DIGEST;
        if (a == 0 && base.input() == CompileOptions.Visibility.PUBLIC) {
            instance += model.inputSize();
        }
        if (b == nl && base.output() == CompileOptions.Visibility.PUBLIC) {
            for (int t : model.outputTensors()) {
                instance += model.size(t);
            }
        }
        long need = Math.max(Math.max(rows, tableRows + 1), instance) + reserved;
        int logN = Math.max(1, 64 - Long.numberOfLeadingZeros(need - 1));
        return Math.max(minLogN, logN);
    }

    private static CompileException refuse(Measured m, int j, int logBudget, long[] liveSize, long inputRows,
                                           long outputRows, int reserved, Split split) {
        Layer l = m.layers().get(j);
        int nl = m.layers().size();
        long in = j == 0 ? inputRows : hashRows(liveSize[j]);
        long out = j == nl - 1 ? outputRows : hashRows(liveSize[j + 1]);
        long need = l.rows() + in + out + reserved;
        int logNeed = 64 - Long.numberOfLeadingZeros(need - 1);
        return new CompileException(String.format(Locale.ROOT, "refused before proving: layer %s (%s) needs %,d rows "
                + "alone (%,d for the layer at %d products per row, %,d to hash what enters it, %,d to hash what leaves "
                + "it, %d reserved), 2^%d, more than the budget of 2^%d rows per segment, and %s; raise --max-rows to "
                + "2^%d or more", l.name(), l.op(), need, l.rows(), MEASURE_INNER_COLS, in, out, reserved, logNeed,
                logBudget, whyNoSplit(m, j, logBudget, split, liveSize, inputRows, outputRows, reserved), logNeed));
    }

    /** Why layer j cannot be split into parts that each fit 2^logBudget rows. */
    private static String whyNoSplit(Measured m, int j, int logBudget, Split split, long[] liveSize, long inputRows,
                                     long outputRows, int reserved) {
        int k = Math.min(MAX_PARTS, m.model().size(layerOutput(m, j)));
        if (k < 2) {
            return "it has one output, so it cannot be split";
        }
        int worst = 0;
        int worstLog = 0;
        for (int q = 0; q < k; q++) {
            int logN = partLogN(m, j, q, k, split, liveSize, inputRows, outputRows, reserved);
            if (logN > worstLog) {
                worstLog = logN;
                worst = q;
            }
        }
        long[] r = partRows(m, j, worst, k, split, liveSize, inputRows, outputRows);
        return String.format(Locale.ROOT, "split along its outputs into %d parts its part %d still needs 2^%d rows "
                + "(%,d for its outputs, %,d to hash what enters it, %,d to hash what leaves it: every part takes the "
                + "layer's input and what the cut before it carries, and passes the parts' outputs on)", k, worst + 1,
                worstLog, r[0], r[1], r[2]);
    }

    /** The most parts one layer is split into. */
    static final int MAX_PARTS = 256;

    /**
     * How the planner splits layers that do not fit alone.
     *
     * @param parts       per layer, how many parts (1: not split)
     * @param carried     per layer, the tensors the cuts between its parts carry besides the parts' outputs
     * @param carriedSize their values
     * @param cost        per split layer, the sum of its parts' padded heights
     */
    private record Split(int[] parts, List<List<Integer>> carried, long[] carriedSize, long[] cost) {
    }

    /** The tensor layer j writes last (the ONNX node's output). */
    private static int layerOutput(Measured m, int j) {
        return m.model().steps().get(m.layers().get(j).toStep() - 1).out();
    }

    /** The first output of part q of k of a layer with n outputs: the outputs are shared out evenly. */
    static int partFrom(int n, int q, int k) {
        return (int) ((long) n * q / k);
    }

    /** Part q of k of layer j: {its outputs' rows, rows hashing what enters it, rows hashing what leaves it}. */
    private static long[] partRows(Measured m, int j, int q, int k, Split split, long[] liveSize, long inputRows,
                                   long outputRows) {
        int nl = m.layers().size();
        int n = m.model().size(layerOutput(m, j));
        int lo = partFrom(n, q, k);
        int hi = partFrom(n, q + 1, k);
        long rows = (m.layers().get(j).rows() * (hi - lo) + n - 1) / n;
        long in = q == 0 ? (j == 0 ? inputRows : hashRows(split.carriedSize[j])) : hashRows(split.carriedSize[j] + lo);
        long out = q == k - 1 ? (j == nl - 1 ? outputRows : hashRows(liveSize[j + 1]))
                : hashRows(split.carriedSize[j] + hi);
        return new long[] {rows, in, out};
    }

    private static int partLogN(Measured m, int j, int q, int k, Split split, long[] liveSize, long inputRows,
                                long outputRows, int reserved) {
        long[] r = partRows(m, j, q, k, split, liveSize, inputRows, outputRows);
        long tableRows = 0;
        for (int s : m.layers().get(j).tables().values()) {
            tableRows += s;
        }
        QModel model = m.model();
        CompileOptions base = m.base();
        long instance = 2L * dev.zkscope.hash.Poseidon2.DIGEST;
        if (j == 0 && q == 0 && base.input() == CompileOptions.Visibility.PUBLIC) {
            instance += model.inputSize();
        }
        if (j == m.layers().size() - 1 && q == k - 1 && base.output() == CompileOptions.Visibility.PUBLIC) {
            for (int t : model.outputTensors()) {
                instance += model.size(t);
            }
        }
        long need = Math.max(Math.max(r[0] + r[1] + r[2], tableRows + 1), instance) + reserved;
        int logN = Math.max(1, 64 - Long.numberOfLeadingZeros(need - 1));
        return Math.max(base.minLogN(), logN);
    }

    /**
     * The largest budget whose segments the cost model predicts to fit in {@code heapBytes} (with a quarter kept
     * free), judging a segment of 2^k rows by the widest layer's columns at that height; at least the budget the
     * largest layer needs. A machine too small for that is refused with the figures.
     */
    public static int budgetFromHeap(Measured m, CostModel cost, long heapBytes) {
        long allowed = heapBytes * 3 / 4;
        int best = -1;
        for (int k = MIN_LOG_BUDGET; k <= MAX_LOG_BUDGET; k++) {
            if (predictedHeap(m, cost, k) <= allowed) {
                best = k;
            }
        }
        if (best < 0) {
            throw new CompileException(String.format(Locale.ROOT, "refused before proving: even a segment of 2^%d rows "
                    + "is predicted to need %,d MiB of heap, and %,d MiB are free; give the JVM more heap (-Xmx)",
                    MIN_LOG_BUDGET, predictedHeap(m, cost, MIN_LOG_BUDGET) >> 20, heapBytes >> 20));
        }
        return best;
    }

    /**
     * The heap (above the baseline) the cost model predicts for proving a segment of 2^logN rows with the widest
     * layer's columns: the bound {@link #budgetFromHeap} chooses by, and what a runner that proves several segments
     * at once in one JVM (Spark's {@code local[N]}) must find N times in its heap.
     */
    public static long predictedHeap(Measured m, CostModel cost, int logN) {
        ProofShape widest = m.largest().shape();
        for (Layer l : m.layers()) {
            if (l.shape().proverColumns() > widest.proverColumns()) {
                widest = l.shape();
            }
        }
        return cost.predict(atHeight(widest, logN)).heapBytesAboveBaseline();
    }

    /** The same columns at a height of 2^k rows. */
    static ProofShape atHeight(ProofShape s, int k) {
        int d = k - s.logN();
        return new ProofShape(k, s.logLde() + d, s.logQuotient() + d, s.fixedColumns(), s.adviceColumns(),
                s.auxColumns(), s.quotientColumns(), s.maxDegree(), s.constraints(), s.exprNodes());
    }

    /**
     * Compiles segment {@code i} of the plan: the model's input (at the model's visibility) or the boundary tensors
     * of the cut before it (hashed), its steps (for a part of a split layer, the layer's steps restricted to the
     * part's outputs, {@link LayerSplit}), and the boundary tensors of the cut after it (hashed) or the model's output
     * (at the model's visibility). At most 2^budget rows.
     */
    public static CompiledModel compile(QModel model, long[] bounds, SegmentPlan plan, int i, CompileOptions base) {
        return compileOrCount(model, bounds, plan, i, base, false);
    }

    /**
     * Counts segment {@code i} of the plan: the same circuit as {@link #compile} in a counting layout (no trace), so
     * the same ledger, exactly.
     */
    public static CompiledModel count(QModel model, long[] bounds, SegmentPlan plan, int i, CompileOptions base) {
        return compileOrCount(model, bounds, plan, i, base, true);
    }

    /** The layer IR of segment {@code i}: a slice of the model, or one part of a split layer. */
    public static QModel segmentModel(QModel model, long[] bounds, SegmentPlan plan, int i) {
        SegmentPlan.Segment s = plan.segment(i);
        if (s.isPart()) {
            return LayerSplit.partModel(model, bounds, s, segmentName(plan, i));
        }
        int[] ins = s.inputs();
        List<Integer> inputs = new ArrayList<>();
        long[] inBounds = new long[ins.length];
        for (int k = 0; k < ins.length; k++) {
            inputs.add(ins[k]);
            inBounds[k] = bounds[ins[k]];
        }
        List<Integer> outputs = new ArrayList<>();
        for (int t : s.outputs()) {
            outputs.add(t);
        }
        List<Integer> params = new ArrayList<>();
        for (int t : s.params()) {
            params.add(t);
        }
        return model.slice(segmentName(plan, i), s.fromStep(), s.toStep(), inputs, inBounds, outputs, params);
    }

    private static CompiledModel compileOrCount(QModel model, long[] bounds, SegmentPlan plan, int i,
                                                CompileOptions base, boolean counting) {
        SegmentPlan.Segment s = plan.segment(i);
        CompileOptions o = base
                .withInput(i == 0 ? base.input() : CompileOptions.Visibility.HASHED)
                .withOutput(i == plan.count() - 1 ? base.output() : CompileOptions.Visibility.HASHED)
                .withMaxLogN(plan.logBudget());
        try {
            QModel sm = segmentModel(model, bounds, plan, i);
            return counting ? ModelCompiler.count(sm, o) : ModelCompiler.compile(sm, o);
        } catch (CompileException e) {
            throw new CompileException(plan.describe(i) + " does not fit the budget of 2^" + plan.logBudget()
                    + " rows (the planner estimated 2^" + s.estimatedLogN() + "): " + e.getMessage());
        }
    }

    /** The circuit name of a segment: "MODEL#i/n" (1-based), bound into its key. */
    public static String segmentName(SegmentPlan plan, int i) {
        return plan.model() + "#" + (i + 1) + "/" + plan.count();
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }
}
