package dev.zkscope.ops;

import dev.zkscope.compile.Lowerings;
import dev.zkscope.ir.Op;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.Quantizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The op registry: one entry per op kind of the IR ({@link Op}'s records), naming the ONNX op types that import as
 * it and, for every stage of the pipeline, where that stage's code for it lives. Each stage keeps a table keyed by
 * the op kind (the parser registry by ONNX type, {@link Quantizer}'s rules, {@link QuantizedEvaluator}'s kernels,
 * the compiler's lowerings) and refuses a kind it has no entry for by name; an unknown ONNX op imports as
 * {@link Op.Unsupported}, which every later stage refuses. {@link #missingStages} lists every op kind that lacks a
 * stage (a test keeps it empty).
 *
 * <p>Stages:
 * <ul>
 * <li>PARSER: {@code onnx.OpRegistry} (per family: math and activations, {@code NnParsers}, {@code ShapeParsers});</li>
 * <li>SHAPE and FLOAT: the op record's {@link Op#outputShapes} and {@link Op#eval} (the sealed interface makes them
 *     exhaustive; kernels in {@code ir.Kernels}, {@code ir.MatKernels}, {@code ir.Window});</li>
 * <li>QUANTIZE: {@link Quantizer} (constants by role, lookup tables, the fixed-point semantics);</li>
 * <li>QUANTIZED_KERNEL: {@link QuantizedEvaluator} (the integer semantics, the witness source);</li>
 * <li>LOWERING: {@code compile.QuantizedLowering} (steps of the layer IR, each placed by one gadget);</li>
 * <li>ESTIMATE: the steps' {@code Step.Work}, from which {@code compile.estimate.Estimates} derives R1CS, halo2 and
 *     sumcheck costs: every op with a lowering has an estimate.</li>
 * </ul>
 * Ops that are always folded at import (their value depends on static shapes only) need no quantize, kernel or
 * lowering stage; the quantizer names them if one ever reaches it.
 */
public final class OpRegistry {
    private OpRegistry() {}

    /** A stage of the pipeline that each op kind must have. */
    public enum Stage { PARSER, SHAPE, FLOAT, QUANTIZE, QUANTIZED_KERNEL, LOWERING, ESTIMATE }

    /**
     * One op kind: its record class, the ONNX op types that import as it, and whether it is always folded at import.
     */
    public record Entry(Class<? extends Op> op, List<String> onnxTypes, boolean foldedAtImport, String emittedBy) {
        /** An op kind that ONNX op types import as. */
        public Entry(Class<? extends Op> op, List<String> onnxTypes, boolean foldedAtImport) {
            this(op, onnxTypes, foldedAtImport, null);
        }

        public String name() {
            return op.getSimpleName();
        }

        /** Whether this op kind has no ONNX type of its own: only the rewrites named by {@link #emittedBy} make it. */
        public boolean internal() {
            return emittedBy != null;
        }
    }

    /** What each stage handles: the stage tables as predicates, replaceable in tests. */
    public record StageTables(Set<String> parsers, java.util.function.Predicate<Class<? extends Op>> quantize,
                              java.util.function.Predicate<Class<? extends Op>> kernel,
                              java.util.function.Predicate<Class<? extends Op>> lowering) {
        /** The tables of this build. */
        public static StageTables current() {
            return new StageTables(OnnxImporter.supportedOps(), Quantizer::hasRule, QuantizedEvaluator::hasKernel,
                    Lowerings::has);
        }
    }

    private static final List<Entry> ENTRIES = List.of(
            e(Op.Gemm.class, "Gemm"),
            e(Op.MatMul.class, "MatMul"),
            e(Op.Binary.class, "Add", "Sub", "Mul", "Div", "Max", "Min", "Pow"),
            e(Op.Unary.class, "Neg", "Abs", "Exp", "Log", "Sqrt", "Reciprocal", "Erf", "Relu", "Sigmoid", "Tanh",
                    "LeakyRelu", "HardSigmoid", "HardSwish", "Gelu", "Clip", "Pow", "Floor", "Ceil", "Round", "Softplus",
                    "Elu", "Selu", "Celu", "Mish", "Sin", "Cos"),
            e(Op.PRelu.class, "PRelu"),
            e(Op.Conv.class, "Conv"),
            e(Op.Pool.class, "MaxPool", "AveragePool"),
            e(Op.Softmax.class, "Softmax"),
            e(Op.BatchNorm.class, "BatchNormalization"),
            e(Op.LayerNorm.class, "LayerNormalization"),
            e(Op.Reduce.class, "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceL1", "ReduceL2",
                    "ReduceSumSquare", "ReduceLogSumExp", "GlobalAveragePool", "GlobalMaxPool"),
            e(Op.Reshape.class, "Reshape", "Flatten", "Squeeze", "Unsqueeze"),
            e(Op.Transpose.class, "Transpose"),
            e(Op.Concat.class, "Concat"),
            e(Op.Slice.class, "Slice"),
            e(Op.Split.class, "Split"),
            e(Op.Pad.class, "Pad"),
            e(Op.Identity.class, "Identity", "Dropout"),
            e(Op.Cast.class, "Cast"),
            e(Op.Gather.class, "Gather"),
            e(Op.Compare.class, "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"),
            e(Op.Not.class, "Not"),
            e(Op.Logical.class, "And", "Or", "Xor"),
            e(Op.Where.class, "Where"),
            e(Op.Expand.class, "Expand"),
            e(Op.Trilu.class, "Trilu"),
            e(Op.SpaceDepth.class, "DepthToSpace", "SpaceToDepth"),
            e(Op.Tile.class, "Tile"),
            e(Op.CumSum.class, "CumSum"),
            e(Op.ConvTranspose.class, "ConvTranspose"),
            e(Op.Einsum.class, "Einsum"),
            e(Op.Resize.class, "Resize", "Upsample"),
            e(Op.ArgExtreme.class, "ArgMax", "ArgMin"),
            e(Op.LogSoftmax.class, "LogSoftmax"),
            e(Op.GroupNorm.class, "InstanceNormalization", "GroupNormalization"),
            e(Op.Mod.class, "Mod"),
            new Entry(Op.IndexCheck.class, List.of(), false, "the GatherElements rewrite (run-time indices)"),
            folded(Op.Range.class, "Range"),
            folded(Op.ShapeOf.class, "Shape"),
            folded(Op.ConstantOfShape.class, "ConstantOfShape"));

    private static Entry e(Class<? extends Op> op, String... types) {
        return new Entry(op, List.of(types), false);
    }

    private static Entry folded(Class<? extends Op> op, String... types) {
        return new Entry(op, List.of(types), true);
    }

    /** Every op kind, in a stable order. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /** The entry of an op kind, or null. */
    public static Entry entry(Class<? extends Op> op) {
        for (Entry e : ENTRIES) {
            if (e.op() == op) {
                return e;
            }
        }
        return null;
    }

    /** The stages that op kind {@code e} has under {@code t}. */
    public static Set<Stage> stages(Entry e, StageTables t) {
        Set<Stage> s = EnumSet.of(Stage.SHAPE, Stage.FLOAT);
        if (e.internal() || !e.onnxTypes().isEmpty() && t.parsers().containsAll(e.onnxTypes())) {
            s.add(Stage.PARSER);
        }
        if (e.foldedAtImport() || t.quantize().test(e.op())) {
            s.add(Stage.QUANTIZE);
        }
        if (e.foldedAtImport() || t.kernel().test(e.op())) {
            s.add(Stage.QUANTIZED_KERNEL);
        }
        if (e.foldedAtImport() || t.lowering().test(e.op())) {
            s.add(Stage.LOWERING);
            s.add(Stage.ESTIMATE);
        }
        return s;
    }

    /**
     * Every gap, by name: "Where: no LOWERING" for an op kind lacking a stage, "Op.X: not in the registry" for a
     * record of {@link Op} without an entry, "ONNX Foo: parsed but no registry entry" for a parser of no entry.
     */
    public static List<String> missingStages(StageTables t) {
        return missingStages(ENTRIES, t);
    }

    /** {@link #missingStages(StageTables)} over the given entries (tests pass incomplete ones). */
    public static List<String> missingStages(List<Entry> entries, StageTables t) {
        List<String> out = new ArrayList<>();
        Map<Class<?>, Entry> byOp = new LinkedHashMap<>();
        Set<String> types = new TreeSet<>();
        for (Entry e : entries) {
            byOp.put(e.op(), e);
            types.addAll(e.onnxTypes());
            Set<Stage> have = stages(e, t);
            for (Stage st : Stage.values()) {
                if (!have.contains(st)) {
                    List<String> lacking = new ArrayList<>();
                    if (st == Stage.PARSER) {
                        for (String ty : e.onnxTypes()) {
                            if (!t.parsers().contains(ty)) {
                                lacking.add(ty);
                            }
                        }
                    }
                    out.add(e.name() + ": no " + st + (lacking.isEmpty() ? "" : " for ONNX " + lacking));
                }
            }
        }
        for (Class<?> c : Op.class.getPermittedSubclasses()) {
            if (c != Op.Unsupported.class && !byOp.containsKey(c)) {
                out.add("Op." + c.getSimpleName() + ": not in the registry");
            }
        }
        for (String ty : new TreeSet<>(t.parsers())) {
            if (!types.contains(ty) && !PARSED_AWAY.contains(ty) && !REWRITTEN.containsKey(ty)) {
                out.add("ONNX " + ty + ": parsed but no registry entry names it");
            }
        }
        for (Rewrite r : REWRITES) {
            if (!t.parsers().contains(r.onnxType())) {
                out.add("ONNX " + r.onnxType() + ": listed as rewritten at import but the importer has no rewrite for it");
            }
            for (Class<? extends Op> c : r.targets()) {
                Entry e = byOp.get(c);
                if (e == null) {
                    out.add("ONNX " + r.onnxType() + " (rewritten): becomes Op." + c.getSimpleName()
                            + ", which is not in the registry");
                    continue;
                }
                Set<Stage> have = stages(e, t);
                for (Stage st : Stage.values()) {
                    if (st != Stage.PARSER && !have.contains(st)) {
                        out.add("ONNX " + r.onnxType() + " (rewritten): becomes " + e.name() + ", which has no " + st);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The registry entry of an ONNX op type that the importer rewrites ({@code onnx.Expansions}), exactly, into nodes
     * of registered op kinds: its parser is the rewrite, and every later stage (shape rule, float kernel, quantization
     * rule, quantized kernel, lowering, estimate) is that of the op kinds it becomes, {@code targets}, which
     * {@link #missingStages} checks have every stage (and a test checks that the rewrite emits no other kind).
     * {@code inlinesSubgraph}: the rewrite also imports the nodes of a subgraph (an If branch), each through its own
     * entry.
     */
    public record Rewrite(String onnxType, String becomes, List<Class<? extends Op>> targets, boolean inlinesSubgraph) {
        public Rewrite {
            targets = List.copyOf(targets);
        }
    }

    private static Rewrite rw(String type, String becomes, List<Class<? extends Op>> targets) {
        return new Rewrite(type, becomes, targets, false);
    }

    /** The rewrites, one entry per rewritten ONNX op type, by type. */
    private static final List<Rewrite> REWRITES = List.of(
            new Rewrite("If", "the branch a constant condition takes, inlined", List.of(Op.Identity.class), true),
            rw("LSTM", "unrolled: MatMul, Add, Split, Sigmoid, Tanh, Mul per step", List.of(Op.MatMul.class,
                    Op.Binary.class, Op.Split.class, Op.Unary.class, Op.Reshape.class, Op.Concat.class,
                    Op.Transpose.class, Op.Slice.class, Op.Identity.class, Op.Expand.class)),
            rw("GRU", "unrolled: MatMul, Add, Split, Sigmoid, Tanh, Mul, Sub per step", List.of(Op.MatMul.class,
                    Op.Binary.class, Op.Split.class, Op.Unary.class, Op.Reshape.class, Op.Concat.class,
                    Op.Transpose.class, Op.Slice.class, Op.Identity.class, Op.Expand.class)),
            rw("ReduceProd", "a tree of Mul over Split slices", List.of(Op.Split.class, Op.Binary.class,
                    Op.Reshape.class, Op.Identity.class)),
            rw("TopK", "k rounds of ReduceMax, ArgMax, Equal and Where; Concat", List.of(Op.Reduce.class,
                    Op.ArgExtreme.class, Op.Compare.class, Op.Where.class, Op.Concat.class, Op.Unary.class,
                    Op.Binary.class, Op.Identity.class, Op.Reshape.class, Op.Cast.class)),
            rw("GatherElements", "Gather (constant indices) or Equal, Or, Where, ReduceSum and an IndexCheck that "
                    + "refuses an index out of range (run-time indices)", List.of(Op.Gather.class, Op.Reshape.class,
                    Op.Slice.class, Op.Compare.class, Op.Logical.class, Op.Where.class, Op.Reduce.class,
                    Op.Cast.class, Op.IndexCheck.class)),
            rw("QuantizeLinear", "Div, Round, Add, Clip", List.of(Op.Binary.class, Op.Unary.class)),
            rw("DequantizeLinear", "Sub, Mul (folded for constant weights)", List.of(Op.Binary.class)),
            rw("MatMulInteger", "Sub, MatMul", List.of(Op.Binary.class, Op.MatMul.class)),
            rw("ConvInteger", "Sub, Conv", List.of(Op.Binary.class, Op.Conv.class)),
            rw("QLinearMatMul", "DequantizeLinear, MatMul, QuantizeLinear", List.of(Op.Binary.class,
                    Op.Unary.class, Op.MatMul.class)),
            rw("QLinearConv", "DequantizeLinear, Conv, QuantizeLinear", List.of(Op.Binary.class, Op.Unary.class,
                    Op.Conv.class)),
            rw("Size", "a constant (shapes are static)", List.of()),
            rw("Clip", "Max and Min when a bound is computed at run time (constant bounds: Unary CLIP)",
                    List.of(Op.Binary.class)));

    /** Every rewritten ONNX op type's entry. */
    public static List<Rewrite> rewrites() {
        return REWRITES;
    }

    /** The entry of rewritten ONNX op type {@code onnxType}, or null. */
    public static Rewrite rewrite(String onnxType) {
        for (Rewrite r : REWRITES) {
            if (r.onnxType().equals(onnxType)) {
                return r;
            }
        }
        return null;
    }

    /**
     * ONNX op types the importer rewrites, exactly, into nodes of registered ops (so every stage of theirs is the
     * stages of those ops), with what each becomes; {@code onnx.Expansions} holds the rewrites and refuses, naming the
     * op, what a rewrite cannot express (a run-time If condition, run-time LSTM weights, a run-time scale).
     */
    public static final Map<String, String> REWRITTEN;

    static {
        Map<String, String> m = new java.util.TreeMap<>();
        for (Rewrite r : REWRITES) {
            m.put(r.onnxType(), r.becomes());
        }
        REWRITTEN = Collections.unmodifiableMap(m);
    }

    /** ONNX op types the importer consumes without producing a node of their own (constants become weights). */
    static final Set<String> PARSED_AWAY = Collections.unmodifiableSet(new TreeSet<>(Arrays.asList("Constant")));
}
