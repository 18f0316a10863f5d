package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The app's background warm-up: after the first model is compiled and predicted, one unreported proof runs, which
 * derives the proving key that the user's first Prove then reuses; a Prove during the warm-up stops it and waits.
 */
@ExtendWith(ApplicationExtension.class)
class WarmUpTest {
    private AppFixture app;

    @Start
    void start(Stage stage) {
        ProveViewModel.forgetWarmUp();
        app = new AppFixture(stage, true);
    }

    @AfterEach
    void stop(FxRobot robot) throws Exception {
        app.close(robot);
    }

    @Test
    void warmUpDerivesTheKey_firstProveReusesIt_andIsNotReportedAsARun(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> ProveViewModel.jitWarm() && !app.pvm.warmingUp());
        assertThat(app.pvm.runs()).as("the warm-up is not a run").isEmpty();
        assertThat(app.vm.analysis().prepared().hasProvingKey()).isTrue();

        robot.interact(() -> app.pvm.prove());
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.lastProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.pvm.lastProperty().get().keyReused()).isTrue();
        assertThat(app.pvm.phases()).extracting(p -> p.name()).doesNotContain("keygen").contains("quotient", "verify");
        assertThat(app.pvm.lastProperty().get().verdict().accepted()).isTrue();
        assertThat(app.pvm.runs()).hasSize(1);
    }

    @Test
    void proveDuringTheWarmUp_stopsItAndProvesAlone(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "cnn");
        // Prove as soon as the warm-up has started (or, on a fast machine, even after it finished): either way exactly
        // one reported run, accepted, and no warm-up left running.
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.warmingUp() || ProveViewModel.jitWarm());
        robot.interact(() -> app.pvm.prove());
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.lastProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.pvm.warmingUp()).isFalse();
        assertThat(app.pvm.lastProperty().get().verdict().accepted()).isTrue();
        assertThat(app.pvm.runs()).hasSize(1);
    }
}
