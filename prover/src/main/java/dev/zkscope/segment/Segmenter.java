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

    /** Rows of hashing {@code n} values with a salt (a hashed model input or output). */
    static long hashRows(long n) {
        return Poseidon2Gadget.rows(Salts.LENGTH, n);
    }

    /** Rows of linking a group of {@code n} values ({@code LinkGadget}: its masked stream and fingerprint). */
    static long linkRows(long n) {
        return dev.zkscope.compile.gadget.LinkGadget.rows(n);
    }

    /**
     * The cuts for a budget of 2^logBudget rows per segment. A layer that cannot fit alone (with the links of what
     * enters and leaves it) is a {@link CompileException} naming it with its figures. Every segment of the plan is
     * counted ({@link #count}: its exact layout, no trace) before the plan is returned, so a plan whose segment the
     * estimate placed under the budget but whose layout is over it never reaches the prover (see {@link #counted}).
     */
    public static SegmentPlan plan(Measured m, int logBudget) {
        return counted(m, logBudget).plan();
    }

    /** A plan with the constraint system and the ledger of each of its segments, as counted. */
    public record Counted(SegmentPlan plan, List<dev.zkscope.plonk.ConstraintSystem> segments,
                          List<dev.zkscope.compile.CostLedger> ledgers) {
        public Counted {
            segments = List.copyOf(segments);
            ledgers = List.copyOf(ledgers);
        }
    }

    /**
     * How many times the planner plans again with fewer usable rows per segment when a counted segment is over the
     * budget, each time with twice the slack (from 2^(budget-7) rows: 1/128 of the budget).
     */
    static final int PLAN_RETRIES = 4;

    /**
     * {@link #plan} with each segment counted. The planner estimates a part of a split layer by its share of the layer's
     * rows; a part's layout rounds its dot products up to whole rows, so at a small budget a part can come out over it
     * (ResNet-8 at 2^12: a part of layer1's conv estimated under 4,096 rows laid out at 4,104). Then the plan is made
     * again with 2^(budget-7) rows held back per segment, twice that the next time, up to {@link #PLAN_RETRIES}
     * times; if a segment is still over, the error names it with its rows and the budget to ask for.
     */
    public static Counted counted(Measured m, int logBudget) {
        if (logBudget < MIN_LOG_BUDGET || logBudget > MAX_LOG_BUDGET) {
            throw new CompileException("--max-rows must be between 2^" + MIN_LOG_BUDGET + " and 2^" + MAX_LOG_BUDGET
                    + ", got 2^" + logBudget);
        }
        CompileException over = null;
        for (int attempt = 0; attempt <= PLAN_RETRIES; attempt++) {
            long slack = attempt == 0 ? 0 : 1L << Math.max(0, logBudget - 8 + attempt);
            SegmentPlan plan;
            try {
                plan = plan(m, logBudget, null, slack);
            } catch (CompileException e) {
                if (attempt == 0) {
                    throw e; // a layer that cannot fit alone: refused with its figures
                }
                break; // with rows held back some layer no longer fits alone
            }
            List<dev.zkscope.plonk.ConstraintSystem> systems = new ArrayList<>(plan.count());
            List<dev.zkscope.compile.CostLedger> ledgers = new ArrayList<>(plan.count());
            try {
                for (int i = 0; i < plan.count(); i++) {
                    CompiledModel c = count(m.model(), m.bounds(), plan, i, m.base());
                    systems.add(c.constraintSystem());
                    ledgers.add(c.ledger());
                }
                return new Counted(plan, systems, ledgers);
            } catch (CompileException e) {
                if (over == null) {
                    over = e;
                }
            }
        }
        throw new CompileException("refused before proving: no plan at 2^" + logBudget + " rows per segment lays out "
                + "within the budget (" + PLAN_RETRIES + " plans made again with rows held back); the first: "
                + over.getMessage() + "; raise --max-rows to 2^" + (logBudget + 1) + " or more");
    }

    /**
     * The tensors of a model, which layer makes and which read each, and how the split layers cut their outputs into
     * pieces: what the planner prices a segment by. A segment takes each tensor it reads from the segment that made
     * it (in pieces from the parts of a split layer), hashed once per piece, and gives each tensor it makes that a
     * later segment reads, hashed once: the links are a graph ({@link LinkTable}), so nothing passes through a
     * segment that neither makes nor reads it.
     */
    private static final class Graph {
        final Measured m;
        final QModel model;
        final List<Layer> layers;
        final int nl;
        final int nt;
        /** Layer making each tensor; -1 for a model input or a parameter. */
        final int[] producer;
        /** Last layer reading each tensor; nl for a model output; -1 when none. */
        final int[] lastUse;
        /** Layers reading each tensor. */
        final BitSet[] readers;
        final BitSet[] layerReads;
        final boolean[] modelOutput;
        final boolean[] modelInput;
        final long inputRows;
        final long outputRows;
        final int reserved;
        final long[] prefix;
        /**
         * Per layer, how many parts the unit it starts is split into (1: not split); a split unit is the layer and
         * the element-wise layers fused after it, [j, unitEnd[j]).
         */
        final int[] parts;
        /** Per split unit's first layer, one past its last layer. */
        final int[] unitEnd;
        /** Per layer, the first layer of the split unit holding it (itself when it is in none). */
        final int[] unitStart;
        /** Per split unit's first layer, the sum of its parts' padded heights. */
        final long[] splitCost;
        /** What each part of a unit takes, by (a, b, q, k). */
        final Map<Long, List<Take>> takes = new java.util.HashMap<>();

        Graph(Measured m, long slack) {
            this.m = m;
            model = m.model();
            layers = m.layers();
            nl = layers.size();
            nt = model.tensorCount();
            producer = new int[nt];
            lastUse = new int[nt];
            readers = new BitSet[nt];
            java.util.Arrays.fill(producer, -1);
            java.util.Arrays.fill(lastUse, -1);
            for (int t = 0; t < nt; t++) {
                readers[t] = new BitSet();
            }
            layerReads = new BitSet[nl];
            for (int j = 0; j < nl; j++) {
                layerReads[j] = new BitSet();
                for (int s = layers.get(j).fromStep(); s < layers.get(j).toStep(); s++) {
                    Step st = model.steps().get(s);
                    BitSet r = StepReads.of(st);
                    layerReads[j].or(r);
                    for (int t = r.nextSetBit(0); t >= 0; t = r.nextSetBit(t + 1)) {
                        lastUse[t] = Math.max(lastUse[t], j);
                        readers[t].set(j);
                    }
                    producer[st.out()] = j;
                }
            }
            modelOutput = new boolean[nt];
            for (int t : model.outputTensors()) {
                lastUse[t] = nl;
                modelOutput[t] = true;
            }
            modelInput = new boolean[nt];
            for (int t : model.inputTensors()) {
                modelInput[t] = true;
            }
            CompileOptions base = m.base();
            reserved = (int) (base.reservedRows() + slack);
            inputRows = switch (base.input()) {
                case HASHED -> hashRows(model.inputSize());
                case PRIVATE -> (model.inputSize() + 23) / 24;
                default -> 0;
            };
            long outputSize = 0;
            for (int t : model.outputTensors()) {
                outputSize += model.size(t);
            }
            outputRows = base.output() == CompileOptions.Visibility.HASHED ? hashRows(outputSize) : 0;
            prefix = new long[nl + 1];
            for (int j = 0; j < nl; j++) {
                prefix[j + 1] = prefix[j] + layers.get(j).rows();
            }
            parts = new int[nl];
            java.util.Arrays.fill(parts, 1);
            unitEnd = new int[nl];
            unitStart = new int[nl];
            for (int j = 0; j < nl; j++) {
                unitEnd[j] = j + 1;
                unitStart[j] = j;
            }
            splitCost = new long[nl];
        }

        boolean boundary(int t) {
            return !model.isParam(t);
        }

        int layerOutput(int j) {
            return model.steps().get(layers.get(j).toStep() - 1).out();
        }

        /** The sizes of the pieces tensor t travels in: itself, or the parts of the layer that made it. */
        int[] pieces(int t) {
            int p = producer[t] < 0 ? -1 : unitStart[producer[t]];
            if (p >= 0 && parts[p] > 1 && t == layerOutput(unitEnd[p] - 1)) {
                int n = model.size(t);
                int k = parts[p];
                int[] out = new int[k];
                for (int q = 0; q < k; q++) {
                    out[q] = partFrom(n, q + 1, k) - partFrom(n, q, k);
                }
                return out;
            }
            return new int[] {model.size(t)};
        }

        long inRows(List<Integer> tensors) {
            long r = 0;
            for (int t : tensors) {
                for (int p : pieces(t)) {
                    r += linkRows(p);
                }
            }
            return r;
        }

        long outRows(List<Integer> tensors) {
            long r = 0;
            for (int t : tensors) {
                r += linkRows(model.size(t));
            }
            return r;
        }

        /**
         * What a run of layers [a, b) takes: the model's input when a = 0, else every tensor made before a that a
         * layer in [a, b) reads (and, when b = nl, every model output made before a).
         */
        List<Integer> ins(int a, int b) {
            if (a == 0) {
                return model.inputTensors();
            }
            List<Integer> out = new ArrayList<>();
            for (int t = 0; t < nt; t++) {
                if (!boundary(t) || producer[t] >= a) {
                    continue;
                }
                int r = readers[t].nextSetBit(a);
                if ((r >= 0 && r < b) || (b == nl && modelOutput[t])) {
                    out.add(t);
                }
            }
            return out;
        }

        /**
         * What a run of layers [a, b) gives: the model's outputs when b = nl, else every tensor it makes (the first
         * run: and the model's input) that a layer after it reads or that is a model output.
         */
        List<Integer> outs(int a, int b) {
            if (b == nl) {
                return model.outputTensors();
            }
            List<Integer> out = new ArrayList<>();
            for (int t = 0; t < nt; t++) {
                boolean made = (producer[t] >= a && producer[t] < b) || (a == 0 && modelInput[t]);
                if (boundary(t) && made && lastUse[t] >= b) {
                    out.add(t);
                }
            }
            return out;
        }

        /** Rows of a run of layers [a, b): its layers, hashing what enters it, hashing what leaves it. */
        long[] rangeRows(int a, int b) {
            long in = a == 0 ? inputRows : inRows(ins(a, b));
            long out = b == nl ? outputRows : outRows(outs(a, b));
            return new long[] {prefix[b] - prefix[a], in, out};
        }

        /** Whether part q of k of unit [a, b) is the model's last part (it takes the parts' outputs, gives it whole). */
        boolean finalPart(int a, int b, int q, int k) {
            return b == nl && q == k - 1 && modelOutput[layerOutput(b - 1)];
        }

        /**
         * What part q of k of unit [a, b) takes: of each tensor made before it that its steps read, the pieces that
         * hold the elements it reads (a dot product's operand: all of them); the model's input whole for a = 0; for
         * the model's last part, whole, every tensor made before it that it reads or the model outputs.
         */
        List<Take> partTakes(int a, int b, int q, int k) {
            long key = (((long) a * 4096 + b) * 512 + k) * 512 + q;
            List<Take> cached = takes.get(key);
            if (cached != null) {
                return cached;
            }
            List<Take> out = new ArrayList<>();
            if (finalPart(a, b, q, k)) {
                for (int t : ins(a, nl)) {
                    if (t != layerOutput(b - 1)) {
                        out.add(whole(t));
                    }
                }
            } else if (a == 0) {
                for (int t : model.inputTensors()) {
                    out.add(whole(t));
                }
            } else {
                int n = model.size(layerOutput(b - 1));
                List<int[]> reads = LayerSplit.reads(model, layers.get(a).fromStep(), layers.get(b - 1).toStep(),
                        partFrom(n, q, k), partFrom(n, q + 1, k));
                for (int[] r : reads) {
                    int t = r[0];
                    if (!boundary(t) || producer[t] >= a) {
                        continue;
                    }
                    int[] sz = pieces(t);
                    int p0 = 0;
                    int from = 0;
                    while (from + sz[p0] <= r[1]) {
                        from += sz[p0++];
                    }
                    int p1 = p0;
                    int to = from;
                    while (to < r[2]) {
                        to += sz[p1++];
                    }
                    out.add(new Take(t, p0, p1, from, to));
                }
            }
            takes.put(key, out);
            return out;
        }

        Take whole(int t) {
            return new Take(t, 0, pieces(t).length, 0, model.size(t));
        }

        /** What part q of k of unit [a, b) gives: its own outputs (the first part of layer 0: and the model's input). */
        List<Integer> partOuts(int a, int b, int q, int k) {
            if (finalPart(a, b, q, k)) {
                return model.outputTensors();
            }
            List<Integer> out = new ArrayList<>();
            if (a == 0 && q == 0) {
                out.addAll(model.inputTensors());
            }
            out.add(layerOutput(b - 1));
            return out;
        }

        /** Part q of k of unit [a, b): {its outputs' rows, rows hashing what enters it, rows hashing what leaves it}. */
        long[] partRows(int a, int b, int q, int k) {
            int tOut = layerOutput(b - 1);
            int n = model.size(tOut);
            int lo = partFrom(n, q, k);
            int hi = partFrom(n, q + 1, k);
            long rows = ((prefix[b] - prefix[a]) * (hi - lo) + n - 1) / n;
            long in;
            if (a == 0 && q == 0) {
                in = inputRows;
            } else {
                in = 0;
                for (Take t : partTakes(a, b, q, k)) {
                    int[] sz = pieces(t.tensor());
                    for (int p = t.p0(); p < t.p1(); p++) {
                        in += linkRows(sz[p]);
                    }
                }
                if (finalPart(a, b, q, k)) {
                    for (int p = 0; p < q; p++) {
                        in += linkRows(partFrom(n, p + 1, k) - partFrom(n, p, k));
                    }
                }
            }
            long out;
            if (finalPart(a, b, q, k)) {
                out = outputRows;
            } else {
                out = linkRows(hi - lo);
                if (a == 0 && q == 0) {
                    out += outRows(model.inputTensors());
                }
            }
            return new long[] {rows, in, out};
        }

        int logN(long rows, Map<String, Integer> tables, int groups, boolean first, boolean last) {
            long tableRows = 0;
            for (int s : tables.values()) {
                tableRows += s;
            }
            CompileOptions base = m.base();
            long instance = 2L * dev.zkscope.hash.Poseidon2.DIGEST + (long) (groups + 1) * LinkTable.LINK;
            if (first && base.input() == CompileOptions.Visibility.PUBLIC) {
                instance += model.inputSize();
            }
            if (last && base.output() == CompileOptions.Visibility.PUBLIC) {
                for (int t : model.outputTensors()) {
                    instance += model.size(t);
                }
            }
            long need = Math.max(Math.max(rows, tableRows + 1), instance) + reserved;
            int logN = Math.max(1, 64 - Long.numberOfLeadingZeros(need - 1));
            return Math.max(base.minLogN(), logN);
        }

        int groups(List<Integer> ins, List<Integer> outs) {
            int g = outs.size();
            for (int t : ins) {
                g += pieces(t).length;
            }
            return g;
        }

        int rangeLogN(int a, int b, Map<String, Integer> tables) {
            long[] r = rangeRows(a, b);
            return logN(r[0] + r[1] + r[2], tables, a == 0 && b == nl ? 0 : groups(ins(a, b), outs(a, b)), a == 0,
                    b == nl);
        }

        Map<String, Integer> tables(int a, int b) {
            Map<String, Integer> tables = new LinkedHashMap<>();
            for (int j = a; j < b; j++) {
                addTables(tables, layers.get(j).tables());
            }
            return tables;
        }

        int partLogN(int a, int b, int q, int k) {
            long[] r = partRows(a, b, q, k);
            Map<String, Integer> tables = new LinkedHashMap<>();
            for (int j = a; j < b; j++) {
                addTables(tables, layers.get(j).tables());
            }
            int groups = partOuts(a, b, q, k).size() + (finalPart(a, b, q, k) ? q : 0);
            for (Take t : partTakes(a, b, q, k)) {
                groups += t.p1() - t.p0();
            }
            return logN(r[0] + r[1] + r[2], tables, groups, a == 0 && q == 0, finalPart(a, b, q, k));
        }

        /** The sum of the padded heights of unit [a, b) split into k parts; -1 when a part does not fit 2^logBudget. */
        long splitCost(int a, int b, int k, int logBudget) {
            long cost = 0;
            for (int q = 0; q < k; q++) {
                int logN = partLogN(a, b, q, k);
                if (logN > logBudget) {
                    return -1;
                }
                cost += (1L << logN) + SEGMENT_ROWS;
            }
            return cost;
        }

        /**
         * The cheapest split of unit [a, b) within the budget: {k, cost}, the fewest parts that fit and up to
         * {@link #EXTRA_PARTS} more (more, smaller parts can pad to a smaller height); null when none fits.
         */
        long[] bestSplit(int a, int b, int logBudget) {
            int max = Math.min(MAX_PARTS, model.size(layerOutput(b - 1)));
            long[] best = null;
            for (int k = 2; k <= max; k++) {
                long cost = splitCost(a, b, k, logBudget);
                if (cost >= 0 && (best == null || cost < best[1])) {
                    best = new long[] {k, cost};
                }
                if (best != null && k >= best[0] + EXTRA_PARTS) {
                    break;
                }
            }
            return best;
        }

        /**
         * One past the last layer that can be fused after layer a into its parts: each layer after a that reads only
         * the outputs of the one before it element by element (the same output positions), whose predecessor's
         * output no other layer reads and the model does not output.
         */
        int fusableEnd(int a) {
            int e = a + 1;
            while (e < nl && fusable(a, e)) {
                e++;
            }
            return e;
        }

        private boolean fusable(int a, int e) {
            int prev = layerOutput(e - 1);
            if (modelOutput[prev] || !layerReads[e].get(prev)) {
                return false;
            }
            for (int j = a; j < e; j++) {
                int t = layerOutput(j);
                for (int r = readers[t].nextSetBit(0); r >= 0; r = readers[t].nextSetBit(r + 1)) {
                    if (r > e) {
                        return false;
                    }
                }
            }
            int n = model.size(layerOutput(a));
            if (model.size(layerOutput(e)) != n || n < 2) {
                return false;
            }
            try {
                LayerSplit.reads(model, layers.get(a).fromStep(), layers.get(e).toStep(), 0, n / 2);
                LayerSplit.reads(model, layers.get(a).fromStep(), layers.get(e).toStep(), n / 2, n);
                return true;
            } catch (CompileException | IllegalArgumentException e2) {
                return false;
            }
        }
    }

    private static SegmentPlan plan(Measured m, int logBudget, List<int[]> fixedRanges) {
        return plan(m, logBudget, fixedRanges, 0);
    }

    /** The planner, with {@code slack} rows per segment held back beside the preset's reserved rows. */
    private static SegmentPlan plan(Measured m, int logBudget, List<int[]> fixedRanges, long slack) {
        Graph g = new Graph(m, slack);
        int nl = g.nl;
        if (fixedRanges != null) {
            return build(g, fixedRanges, logBudget);
        }
        decideUnits(g, logBudget);
        // dp[b]: least total padded height of layers [0, b); start[b] the start of the last segment
        double[] dp = new double[nl + 1];
        int[] start = new int[nl + 1];
        java.util.Arrays.fill(dp, Double.POSITIVE_INFINITY);
        dp[0] = 0;
        long budgetRows = 1L << logBudget;
        for (int b = 1; b <= nl; b++) {
            Map<String, Integer> tables = new LinkedHashMap<>();
            for (int a = b - 1; a >= 0; a--) {
                int u = g.unitStart[a];
                if (g.parts[u] > 1) {
                    // a split unit is a run of segments of its own
                    if (a == b - 1 && g.unitEnd[u] == b && dp[u] + g.splitCost[u] < dp[b]) {
                        dp[b] = dp[u] + g.splitCost[u];
                        start[b] = u;
                    }
                    break;
                }
                if (g.parts[g.unitStart[b - 1]] > 1 || g.prefix[b] - g.prefix[a] > budgetRows) {
                    break;
                }
                addTables(tables, g.layers.get(a).tables());
                if (dp[a] == Double.POSITIVE_INFINITY) {
                    continue;
                }
                int logN = g.rangeLogN(a, b, tables);
                if (logN <= logBudget) {
                    double cost = dp[a] + Math.scalb(1.0, logN) + SEGMENT_ROWS;
                    if (cost < dp[b]) {
                        dp[b] = cost;
                        start[b] = a;
                    }
                }
            }
            boolean insideUnit = b < nl && g.unitStart[b] != b;
            if (dp[b] == Double.POSITIVE_INFINITY && !insideUnit) {
                throw refuse(g, b - 1, logBudget);
            }
        }
        List<int[]> ranges = new ArrayList<>();
        for (int b = nl; b > 0; b = start[b]) {
            ranges.add(0, new int[] {start[b], b});
        }
        return build(g, ranges, logBudget);
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

    /** Where each piece of each tensor comes from, as segments are made in order: {segment, output group}. */
    private static final class Sources {
        final List<List<int[]>> of;

        Sources(int nt) {
            of = new ArrayList<>(nt);
            for (int t = 0; t < nt; t++) {
                of.add(new ArrayList<>());
            }
        }

        /** Appends the input groups of pieces [p0, p1) of tensor t (as made) to the three lists. */
        void take(Graph g, int t, int consumer, List<Integer> sizes, List<Integer> fromSeg, List<Integer> fromGroup,
                  int p0, int p1) {
            List<int[]> src = of.get(t);
            int[] sz = g.pieces(t);
            if (src.size() < p1 || (p1 == sz.length && src.size() != sz.length)) {
                throw new IllegalStateException("segment " + (consumer + 1) + " reads tensor " + t + ", which no "
                        + "earlier segment gives whole (" + src.size() + " of " + sz.length + " pieces)");
            }
            for (int p = p0; p < p1; p++) {
                sizes.add(sz[p]);
                fromSeg.add(src.get(p)[0]);
                fromGroup.add(src.get(p)[1]);
            }
        }
    }

    private static SegmentPlan build(Graph g, List<int[]> ranges, int logBudget) {
        QModel model = g.model;
        List<Layer> layers = g.layers;
        int nl = g.nl;
        Sources sources = new Sources(g.nt);
        List<SegmentPlan.Segment> segs = new ArrayList<>();
        for (int r = 0; r < ranges.size(); r++) {
            int a = ranges.get(r)[0];
            int b = ranges.get(r)[1];
            BitSet params = new BitSet();
            for (int j = a; j < b; j++) {
                BitSet rd = g.layerReads[j];
                for (int t = rd.nextSetBit(0); t >= 0; t = rd.nextSetBit(t + 1)) {
                    if (model.isParam(t)) {
                        params.set(t);
                    }
                }
            }
            Map<String, Integer> tables = new LinkedHashMap<>();
            for (int j = a; j < b; j++) {
                addTables(tables, layers.get(j).tables());
            }
            boolean split = g.parts[a] > 1 && g.unitEnd[a] == b;
            int k = split ? g.parts[a] : 1;
            for (int q = 0; q < k; q++) {
                int index = segs.size();
                boolean first = index == 0;
                boolean last = r == ranges.size() - 1 && q == k - 1;
                List<Take> takes = new ArrayList<>();
                if (split) {
                    takes.addAll(g.partTakes(a, b, q, k));
                } else {
                    for (int t : g.ins(a, b)) {
                        takes.add(g.whole(t));
                    }
                }
                List<Integer> ins = new ArrayList<>();
                List<Integer> inFrom = new ArrayList<>();
                List<Integer> inTo = new ArrayList<>();
                for (Take t : takes) {
                    ins.add(t.tensor());
                    inFrom.add(t.from());
                    inTo.add(t.to());
                }
                List<Integer> outs = split ? g.partOuts(a, b, q, k) : g.outs(a, b);
                int tOut = split ? g.layerOutput(b - 1) : -1;
                int n = split ? model.size(tOut) : 0;
                int lo = split ? partFrom(n, q, k) : 0;
                int hi = split ? partFrom(n, q + 1, k) : 0;
                boolean finalPart = split && g.finalPart(a, b, q, k);
                if (last && split && !finalPart) {
                    throw new CompileException("layer " + layers.get(a).name() + " is the model's last layer, but "
                            + "its output is not the model's: it cannot be split along its outputs");
                }
                List<Integer> inSizes = new ArrayList<>();
                List<Integer> inSeg = new ArrayList<>();
                List<Integer> inGrp = new ArrayList<>();
                if (!first) {
                    for (Take t : takes) {
                        sources.take(g, t.tensor(), index, inSizes, inSeg, inGrp, t.p0(), t.p1());
                    }
                    if (finalPart) {
                        sources.take(g, tOut, index, inSizes, inSeg, inGrp, 0, q);
                    }
                }
                List<Integer> outSizes = new ArrayList<>();
                if (!last) {
                    for (int t : outs) {
                        outSizes.add(split && t == tOut ? hi - lo : model.size(t));
                    }
                }
                long[] rows = split ? g.partRows(a, b, q, k) : g.rangeRows(a, b);
                int logN = split ? g.partLogN(a, b, q, k) : g.rangeLogN(a, b, tables);
                long link = (first ? 0 : rows[1]) + (last ? 0 : rows[2]);
                segs.add(new SegmentPlan.Segment(index, layers.get(a).fromStep(), layers.get(b - 1).toStep(),
                        layers.get(a).name(), layers.get(b - 1).name(), b - a, toArray(ins), toArray(outs),
                        params.stream().toArray(), rows[0] + rows[1] + rows[2], logN, link, split ? q : 0, k,
                        tOut, lo, hi, finalPart ? lo : 0, new LinkTable.Site(toArray(inSizes), toArray(inSeg),
                        toArray(inGrp), toArray(outSizes)), toArray(inFrom), toArray(inTo)));
                for (int o = 0; o < outSizes.size(); o++) {
                    sources.of.get(outs.get(o)).add(new int[] {index, o});
                }
            }
        }
        return new SegmentPlan(model.name(), logBudget, segs);
    }

    private static CompileException refuse(Graph g, int j, int logBudget) {
        Layer l = g.layers.get(j);
        long[] r = g.rangeRows(j, j + 1);
        long need = r[0] + r[1] + r[2] + g.reserved;
        // the height counts the lookup tables too: an embedding's Gather is mostly its table (the GPT decoder's wte)
        int logNeed = g.rangeLogN(j, j + 1, g.tables(j, j + 1));
        return new CompileException(String.format(Locale.ROOT, "refused before proving: layer %s (%s) needs 2^%d rows "
                + "alone: %,d rows of gates (%,d for the layer at %d products per row, %,d to link what enters it, %,d "
                + "to link what leaves it, %d reserved)%s, more than the budget of 2^%d rows per segment, and %s; raise "
                + "--max-rows to 2^%d or more", l.name(), l.op(), logNeed, need, l.rows(), MEASURE_INNER_COLS, r[1],
                r[2], g.reserved, tablesText(l.tables()), logBudget, whyNoSplit(g, j), logNeed));
    }

    /** " and lookup tables of N rows (name M, ...)", or "" without tables. */
    private static String tablesText(Map<String, Integer> tables) {
        if (tables.isEmpty()) {
            return "";
        }
        long sum = 0;
        StringBuilder each = new StringBuilder();
        for (Map.Entry<String, Integer> t : tables.entrySet()) {
            sum += t.getValue();
            each.append(each.length() == 0 ? "" : ", ").append(t.getKey()).append(' ')
                    .append(String.format(Locale.ROOT, "%,d", t.getValue()));
        }
        return String.format(Locale.ROOT, " and lookup tables of %,d rows (%s)", sum, each);
    }

    /** Why layer j cannot be split into parts that each fit the budget. */
    private static String whyNoSplit(Graph g, int j) {
        try {
            return whyNoSplitFits(g, j);
        } catch (CompileException e) {
            return "it cannot be split: " + e.getMessage();
        }
    }

    private static String whyNoSplitFits(Graph g, int j) {
        int k = Math.min(MAX_PARTS, g.model.size(g.layerOutput(j)));
        if (k < 2) {
            return "it has one output, so it cannot be split";
        }
        int worst = 0;
        int worstLog = 0;
        for (int q = 0; q < k; q++) {
            int logN = g.partLogN(j, j + 1, q, k);
            if (logN > worstLog) {
                worstLog = logN;
                worst = q;
            }
        }
        long[] r = g.partRows(j, j + 1, worst, k);
        Map<String, Integer> tables = g.layers.get(j).tables();
        return String.format(Locale.ROOT, "split along its outputs into %d parts its part %d still needs 2^%d rows "
                + "(%,d for its outputs, %,d to link what enters it, %,d to link what leaves it: every part takes the "
                + "tensors the layer reads, whole%s)", k, worst + 1, worstLog, r[0], r[1], r[2],
                tables.isEmpty() ? "" : ", and its lookup tables");
    }

    /** The most parts one layer is split into. */
    static final int MAX_PARTS = 256;

    /**
     * What one more segment costs beyond its padded rows, in rows, as the planner prices it: a proof's fixed work (its
     * last FRI layers, grinding, the queries' paths), its keygen, compile and first pass. Without it, with links nearly
     * free, the planner cut LeNet-5 at 2^15 into 2^14 + 2^13 + 2^11 (4.8-5.5 s of rounds, 2026-12-06), where one 2^15
     * proof took 4.183 s.
     */
    static final long SEGMENT_ROWS = 1L << 12;

    /** How many more parts than the fewest that fit the planner tries, for a smaller sum of padded heights. */
    static final int EXTRA_PARTS = 4;

    /**
     * What a part takes of one tensor: pieces [p0, p1) of it (as its producer gives it), elements [from, to).
     */
    record Take(int tensor, int p0, int p1, int from, int to) {
    }

    /**
     * Chooses, layer by layer in order (a consumer's pieces follow its producers' choices), which layers are split
     * and which element-wise layers are fused into their parts. A layer that does not fit alone is split (with the
     * element-wise layers after it fused in when that is cheaper than leaving them to segments of their own); a layer
     * that fits alone, but not together with its element-wise followers, is split with them fused in only when that
     * is cheaper than the layer and its followers each alone. A layer that fits with its followers is left to the
     * dynamic programme, which may join it with more (this choice is the planner's estimate, not an optimum).
     */
    private static void decideUnits(Graph g, int logBudget) {
        int nl = g.nl;
        for (int a = 0; a < nl; a++) {
            int e = g.fusableEnd(a);
            boolean fits = g.rangeLogN(a, a + 1, g.layers.get(a).tables()) <= logBudget;
            if (fits && (e == a + 1 || g.rangeLogN(a, e, g.tables(a, e)) <= logBudget)) {
                // the layer and its followers fit one segment: the dynamic programme joins them (and maybe more)
                continue;
            }
            long[] alone = new long[e - a];
            for (int j = a; j < e; j++) {
                alone[j - a] = aloneCost(g, j, logBudget);
            }
            long bestCost = fits ? sum(alone, 0, alone.length) : Long.MAX_VALUE;
            int bestEnd = -1;
            long[] bestSplit = null;
            for (int b = a + 1; b <= e; b++) {
                long[] sp = trySplit(g, a, b, logBudget);
                long rest = sum(alone, b - a, alone.length);
                // among splits, a tie goes to the one fusing more followers: fewer tensors cross, fewer link rows
                if (sp != null && rest < Long.MAX_VALUE && (sp[1] + rest < bestCost
                        || (bestSplit != null && sp[1] + rest == bestCost))) {
                    bestCost = sp[1] + rest;
                    bestEnd = b;
                    bestSplit = sp;
                }
            }
            if (bestSplit != null) {
                g.parts[a] = (int) bestSplit[0];
                g.splitCost[a] = bestSplit[1];
                g.unitEnd[a] = bestEnd;
                for (int j = a + 1; j < bestEnd; j++) {
                    g.unitStart[j] = a;
                }
                a = bestEnd - 1;
            } else if (!fits) {
                throw refuse(g, a, logBudget);
            }
        }
    }

    /** A layer alone: its padded height, or its cheapest split's; Long.MAX_VALUE when neither fits. */
    private static long aloneCost(Graph g, int j, int logBudget) {
        int logN = g.rangeLogN(j, j + 1, g.layers.get(j).tables());
        if (logN <= logBudget) {
            return (1L << logN) + SEGMENT_ROWS;
        }
        long[] sp = trySplit(g, j, j + 1, logBudget);
        return sp == null ? Long.MAX_VALUE : sp[1];
    }

    /** {@link Graph#bestSplit}, or null when the unit's steps cannot be restricted to a range of outputs. */
    private static long[] trySplit(Graph g, int a, int b, int logBudget) {
        try {
            return g.bestSplit(a, b, logBudget);
        } catch (CompileException e) {
            return null;
        }
    }

    private static long sum(long[] v, int from, int to) {
        long s = 0;
        for (int i = from; i < to; i++) {
            if (v[i] == Long.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
            s += v[i];
        }
        return s;
    }

    /**
     * Adds a layer's lookup tables to a segment's. Two layers can use a table of one name at different sizes (both
     * LayerNorms' rsqrt of the attention sample: 398 and 2,304 rows, from their inputs' ranges); the segment's circuit
     * holds one table of that name, the larger. (A plain putAll kept whichever came last: the planner, adding layers
     * backwards, priced the attention sample's tail at 2^12 when it lays out at 2^13.)
     */
    static void addTables(Map<String, Integer> into, Map<String, Integer> layer) {
        for (Map.Entry<String, Integer> t : layer.entrySet()) {
            into.merge(t.getKey(), t.getValue(), Math::max);
        }
    }

    /** The first output of part q of k of a layer with n outputs: the outputs are shared out evenly. */
    static int partFrom(int n, int q, int k) {
        return (int) ((long) n * q / k);
    }

    /**
     * One budget's plan, priced by the cost model with every segment counted: its exact circuit shape, as it will be
     * proved.
     *
     * @param logBudget     the budget, 2^logBudget rows per segment
     * @param counted       the plan {@link #plan} makes at it, each segment counted ({@link #counted})
     * @param proveSeconds  the prover rounds of every segment, as predicted
     * @param keygenSeconds the keygens of every segment ({@link CostModel#keygenSeconds})
     * @param heapBytes     the heap above the baseline predicted for its widest segment at the budget
     */
    public record PricedPlan(int logBudget, Counted counted, double proveSeconds, double keygenSeconds,
                             long heapBytes) {
        public double seconds() {
            return proveSeconds + keygenSeconds;
        }

        public SegmentPlan plan() {
            return counted.plan();
        }
    }

    /**
     * What {@code --max-rows auto} chose, and the budgets it weighed, smallest first.
     *
     * @param allowedBytes the heap a segment may take: 3/4 of what was free
     */
    public record BudgetChoice(int logBudget, List<PricedPlan> candidates, long allowedBytes) {
        public BudgetChoice {
            candidates = List.copyOf(candidates);
        }

        public PricedPlan chosen() {
            for (PricedPlan p : candidates) {
                if (p.logBudget() == logBudget) {
                    return p;
                }
            }
            throw new IllegalStateException("2^" + logBudget + " is not among the candidates");
        }

        /** "2^15: 88.0 s in 21 segments, 2^16: 89.1 s in 11 (chosen), ..." */
        public String describe() {
            StringBuilder b = new StringBuilder();
            for (PricedPlan p : candidates) {
                b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "2^%d: %.1f s in %d segment%s%s",
                        p.logBudget(), p.seconds(), p.plan().count(), p.plan().count() == 1 ? "" : "s",
                        p.logBudget() == logBudget ? " (chosen)" : ""));
            }
            return b.toString();
        }
    }

    /**
     * A plan within {@code TIME_TOLERANCE} of the fastest one is as good as it, within what the cost model can tell
     * apart: the budget chosen is the largest such one (fewer segments: fewer links, a smaller bundle, a faster
     * verify).
     */
    static final double TIME_TOLERANCE = 0.05;

    /**
     * The budget {@code --max-rows auto} takes: among the budgets whose segments the cost model predicts to fit in 3/4
     * of {@code heapBytes} ({@link #predictedHeap}), the one whose plan it predicts fastest, prover rounds and keygens
     * of every segment counted at its exact shape ({@link #count}). Padded rows are not time: ResNet-8's plans at 2^15,
     * 2^16 and 2^17 are 492,544, 491,520 and 393,216 padded rows, and 2^17 is the slowest of the three (its 2^17
     * segments are wide; measured 2026-12-06: 73 s, 69 s and 101 s of rounds). Budgets are weighed from the largest
     * that fits down to the first whose plan is predicted to take twice the fastest so far; of budgets whose plan is
     * one segment (the same plan), only the smallest is weighed. A machine too small for any is refused with the
     * figures.
     */
    public static BudgetChoice chooseBudget(Measured m, CostModel cost, ProofParameters params, long heapBytes) {
        int largest = budgetFromHeap(m, cost, heapBytes);
        List<PricedPlan> candidates = new ArrayList<>();
        double fastest = Double.POSITIVE_INFINITY;
        // From the largest budget down; below the point where a plan costs twice the fastest so far, smaller budgets
        // only add segments (ResNet-8: 2^12 is 5x 2^15; MobileNetV2 at 2^13 is 300 segments)
        for (int k = largest; k >= MIN_LOG_BUDGET; k--) {
            Counted counted;
            try {
                counted = counted(m, k);
            } catch (CompileException e) {
                continue; // a layer needs more than 2^k rows even split, or no plan lays out within 2^k
            }
            SegmentPlan plan = counted.plan();
            double prove = 0;
            double keygen = 0;
            for (dev.zkscope.plonk.ConstraintSystem cs : counted.segments()) {
                ProofShape shape = ProofShape.of(cs, params);
                prove += cost.predict(shape).proveSeconds();
                keygen += cost.keygenSeconds(shape);
            }
            PricedPlan p = new PricedPlan(k, counted, prove, keygen, predictedHeap(m, cost, k));
            if (plan.count() == 1 && !candidates.isEmpty() && candidates.get(0).plan().count() == 1) {
                candidates.set(0, p); // the same one-segment plan: only the smallest budget that makes it is weighed
            } else {
                candidates.add(0, p);
            }
            fastest = Math.min(fastest, p.seconds());
            if (p.seconds() > 2 * fastest) {
                break;
            }
        }
        if (candidates.isEmpty()) {
            // budgetFromHeap found a budget that fits; the planner refuses every one up to it: its reason is the user's
            plan(m, largest);
            throw new IllegalStateException("no budget up to 2^" + largest + " could be planned");
        }
        return new BudgetChoice(pick(candidates), candidates, heapBytes * 3 / 4);
    }

    /** The largest budget whose plan is within {@link #TIME_TOLERANCE} of the fastest. */
    static int pick(List<PricedPlan> candidates) {
        double fastest = candidates.stream().mapToDouble(PricedPlan::seconds).min().orElseThrow();
        int chosen = -1;
        for (PricedPlan p : candidates) {
            if (p.seconds() <= fastest * (1 + TIME_TOLERANCE) && p.logBudget() > chosen) {
                chosen = p.logBudget();
            }
        }
        return chosen;
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
        return cost.predict(widest.atHeight(logN)).heapBytesAboveBaseline();
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
            QModel q = LayerSplit.partModel(model, bounds, s, segmentName(plan, i));
            groups(q, plan, i);
            return q;
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
        QModel q = model.slice(segmentName(plan, i), s.fromStep(), s.toStep(), inputs, inBounds, outputs, params);
        groups(q, plan, i);
        return q;
    }

    /** Sets a segment model's hash groups: one per piece it takes, one per tensor it gives (not at the model's ends). */
    static void groups(QModel q, SegmentPlan plan, int i) {
        SegmentPlan.Segment s = plan.segment(i);
        q.hashGroups(i == 0 ? null : s.site().inSizes(), i == plan.count() - 1 ? null : s.site().outSizes());
    }

    private static CompiledModel compileOrCount(QModel model, long[] bounds, SegmentPlan plan, int i,
                                                CompileOptions base, boolean counting) {
        SegmentPlan.Segment s = plan.segment(i);
        CompileOptions o = base
                .withInput(i == 0 ? base.input() : CompileOptions.Visibility.LINKED)
                .withOutput(i == plan.count() - 1 ? base.output() : CompileOptions.Visibility.LINKED)
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
