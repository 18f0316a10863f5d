package dev.zkscope.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.compile.Lowerings;
import dev.zkscope.ir.Op;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.Quantizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpRegistryTest {
    @Test
    void everyRegisteredOp_isHandledAtEveryStage() {
        assertThat(OpRegistry.missingStages(OpRegistry.StageTables.current())).isEmpty();
    }

    @Test
    void everyOpRecord_hasAnEntry() {
        for (Class<?> c : Op.class.getPermittedSubclasses()) {
            if (c != Op.Unsupported.class) {
                @SuppressWarnings("unchecked")
                Class<? extends Op> op = (Class<? extends Op>) c;
                assertThat(OpRegistry.entry(op)).as(c.getSimpleName()).isNotNull();
            }
        }
    }

    @Test
    void missingLowering_isReportedByName() {
        OpRegistry.StageTables t = OpRegistry.StageTables.current();
        OpRegistry.StageTables noWhere = new OpRegistry.StageTables(t.parsers(), t.quantize(), t.kernel(),
                c -> c != Op.Where.class && t.lowering().test(c));
        // the rewrites that become Where (TopK, GatherElements) lack those stages too, and say so
        assertThat(OpRegistry.missingStages(noWhere)).containsExactly("Where: no LOWERING", "Where: no ESTIMATE",
                "ONNX TopK (rewritten): becomes Where, which has no LOWERING",
                "ONNX TopK (rewritten): becomes Where, which has no ESTIMATE",
                "ONNX GatherElements (rewritten): becomes Where, which has no LOWERING",
                "ONNX GatherElements (rewritten): becomes Where, which has no ESTIMATE");
    }

    @Test
    void missingQuantizeAndKernel_areReportedByName() {
        OpRegistry.StageTables t = OpRegistry.StageTables.current();
        OpRegistry.StageTables gaps = new OpRegistry.StageTables(t.parsers(), c -> c != Op.Softmax.class
                && t.quantize().test(c), c -> c != Op.Gather.class && t.kernel().test(c), t.lowering());
        assertThat(OpRegistry.missingStages(gaps)).containsExactly("Softmax: no QUANTIZE", "Gather: no QUANTIZED_KERNEL",
                "ONNX GatherElements (rewritten): becomes Gather, which has no QUANTIZED_KERNEL");
    }

    @Test
    void missingParser_namesTheOnnxType() {
        OpRegistry.StageTables t = OpRegistry.StageTables.current();
        Set<String> parsers = new HashSet<>(t.parsers());
        parsers.remove("Erf");
        OpRegistry.StageTables gaps = new OpRegistry.StageTables(parsers, t.quantize(), t.kernel(), t.lowering());
        assertThat(OpRegistry.missingStages(gaps)).containsExactly("Unary: no PARSER for ONNX [Erf]");
    }

    @Test
    void entryMissingFromTheRegistry_andParserWithoutEntry_areReported() {
        List<OpRegistry.Entry> entries = new ArrayList<>(OpRegistry.entries());
        entries.removeIf(e -> e.op() == Op.Trilu.class);
        assertThat(OpRegistry.missingStages(entries, OpRegistry.StageTables.current()))
                .containsExactly("Op.Trilu: not in the registry", "ONNX Trilu: parsed but no registry entry names it");
    }

    @Test
    void everyRewrittenOnnxType_hasOneEntry_whoseTargetsAreRegistered() {
        List<String> types = new ArrayList<>();
        for (OpRegistry.Rewrite r : OpRegistry.rewrites()) {
            types.add(r.onnxType());
            assertThat(r.becomes()).as(r.onnxType()).isNotBlank();
            for (Class<? extends Op> c : r.targets()) {
                assertThat(OpRegistry.entry(c)).as(r.onnxType() + " -> " + c.getSimpleName()).isNotNull();
            }
        }
        assertThat(types).doesNotHaveDuplicates();
        assertThat(OpRegistry.REWRITTEN.keySet()).containsExactlyInAnyOrderElementsOf(types);
        // the internal op has no parser of its own: the rewrite that emits it is named
        assertThat(OpRegistry.entry(Op.IndexCheck.class).internal()).isTrue();
        assertThat(OpRegistry.rewrite("GatherElements").targets()).contains(Op.IndexCheck.class);
    }

    @Test
    void rewriteTargetWithoutAnEntry_isReported() {
        List<OpRegistry.Entry> entries = new ArrayList<>(OpRegistry.entries());
        entries.removeIf(e -> e.op() == Op.IndexCheck.class);
        assertThat(OpRegistry.missingStages(entries, OpRegistry.StageTables.current())).containsExactly(
                "Op.IndexCheck: not in the registry",
                "ONNX GatherElements (rewritten): becomes Op.IndexCheck, which is not in the registry");
    }

    @Test
    void unknownOp_isRefusedByEveryStage() {
        assertThat(Quantizer.hasRule(Op.Unsupported.class)).isFalse();
        assertThat(QuantizedEvaluator.hasKernel(Op.Unsupported.class)).isFalse();
        assertThat(Lowerings.has(Op.Unsupported.class)).isFalse();
    }
}
