package dev.zkscope.compile;

import dev.zkscope.circuit.Cell;
import dev.zkscope.compile.gadget.InputGadget;
import dev.zkscope.compile.model.Lowerer;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Step;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a quantized model to a Plonkish circuit: each step of the layer IR is placed as gadgets on the trace, layer
 * by layer in graph order, the output is copied to the instance column, and the layout picks the trace height.
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

    /** Inner-column counts tried when {@link CompileOptions#innerCols()} is {@link CompileOptions#AUTO}. */
    static final int[] INNER_COLS_CANDIDATES = {4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 64};

    /**
     * Compiles a model already in the layer IR. With innerCols = AUTO, picks the fewest inner columns that reach the
     * smallest trace height any candidate reaches: the prover's work grows with rows times committed columns, and the
     * height only falls as columns grow (dot rows shrink, no other gadget grows).
     */
    public static CompiledModel compile(QModel model, CompileOptions options) {
        if (options.innerCols() != CompileOptions.AUTO) {
            return compileWith(model, options);
        }
        int[] cands = INNER_COLS_CANDIDATES;
        CompiledModel widest = compileWith(model, options.withInnerCols(cands[cands.length - 1]));
        int target = widest.circuit().logN();
        int lo = 0;
        int hi = cands.length - 1;
        CompiledModel best = widest;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            CompiledModel cm;
            try {
                cm = compileWith(model, options.withInnerCols(cands[mid]));
            } catch (CompileException e) {
                lo = mid + 1;
                continue;
            }
            if (cm.circuit().logN() <= target) {
                best = cm;
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return best;
    }

    /**
     * With private weights, the weights go to dedicated advice columns (committed apart by the proof system, see
     * {@link CompiledModel#weightColumns()}): a first layout without them gives the height the gadgets need, and as
     * many weight columns as fit the parameters into that height are added.
     */
    private static CompiledModel compileWith(QModel model, CompileOptions options) {
        if (options.weights() != CompileOptions.Visibility.PRIVATE || model.paramCount() == 0) {
            return place(model, options, 0, Integer.MAX_VALUE);
        }
        CompiledModel first = place(model, options, 0, Integer.MAX_VALUE);
        long weightRegionRows = 0;
        for (dev.zkscope.circuit.Region r : first.circuit().regions()) {
            if (r.gadget().equals("weights")) {
                weightRegionRows += r.rows();
            }
        }
        long rest = Math.max(Math.max(first.ledger().gadgetRows() - weightRegionRows, first.ledger().tableRows() + 1L),
                first.publicCount());
        int logN = 1;
        while ((1L << logN) < rest + options.reservedRows()) {
            logN++;
        }
        long usable = (1L << logN) - options.reservedRows();
        long params = model.paramCount();
        int cols = (int) Math.max(1, (params + usable - 1) / usable);
        int perColumn = (int) ((params + cols - 1) / cols);
        return place(model, options, cols, perColumn);
    }

    private static CompiledModel place(QModel model, CompileOptions options, int weightColumns, int weightRowsPerColumn) {
        boolean adviceWeights = options.weights() == CompileOptions.Visibility.PRIVATE || model.hasActivationProducts();
        long[] bounds = model.bounds();
        int bits = 0;
        String widest = null;
        for (Step s : model.steps()) {
            int b = s.rangeBits(bounds);
            if (b > bits) {
                bits = b;
                widest = s.layer();
            }
        }
        int halfLimbs = Math.max(options.rangeCols() / 2, (bits + options.limbBits() - 1) / options.limbBits());
        if (2 * halfLimbs > 16) {
            throw new CompileException("layer " + widest + " needs a " + bits + "-bit range check, more than 8 limbs of "
                    + options.limbBits() + " bits: raise limbBits or narrow inputAbsMax");
        }
        Geometry geo = new Geometry(options.innerCols(), adviceWeights, 2 * halfLimbs, options.limbBits(),
                options.fnLanes());
        Layout layout = new Layout(geo, weightColumns);
        Cell[][] cells = new Cell[model.tensorCount()][];

        layout.beginLayer("input", "Input");
        int inSize = model.inputSize();
        Cell[] inputCells = options.input() == CompileOptions.Visibility.PUBLIC
                ? InputGadget.placePublic(layout, inSize)
                : InputGadget.placePrivate(layout, inSize, "input");
        int inOff = 0;
        for (int t : model.inputTensors()) {
            cells[t] = java.util.Arrays.copyOfRange(inputCells, inOff, inOff + model.size(t));
            inOff += model.size(t);
        }

        Lowerer lw = new Lowerer(layout, model, cells, bounds, options.weights() == CompileOptions.Visibility.PRIVATE);
        lw.weightRowsPerColumn = weightRowsPerColumn;
        Map<String, LayerAcc> acc = new LinkedHashMap<>();
        for (Step s : model.steps()) {
            layout.beginLayer(s.layer(), s.op());
            cells[s.out()] = s.lower(lw);
            Step.Work w = s.work(model, bounds);
            acc.computeIfAbsent(s.layer(), k -> new LayerAcc(s.layer(), s.op())).add(w, s.size());
        }

        layout.beginLayer("output", "Output");
        List<Cell> outList = new ArrayList<>();
        for (int t : model.outputTensors()) {
            outList.addAll(java.util.Arrays.asList(cells[t]));
        }
        Cell[] outCells = outList.toArray(new Cell[0]);
        Cell[] pub = InputGadget.placePublic(layout, outCells.length);
        for (int i = 0; i < outCells.length; i++) {
            layout.copy(outCells[i], pub[i]);
        }
        layout.filler(t -> {
            for (int i = 0; i < outCells.length; i++) {
                t.set(pub[i], t.get(outCells[i]));
            }
        });

        Layout.Built built = layout.build(model.name(), options.reservedRows(), options.minLogN(), options.maxLogN());
        List<LayerInfo> infos = new ArrayList<>();
        for (LayerAcc a : acc.values()) {
            infos.add(new LayerInfo(a.layer, a.op, a.steps, a.outputs, a.work));
        }
        return new CompiledModel(model, options, layout, built, infos, inputCells, outCells, cells);
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
