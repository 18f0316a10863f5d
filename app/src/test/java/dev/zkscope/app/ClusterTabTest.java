package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Cluster setting lives in the Settings tab, is kept with the preferences, and is what the Cluster tab proves on.
 * The app's test class path has no cluster module (Spark is found through ServiceLoader only when it is there), so a
 * Spark master is refused with how to get it, and "none" proves the batch in this JVM, one bar per proof.
 */
class ClusterTabTest extends AppWindowTest {
    @Override
    protected AppFixture fixture(Stage stage) {
        return new AppFixture(stage);
    }

    @SuppressWarnings("unchecked")
    private void chooseCluster(FxRobot robot, String value) {
        ComboBox<String> box = robot.lookup("#clusterBox").queryAs(ComboBox.class);
        robot.interact(() -> box.setValue(value));
    }

    @Test
    void clusterSetting_isPersisted_drivesTheClusterTab_andSparkMissingIsSaid(FxRobot robot) throws Exception {
        assertThat(ClusterRun.sparkAvailable()).as("no cluster module on the app's test class path").isFalse();
        app.openCompiledForTesting(robot, "mlp");
        ClusterView view = robot.lookup("#clusterView").queryAs(ClusterView.class);
        Label shown = robot.lookup("#clusterSetting").queryAs(Label.class);
        assertThat(shown.getText()).startsWith("none");
        assertThat(robot.lookup("#clusterNote").queryAs(Label.class).getText()).contains("not on the class path");

        chooseCluster(robot, "local[2]");
        assertThat(app.settings.get(ProvingSettings.CLUSTER_KEY, "")).isEqualTo("local[2]");
        assertThat(new ProvingSettings(app.settings).clusterProperty().get()).as("read back").isEqualTo("local[2]");
        assertThat(shown.getText()).isEqualTo("local[2] (Settings): Spark not on the class path");

        robot.interact(() -> app.window.showTab("tabCluster"));
        robot.interact(() -> view.count.getValueFactory().setValue(2));
        robot.clickOn("#proveBatchButton");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> view.status.getText().startsWith("Stopped"));
        assertThat(view.status.getText()).contains("Apache Spark is not on the app's class path", "none",
                "--spark local[2]");
        assertThat(view.spans).isEmpty();
        assertThat(view.prove.isDisabled()).isFalse();

        chooseCluster(robot, "  ");
        assertThat(app.settings.get(ProvingSettings.CLUSTER_KEY, "")).as("blank reads as none").isEqualTo("none");
        chooseCluster(robot, "none");
        robot.interact(() -> app.window.showTab("tabCluster"));
        robot.clickOn("#proveBatchButton");
        WaitForAsyncUtils.waitFor(300, TimeUnit.SECONDS, () -> !view.prove.isDisabled()
                && !view.status.getText().startsWith("Proving"));
        assertThat(view.status.getText()).startsWith("2 proof(s) on ");
        assertThat(view.spans).hasSize(2);
        assertThat(ClusterView.Timeline.lanes(view.spans)).hasSize(1);
    }
}
