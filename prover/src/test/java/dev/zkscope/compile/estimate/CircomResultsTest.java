package dev.zkscope.compile.estimate;

import dev.zkscope.compile.SampleModels;
import dev.zkscope.compile.model.QModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The R1CS estimate against circom's constraint counts for the same layers, as {@code bench/circom/run.sh} recorded
 * them in {@code bench/circom/results.json} (circom2 compiling {@link CircomExport}'s circuits with full linear
 * simplification, --O2). CI needs no node: this reads the committed counts and recomputes the estimate, so a change
 * of the estimate (or of the layers' quantization) that moves it away from circom's count fails here; re-run the
 * script when the layers themselves change.
 */
class CircomResultsTest {
    /** The model counts circom's --O2 constraints exactly on these layers; 2% leaves room for rounding widths. */
    static final double TOLERANCE = 0.02;

    static final Pattern ENTRY = Pattern.compile("\\{[^}]*\"model\": ?\"([^\"]+)\"[^}]*\"layer\": ?\"([^\"]+)\"[^}]*"
            + "\"circom_O2_nonlinear\": ?(\\d+)[^}]*\"circom_O2_linear\": ?(\\d+)[^}]*}");

    static Path results() {
        Path p = Path.of("../bench/circom/results.json");
        return Files.exists(p) ? p : Path.of("bench/circom/results.json");
    }

    @Test
    void r1csEstimate_isWithinToleranceOfCircomsCount() throws Exception {
        String json = Files.readString(results());
        Matcher m = ENTRY.matcher(json);
        int n = 0;
        while (m.find()) {
            QModel q = SampleModels.lowered(SampleModels.load(m.group(1)));
            List<LayerEstimate> es = Estimates.of(q, EstimateParams.defaults());
            LayerEstimate e = es.stream().filter(x -> x.layer().equals(m.group(2))).findFirst().orElseThrow();
            long circom = Long.parseLong(m.group(3)) + Long.parseLong(m.group(4));
            assertThat((double) e.r1csConstraints()).as(m.group(1) + " " + m.group(2) + " vs circom " + circom)
                    .isCloseTo(circom, within(TOLERANCE * circom));
            n++;
        }
        assertThat(n).as("layers recorded in " + results()).isGreaterThanOrEqualTo(3);
    }
}
