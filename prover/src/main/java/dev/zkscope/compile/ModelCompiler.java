package dev.zkscope.compile;

import dev.zkscope.circuit.Cell;
import dev.zkscope.compile.gadget.InputGadget;
import dev.zkscope.compile.gadget.LinkGadget;
import dev.zkscope.compile.gadget.Poseidon2Gadget;
import dev.zkscope.hash.Poseidon2;
import dev.zkscope.compile.model.Lowerer;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Step;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a quantized model to a Plonkish circuit: each step of the layer IR is placed as gadgets on the trace, layer
 * by layer in graph order, the output is copied to the instance column, and the layout picks the trace height. With
 * hashed visibility a Poseidon2 sponge ({@link Poseidon2Gadget}) absorbs a private salt and the weights (or input,
 * or output), each hash a ledger layer of its own ("hash weights", "hash input", "hash output"), and its digest goes
 * to the instance column after the public input and output.
 */
public final class ModelCompiler {
    private ModelCompiler() {}

    /**
     * Compiles a quantized ONNX graph: lowers it to the layer IR following the quantized evaluator's integer semantics,
     * then places it. Value bounds start from {@link CompileOptions#inputAbsMax()}.
     */
    public static CompiledModel compile(dev.zkscope.quant.QuantizedGraph graph, CompileOptions options) {
        return compile(QuantizedLowering.lower(graph, options.inputAbsMax()), options);
    }

    /** The layer IR of a quantized graph (what {@link #compile(dev.zkscope.quant.QuantizedGraph, CompileOptions)} places). */
    public static QModel lower(dev.zkscope.quant.QuantizedGraph graph, CompileOptions options) {
        return QuantizedLowering.lower(graph, options.inputAbsMax());
    }

    /**
     * Counts a quantized ONNX graph: the same lowering and placement as {@link #compile(dev.zkscope.quant.QuantizedGraph,
     * CompileOptions)} in a counting layout ({@link TraceLayout#counting}), which keeps no trace, fixed values or copies. The
     * ledger is the compiled circuit's, exactly; {@link CompiledModel#circuit()} and the witness are not available.
     */
    public static CompiledModel count(dev.zkscope.quant.QuantizedGraph graph, CompileOptions options) {
        return count(QuantizedLowering.lower(graph, options.inputAbsMax()), options);
    }

    /** {@link #count(dev.zkscope.quant.QuantizedGraph, CompileOptions)} of a model already in the layer IR. */
    public static CompiledModel count(QModel model, CompileOptions options) {
        Analysis an = new Analysis(model);
        Choice c = choose(an, options);
        // the search has already counted the chosen width: the same placement, so the same ledger
        return c.counted() != null ? c.counted() : place(an, options.withInnerCols(c.innerCols()), true);
    }

    /** Inner-column counts tried when {@link CompileOptions#innerCols()} is {@link CompileOptions#AUTO}. */
    static final int[] INNER_COLS_CANDIDATES = {4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 64};

    /**
     * Compiles a model already in the layer IR. With innerCols = AUTO, picks the fewest inner columns that reach the
     * smallest trace height any candidate reaches: the prover's work grows with rows times committed columns, and the
     * height only falls as columns grow (dot rows shrink, no other gadget grows). The search counts (a counting layout
     * per candidate); only the chosen width is placed in full.
     */
    public static CompiledModel compile(QModel model, CompileOptions options) {
        Analysis an = new Analysis(model);
        return place(an, options.withInnerCols(choose(an, options).innerCols()), false);
    }

    /** The inner columns {@code options} ask for, or with AUTO the search's choice (see {@link #compile(QModel, CompileOptions)}). */
    public static int chooseInnerCols(QModel model, CompileOptions options) {
        return options.innerCols() != CompileOptions.AUTO ? options.innerCols()
                : choose(new Analysis(model), options).innerCols();
    }

    /** The inner columns chosen, and the counting placement at that width when the search made one (else null). */
    private record Choice(int innerCols, CompiledModel counted) {
    }

    private static Choice choose(Analysis model, CompileOptions options) {
        if (options.innerCols() != CompileOptions.AUTO) {
            return new Choice(options.innerCols(), null);
        }
        int[] cands = INNER_COLS_CANDIDATES;
        CompiledModel widest = place(model, options.withInnerCols(cands[cands.length - 1]), true);
        int target = widest.ledger().logN();
        long otherRows = rowsOutsideDots(model.model, widest);
        int lo = 0;
        int hi = cands.length - 1;
        int best = cands[cands.length - 1];
        CompiledModel bestCounted = widest;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (dotRowsAtLeast(model.model, cands[mid]) + otherRows + options.reservedRows() > (1L << target)) {
                // the dot products (their kept terms known from the placements so far) and the other gadgets (at
                // least their rows at the widest candidate) overflow the target height: the candidate's trace is
                // taller, as placing it would show
                lo = mid + 1;
                continue;
            }
            CompiledModel cm;
            try {
                cm = place(model, options.withInnerCols(cands[mid]), true);
            } catch (CompileException e) {
                lo = mid + 1;
                continue;
            }
            if (cm.ledger().logN() <= target) {
                best = cands[mid];
                bestCounted = cm;
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return new Choice(best, bestCounted);
    }

    /**
     * A lower bound on the gadget rows at {@code innerCols}: the rows of the dot products whose kept terms an earlier
     * counting placement of this model computed (0 for the others; every other gadget only adds rows).
     */
    private static long dotRowsAtLeast(QModel model, int innerCols) {
        long rows = 0;
        for (Step s : model.steps()) {
            if (s instanceof dev.zkscope.compile.model.Steps.Dot d) {
                rows += Math.max(0, d.countedRows(model, innerCols));
            }
        }
        return rows;
    }

    /**
     * The rows of a placement outside its dot-product steps (element-wise gadgets, sums, inputs, constants, hashes): a
     * lower bound on those rows at any narrower width, since none of them grows when the inner columns shrink (packed
     * lanes and slots only get fewer per row, sums and constant rows more).
     */
    private static long rowsOutsideDots(QModel model, CompiledModel placed) {
        List<Step> steps = model.steps();
        long rows = 0;
        for (TraceLayout.Placement p : placed.layout().placements()) {
            if (p.step() < 0 || !(steps.get(p.step()) instanceof dev.zkscope.compile.model.Steps.Dot)) {
                rows += p.rows();
            }
        }
        return rows;
    }

    /** Ledger layers of the hashes (op "Poseidon2"). */
    public static final String HASH_WEIGHTS = "hash weights";
    public static final String HASH_INPUT = "hash input";
    public static final String HASH_OUTPUT = "hash output";
    /** Ledger layers of a segment's linked input and output groups ({@link LinkGadget}). */
    public static final String LINK_INPUT = "link input";
    public static final String LINK_OUTPUT = "link output";

    /**
     * What placement reads of a model whatever the inner columns: value bounds, the widest range check, whether two
     * activations are multiplied, and each step's work. Each of these passes over every term of every dot product, so
     * the inner-column search computes them once.
     */
    private static final class Analysis {
        final QModel model;
        final long[] bounds;
        final int bits;
        final String widest;
        final boolean activationProducts;
        final Step.Work[] work;

        Analysis(QModel model) {
            this.model = model;
            this.bounds = model.bounds();
            int bits = 0;
            String widest = null;
            for (Step s : model.steps()) {
                int b = s.rangeBits(bounds);
                if (b > bits) {
                    bits = b;
                    widest = s.layer();
                }
            }
            this.bits = bits;
            this.widest = widest;
            this.activationProducts = model.hasActivationProducts();
            List<Step> steps = model.steps();
            this.work = new Step.Work[steps.size()];
            for (int i = 0; i < work.length; i++) {
                work[i] = steps.get(i).work(model, bounds);
            }
        }

        private int[][] releasedAfter;

        /**
         * Per step, the tensors whose cells no later step reads (not the model's outputs; a step output that nothing
         * reads goes after its own step), computed once: what a counting placement may drop after that step.
         */
        int[][] releasedAfter() {
            if (releasedAfter == null) {
                int[] last = dev.zkscope.compile.model.StepOperands.lastReads(model);
                List<Step> steps = model.steps();
                for (int i = 0; i < steps.size(); i++) {
                    // a step output no step reads is not needed past its own step
                    int t = steps.get(i).out();
                    if (last[t] < 0) {
                        last[t] = i;
                    }
                }
                for (int t : model.outputTensors()) {
                    last[t] = -1;
                }
                int n = model.steps().size();
                int[] count = new int[n];
                for (int l : last) {
                    if (l >= 0) {
                        count[l]++;
                    }
                }
                int[][] out = new int[n][];
                for (int i = 0; i < n; i++) {
                    out[i] = new int[count[i]];
                }
                int[] fill = new int[n];
                for (int t = 0; t < last.length; t++) {
                    if (last[t] >= 0) {
                        out[last[t]][fill[last[t]]++] = t;
                    }
                }
                releasedAfter = out;
            }
            return releasedAfter;
        }
    }

    private static CompiledModel place(QModel model, CompileOptions options, boolean counting) {
        return place(new Analysis(model), options, counting);
    }

    private static CompiledModel place(Analysis an, CompileOptions options, boolean counting) {
        QModel model = an.model;
        boolean hashedWeights = options.weights() == CompileOptions.Visibility.HASHED;
        boolean adviceWeights = hashedWeights || an.activationProducts;
        long[] bounds = an.bounds;
        int bits = an.bits;
        String widest = an.widest;
        int halfLimbs = Math.max(options.rangeCols() / 2, (bits + options.limbBits() - 1) / options.limbBits());
        if (2 * halfLimbs > 16) {
            throw new CompileException("layer " + widest + " needs a " + bits + "-bit range check, more than 8 limbs of "
                    + options.limbBits() + " bits: raise limbBits or narrow inputAbsMax");
        }
        Geometry geo = new Geometry(options.innerCols(), adviceWeights, 2 * halfLimbs, options.limbBits(),
                options.fnLanes(), options.hashing());
        TraceLayout layout = counting ? TraceLayout.counting(geo) : new TraceLayout(geo);
        Cell[][] cells = new Cell[model.tensorCount()][];
        Hashes hashes = new Hashes();

        layout.beginLayer("input", "Input");
        int inSize = model.inputSize();
        Cell[] inputCells;
        if (options.input() == CompileOptions.Visibility.PUBLIC) {
            inputCells = InputGadget.placePublic(layout, inSize);
        } else if (options.input() == CompileOptions.Visibility.HASHED) {
            layout.beginLayer(HASH_INPUT, "Poseidon2");
            inputCells = joinGroups(groupsOf(model.inputGroups(), inSize, "input"), inSize, g -> {
                Poseidon2Gadget.Hashed h = Poseidon2Gadget.place(layout, Poseidon2.DOMAIN_INPUT, Salts.LENGTH, g);
                hashes.inputs.add(h);
                return h.message();
            });
        } else if (options.input() == CompileOptions.Visibility.LINKED) {
            layout.beginLayer(LINK_INPUT, "Fingerprint");
            inputCells = joinGroups(groupsOf(model.inputGroups(), inSize, "input"), inSize, g -> {
                LinkGadget.Linked h = LinkGadget.place(layout, g, null);
                hashes.inputLinks.add(h);
                return h.values();
            });
        } else {
            inputCells = InputGadget.placePrivate(layout, inSize, "input");
        }
        int inOff = 0;
        for (int t : model.inputTensors()) {
            cells[t] = java.util.Arrays.copyOfRange(inputCells, inOff, inOff + model.size(t));
            inOff += model.size(t);
        }

        if (hashedWeights) {
            // Every parameter tensor, in tensor order, is absorbed; the absorbed cells are the weights' cells.
            layout.beginLayer(HASH_WEIGHTS, "Poseidon2");
            long[] values = weightsMessage(model);
            hashes.weights = Poseidon2Gadget.placeValues(layout, Poseidon2.DOMAIN_WEIGHTS, Salts.LENGTH, values);
            int off = 0;
            for (int t = 0; t < model.tensorCount(); t++) {
                if (model.isParam(t)) {
                    cells[t] = java.util.Arrays.copyOfRange(hashes.weights.message(), off, off + model.size(t));
                    off += model.size(t);
                }
            }
        }

        Lowerer lw = new Lowerer(layout, model, cells, bounds, hashedWeights);
        Map<String, LayerAcc> acc = new LinkedHashMap<>();
        // Counting keeps only what later steps read: a tensor's cells go after the last step that reads them (the
        // outputs' stay for the public output), so memory follows the live activations, not the whole model.
        int[][] released = counting ? an.releasedAfter() : null;
        // activation cells held (inputs, hashed weights, step outputs; not parameters placed on demand)
        boolean[] tracked = new boolean[cells.length];
        long live = 0;
        for (int t = 0; t < cells.length; t++) {
            tracked[t] = cells[t] != null;
            live += cells[t] == null ? 0 : cells[t].length;
        }
        long peak = live;
        int stepIndex = 0;
        for (Step s : model.steps()) {
            layout.beginLayer(s.layer(), s.op());
            layout.beginStep(stepIndex++);
            Cell[] before = cells[s.out()];
            cells[s.out()] = s.lower(lw);
            Step.Work w = an.work[stepIndex - 1];
            acc.computeIfAbsent(s.layer(), k -> new LayerAcc(s.layer(), s.op())).add(w, s.size());
            if (released != null) {
                live += cells[s.out()].length - (tracked[s.out()] && before != null ? before.length : 0);
                tracked[s.out()] = true;
                peak = Math.max(peak, live);
                for (int t : released[stepIndex - 1]) {
                    live -= tracked[t] && cells[t] != null ? cells[t].length : 0;
                    cells[t] = null;
                }
            }
        }

        layout.beginStep(-1);
        layout.beginLayer("output", "Output");
        List<Cell> outList = new ArrayList<>();
        for (int t : model.outputTensors()) {
            outList.addAll(java.util.Arrays.asList(cells[t]));
        }
        Cell[] outCells = outList.toArray(new Cell[0]);
        if (options.output() == CompileOptions.Visibility.HASHED) {
            layout.beginLayer(HASH_OUTPUT, "Poseidon2");
            for (Cell[] group : splitGroups(groupsOf(model.outputGroups(), outCells.length, "output"), outCells)) {
                hashes.outputs.add(Poseidon2Gadget.placeOver(layout, Poseidon2.DOMAIN_OUTPUT, Salts.LENGTH, group));
            }
        } else if (options.output() == CompileOptions.Visibility.LINKED) {
            layout.beginLayer(LINK_OUTPUT, "Fingerprint");
            for (Cell[] group : splitGroups(groupsOf(model.outputGroups(), outCells.length, "output"), outCells)) {
                hashes.outputLinks.add(LinkGadget.place(layout, group.length, group));
            }
        } else {
            publish(layout, outCells);
        }
        // The digests follow the public input and output in the instance column: weights, input, output.
        if (hashes.weights != null) {
            layout.beginLayer(HASH_WEIGHTS, "Poseidon2");
            publish(layout, hashes.weights.digest());
        }
        publishEach(layout, HASH_INPUT, "Poseidon2", hashes.inputs.stream().map(Poseidon2Gadget.Hashed::digest));
        publishEach(layout, HASH_OUTPUT, "Poseidon2", hashes.outputs.stream().map(Poseidon2Gadget.Hashed::digest));
        // Then the link challenge gamma (two cells, copied to every group's first row) and the groups' fingerprints.
        if (!hashes.inputLinks.isEmpty() || !hashes.outputLinks.isEmpty()) {
            layout.beginLayer(hashes.inputLinks.isEmpty() ? LINK_OUTPUT : LINK_INPUT, "Fingerprint");
            hashes.gamma = InputGadget.placePublic(layout, 2);
            for (List<LinkGadget.Linked> ls : List.of(hashes.inputLinks, hashes.outputLinks)) {
                for (LinkGadget.Linked h : ls) {
                    layout.copy(hashes.gamma[0], h.gamma()[0]);
                    layout.copy(hashes.gamma[1], h.gamma()[1]);
                }
            }
        }
        publishEach(layout, LINK_INPUT, "Fingerprint", hashes.inputLinks.stream().map(LinkGadget.Linked::result));
        publishEach(layout, LINK_OUTPUT, "Fingerprint", hashes.outputLinks.stream().map(LinkGadget.Linked::result));

        TraceLayout.Built built = layout.build(model.name(), options.reservedRows(), options.minLogN(), options.maxLogN());
        List<LayerInfo> infos = new ArrayList<>();
        for (LayerAcc a : acc.values()) {
            infos.add(new LayerInfo(a.layer, a.op, a.steps, a.outputs, a.work));
        }
        CompiledModel cm = new CompiledModel(model, options, layout, built, infos, inputCells, outCells,
                counting ? null : cells, hashes.weights, hashes.inputs, hashes.outputs, hashes.inputLinks,
                hashes.outputLinks, hashes.gamma);
        return counting ? cm.withPeakLiveCells(peak) : cm;
    }

    /**
     * The message that hashed weights absorb (after the salt): every parameter tensor of the layer IR, in tensor
     * order, each row-major, as signed integers at the parameter scale. {@code zkscope commit} hashes this natively.
     */
    public static long[] weightsMessage(QModel model) {
        long total = 0;
        for (int t = 0; t < model.tensorCount(); t++) {
            if (model.isParam(t)) {
                total += model.size(t);
            }
        }
        if (total > Integer.MAX_VALUE - 64) {
            throw new CompileException("model " + model.name() + " has " + total + " parameters, too many to hash");
        }
        long[] values = new long[(int) total];
        int off = 0;
        for (int t = 0; t < model.tensorCount(); t++) {
            if (model.isParam(t)) {
                long[] v = model.param(t);
                System.arraycopy(v, 0, values, off, v.length);
                off += v.length;
            }
        }
        return values;
    }

    /** The weights commitment that a circuit with hashed weights publishes for {@code salt}, computed natively. */
    public static long[] weightsCommitment(QModel model, long[] salt) {
        long[] m = weightsMessage(model);
        for (int i = 0; i < m.length; i++) {
            m[i] = dev.zkscope.field.Goldilocks.fromSigned(m[i]);
        }
        return Poseidon2.hash(Poseidon2.DOMAIN_WEIGHTS, salt, m);
    }

    /** Publishes each group of cells in order, charged to {@code layer}. */
    private static void publishEach(TraceLayout layout, String layer, String op, java.util.stream.Stream<Cell[]> groups) {
        groups.forEach(cells -> {
            layout.beginLayer(layer, op);
            publish(layout, cells);
        });
    }

    /** Copies cells into fresh instance cells, in order. */
    private static void publish(TraceLayout layout, Cell[] cells) {
        Cell[] pub = InputGadget.placePublic(layout, cells.length);
        for (int i = 0; i < cells.length; i++) {
            layout.copy(cells[i], pub[i]);
        }
        layout.filler(t -> {
            for (int i = 0; i < cells.length; i++) {
                t.set(pub[i], t.get(cells[i]));
            }
        });
    }

    private static final class Hashes {
        Poseidon2Gadget.Hashed weights;
        final List<Poseidon2Gadget.Hashed> inputs = new ArrayList<>();
        final List<Poseidon2Gadget.Hashed> outputs = new ArrayList<>();
        final List<LinkGadget.Linked> inputLinks = new ArrayList<>();
        final List<LinkGadget.Linked> outputLinks = new ArrayList<>();
        Cell[] gamma;
    }

    /** The input's cells: one gadget placed per group, its first g value cells taken in order. */
    private static Cell[] joinGroups(int[] groups, int n, java.util.function.IntFunction<Cell[]> place) {
        Cell[] out = new Cell[n];
        int at = 0;
        for (int g : groups) {
            System.arraycopy(place.apply(g), 0, out, at, g);
            at += g;
        }
        return out;
    }

    /** The output's cells cut into its groups, in order. */
    private static List<Cell[]> splitGroups(int[] groups, Cell[] cells) {
        List<Cell[]> out = new ArrayList<>();
        int at = 0;
        for (int g : groups) {
            out.add(java.util.Arrays.copyOfRange(cells, at, at + g));
            at += g;
        }
        return out;
    }

    /** The hash groups of a hashed input or output ({@link QModel#hashGroups}): one group of n when none are set. */
    private static int[] groupsOf(int[] groups, int n, String what) {
        if (groups == null) {
            return new int[] {n};
        }
        long sum = 0;
        for (int g : groups) {
            if (g < 1) {
                throw new CompileException("a hashed " + what + " group is empty");
            }
            sum += g;
        }
        if (sum != n) {
            throw new CompileException("the hashed " + what + "'s groups cover " + sum + " of its " + n + " values");
        }
        return groups;
    }

    private static final class LayerAcc {
        final String layer;
        final String op;
        int steps;
        int outputs;
        Step.Work work = Step.Work.zero();

        LayerAcc(String layer, String op) {
            this.layer = layer;
            this.op = op;
        }

        void add(Step.Work w, int size) {
            steps++;
            outputs = size;
            work = work.plus(w);
        }
    }
}
