package dev.zkscope.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** How sumcheck labels and refusals are matched to the ledger's layers, and how errors are signed. */
class LayerComparisonTest {
    @Test
    void layerOf_takesTheLayerOfAStepLabel_andLeavesWholeProofPartsAlone() {
        Set<String> ledger = Set.of("/fc1/Gemm", "/Relu");
        assertThat(LayerComparison.layerOf("/fc1/Gemm (Gemm)", ledger, Set.of())).isEqualTo("/fc1/Gemm");
        assertThat(LayerComparison.layerOf("/Relu (Relu)", Set.of(), Set.of("/Relu"))).isEqualTo("/Relu");
        assertThat(LayerComparison.layerOf("range checks (LogUp)", ledger, Set.of())).isNull();
        assertThat(LayerComparison.layerOf("witness opening", ledger, Set.of())).isNull();
        assertThat(LayerComparison.layerOf("/other (Gemm)", ledger, Set.of())).isNull();
    }

    @Test
    void refusedLayer_isTheLongestLayerTheMessageNames() {
        Set<String> layers = Set.of("/fc", "/fc/Sigmoid", "/Tanh");
        String msg = "the sumcheck backend cannot prove layer /fc/Sigmoid (Sigmoid): a function table";
        assertThat(LayerComparison.refusedLayer(msg, layers)).isEqualTo("/fc/Sigmoid");
        assertThat(LayerComparison.refusedLayer("the sumcheck backend's witness would hold 2^40 values", layers))
                .isNull();
    }

    @Test
    void error_isEstimateMinusMeasuredOverMeasured_andAbsentWithoutBoth() {
        assertThat(LayerComparison.error(1039L, 1054L)).isCloseTo(-15.0 / 1054, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(LayerComparison.error(null, 5L)).isNull();
        assertThat(LayerComparison.error(5L, null)).isNull();
        assertThat(LayerComparison.error(5L, 0L)).isNull();
        assertThat(LayerComparison.sumcheckPreset("testing-insecure")).isEqualTo("testing");
        assertThat(LayerComparison.sumcheckPreset("standard")).isEqualTo("standard");
    }
}
