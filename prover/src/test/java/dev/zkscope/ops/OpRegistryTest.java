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
        assertThat(OpRegistry.missingStages(noWhere)).containsExactly("Where: no LOWERING", "Where: no ESTIMATE");
    }

    @Test
    void missingQuantizeAndKernel_areReportedByName() {
        OpRegistry.StageTables t = OpRegistry.StageTables.current();
        OpRegistry.StageTables gaps = new OpRegistry.StageTables(t.parsers(), c -> c != Op.Softmax.class
                && t.quantize().test(c), c -> c != Op.Gather.class && t.kernel().test(c), t.lowering());
        assertThat(OpRegistry.missingStages(gaps)).containsExactly("Softmax: no QUANTIZE", "Gather: no QUANTIZED_KERNEL");
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
    void unknownOp_isRefusedByEveryStage() {
        assertThat(Quantizer.hasRule(Op.Unsupported.class)).isFalse();
        assertThat(QuantizedEvaluator.hasKernel(Op.Unsupported.class)).isFalse();
        assertThat(Lowerings.has(Op.Unsupported.class)).isFalse();
    }
}
