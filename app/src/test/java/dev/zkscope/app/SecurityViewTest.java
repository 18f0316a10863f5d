package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.security.SecurityAnalysis;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.ComboBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Security panel in Settings lists every term of the conjectured and the provable figure for the open circuit,
 * with the figures the prover's analysis computes; the preset chooser labels presets "conjectured / provable".
 */
@ExtendWith(ApplicationExtension.class)
class SecurityViewTest {
    private AppFixture app;

    @Start
    void start(Stage stage) {
        app = new AppFixture(stage);
    }

    @Test
    void securityPanel_listsTheTermsOfBothFigures(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        SecurityView view = robot.lookup("#securityPanel").queryAs(SecurityView.class);
        SecurityAnalysis expected = app.vm.analysis().security();
        assertThat(expected).isNotNull();
        assertThat(view.summaryText()).contains(expected.summary());
        assertThat(view.shownTerms()).hasSize(expected.conjectured().terms().size()
                + expected.provable().terms().size());
        for (SecurityAnalysis.Term t : expected.provable().terms()) {
            assertThat(view.shownTerms()).contains(expected.provable().name() + ": " + t.name() + " "
                    + SecurityAnalysis.format(t.bits()));
        }
        assertThat(view.shownTerms()).anyMatch(s -> s.startsWith("conjectured: query phase 10.0"));
        for (String term : new String[] {"LogUp", "permutation", "DEEP batching", "out-of-domain (DEEP)",
                "ALI (constraint combination)", "commit phase round 1 (arity 4)"}) {
            assertThat(view.shownTerms()).anyMatch(s -> s.contains(": " + term + " "));
            // each term is explained in a sentence on screen
            assertThat(robot.lookup(n -> n instanceof javafx.scene.control.Label l
                    && l.getText().startsWith(capitalized(explanation(expected, term)))).tryQuery()).isPresent();
        }
    }

    @Test
    void presetChooser_showsConjecturedAndProvableBits(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        @SuppressWarnings("unchecked")
        ComboBox<String> box = robot.lookup("#presetBox").queryAs(ComboBox.class);
        String label = box.getConverter().toString("provable");
        SecurityAnalysis s = app.vm.analysis().securityUnder(ProofParameters.provable());
        assertThat(label).isEqualTo("provable (conjectured " + SecurityAnalysis.format(s.conjecturedBits())
                + " / provable " + SecurityAnalysis.format(s.provableBits()) + " bits)");
        assertThat(s.provableBits()).isGreaterThanOrEqualTo(100);
        // The open sample is small (2^9 rows), proved at rate 1/32 with 17 queries: 101 conjectured bits.
        assertThat(box.getConverter().toString("standard")).startsWith("standard (conjectured 101.0 / provable 5");

        // choosing the provable preset recompiles; the panel then shows the provable preset's circuit
        robot.interact(() -> app.vm.applySettings(app.vm.settings().withPreset("provable")));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && app.vm.analysis().settings().preset().equals("provable") && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        SecurityView view = robot.lookup("#securityPanel").queryAs(SecurityView.class);
        assertThat(view.summaryText()).contains("Preset provable: ", "unique decoding");
        assertThat(app.vm.analysis().security().provableBits()).isGreaterThanOrEqualTo(100);
    }

    private static String explanation(SecurityAnalysis a, String term) {
        return a.provable().terms().stream().filter(t -> t.name().equals(term)).findFirst().orElseThrow().explanation();
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
