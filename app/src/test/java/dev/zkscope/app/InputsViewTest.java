package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.ir.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.image.ImageView;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Inputs tab through the real window: the input to prove, the calibration set, and what Prove names. */
@ExtendWith(ApplicationExtension.class)
class InputsViewTest {
    private AppFixture app;

    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) {
        app = new AppFixture(stage);
    }

    @AfterEach
    void stop(FxRobot robot) throws Exception {
        app.close(robot);
    }

    private InputsViewModel inputs(FxRobot robot) {
        return robot.lookup("#inputsView").queryAs(InputsView.class).model();
    }

    private String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    private void openMlp(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        robot.interact(() -> assertThat(app.window.showTab("tabInputs")).isTrue());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> inputs(robot).testInputs().size() == 200
                && inputs(robot).comparisonProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void listsTestInputs_choosingOneShowsItsOutputs_andProveNamesIt(FxRobot robot) throws Exception {
        openMlp(robot);
        @SuppressWarnings("unchecked")
        ListView<InputsViewModel.TestInput> list = robot.lookup("#testInputs").queryAs(ListView.class);
        assertThat(list.getItems()).hasSize(200);
        assertThat(list.getItems().get(3).name()).isEqualTo("test input #3 (label 9)");
        // Before a choice, the model's default input (its sibling input file) is the one shown and proved.
        assertThat(text(robot, "#provedInput")).contains("mlp.input.json");

        robot.interact(() -> list.getSelectionModel().select(3));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> inputs(robot).comparisonProperty().get() != null
                && inputs(robot).comparisonProperty().get().input().equals("test input #3 (label 9)"));
        WaitForAsyncUtils.waitForFxEvents();
        InputsViewModel.Comparison c = inputs(robot).comparisonProperty().get();
        // The float outputs are the model's: the test set carries the outputs onnxruntime computed for each row.
        JsonNode expected = new ObjectMapper().readTree(AppFixture.SAMPLES.resolve("mlp.testset.json").toFile())
                .get("float_outputs").get(3);
        assertThat(c.floatOutput()).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(c.floatOutput()[i]).as("float output %d", i).isCloseTo(expected.get(i).asDouble(), within(1e-4));
        }
        double max = 0;
        for (int i = 0; i < 10; i++) {
            max = Math.max(max, Math.abs(c.floatOutput()[i] - c.quantizedOutput()[i]));
        }
        assertThat(c.maxAbsError()).isEqualTo(max).isGreaterThan(0);
        assertThat(c.floatArgmax()).isEqualTo(9);
        assertThat(text(robot, "#provedInput")).contains("test input #3 (label 9)");
        assertThat(text(robot, "#outputSummary")).contains("test input #3", "argmax: float 9, quantized "
                + c.quantizedArgmax());

        robot.interact(() -> app.window.showTab("tabProve"));
        assertThat(robot.lookup((Label l) -> l.getText() != null
                && l.getText().startsWith("Proves one inference of mlp.onnx on test input #3 (label 9)")).tryQuery())
                .as("the Prove view names the input it will prove").isPresent();
        robot.interact(() -> app.pvm.prove());
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.lastProperty().get() != null
                && !app.pvm.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        CompletedRun r = app.pvm.lastProperty().get();
        assertThat(r.inputSource()).isEqualTo("test input #3 (label 9)");
        // The proof's claimed output is the quantized output of that input, as the Inputs tab showed it.
        int scale = app.vm.analysis().quantized().outputScale();
        for (int i = 0; i < 10; i++) {
            assertThat(r.output()[i] / Math.pow(2, scale)).as("proved output %d", i)
                    .isCloseTo(c.quantizedOutput()[i], within(1e-9));
        }
        assertThat(robot.lookup((Label l) -> l.getText() != null && l.getText().contains("input: test input #3 (label 9)"))
                .tryQuery()).as("the Prove view names the proved input").isPresent();
    }

    @Test
    void syntheticCalibration_isFlagged_andTheTestSetIsNot(FxRobot robot) throws Exception {
        openMlp(robot);
        assertThat(text(robot, "#calibratedOn")).contains("calibrated on 100 test inputs (mlp.testset.json)")
                .doesNotContain("SYNTHETIC");
        assertThat(text(robot, "#calibrationFidelity")).contains("over 100 calibration inputs", "same argmax");

        robot.clickOn("#calibrationSynthetic");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && app.vm.analysis().calibration().startsWith("SYNTHETIC") && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.vm.analysis().fidelity().inputs()).isEqualTo(32);
        assertThat(text(robot, "#calibratedOn")).contains("SYNTHETIC: 32 random inputs in [0, 1)");
        assertThat(text(robot, "#calibrationFidelity")).contains("over 32 calibration inputs");
        JsonNode report = new ObjectMapper().readTree(Report.json(app.vm.analysis(), java.util.List.of()));
        assertThat(report.get("fidelity").get("calibration_synthetic").asBoolean()).isTrue();
        assertThat(report.get("fidelity").get("calibration").asText()).startsWith("SYNTHETIC");

        // Back to the model's own test set.
        robot.clickOn("#calibrationModel");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && app.vm.analysis().calibration().contains("testset") && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(text(robot, "#calibratedOn")).doesNotContain("SYNTHETIC");
    }

    @Test
    void calibrationFromAFile_reanalyses_andAMalformedFileSaysWhatIsWrong(FxRobot robot) throws Exception {
        openMlp(robot);
        Path bad = tmp.resolve("broken.json");
        Files.writeString(bad, "{\"input_data\": [[0.1, 0.2,");
        robot.interact(() -> inputs(robot).chooseInputFile(bad));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !inputs(robot).messageProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        String msg = text(robot, "#inputsMessage");
        assertThat(msg).contains("broken.json", "not valid JSON").doesNotContain("Exception", "\tat ");
        assertThat(app.pvm.provedInputProperty().get()).as("a bad file changes nothing").isNull();

        Path short_ = tmp.resolve("short.json");
        Files.writeString(short_, "{\"input_data\": [[0.1, 0.2, 0.3]]}");
        robot.interact(() -> inputs(robot).chooseCalibration(InputsViewModel.CalibrationKind.FILE, short_));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> text(robot, "#inputsMessage").contains("short.json"));
        assertThat(text(robot, "#inputsMessage")).contains("holds 3 values", "64 values for shape [1,64]");
        assertThat(app.vm.analysis().calibration()).contains("mlp.testset.json");

        // A good file of 5 test rows becomes the calibration set, and what fidelity was measured on says so.
        Path five = tmp.resolve("five.json");
        JsonNode set = new ObjectMapper().readTree(AppFixture.SAMPLES.resolve("mlp.testset.json").toFile());
        com.fasterxml.jackson.databind.node.ObjectNode o = new ObjectMapper().createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode rows = o.putArray("inputs");
        for (int i = 0; i < 5; i++) {
            rows.add(set.get("inputs").get(i));
        }
        Files.writeString(five, o.toString());
        robot.interact(() -> inputs(robot).chooseCalibration(InputsViewModel.CalibrationKind.FILE, five));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis().calibration().contains("five.json")
                && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.vm.analysis().fidelity().inputs()).isEqualTo(5);
        assertThat(text(robot, "#calibratedOn")).contains("calibrated on 5 inputs (five.json)");
        assertThat(text(robot, "#inputsMessage")).isEmpty();
    }

    @Test
    void imageShapedInputs_areDrawn_andFlatOnesAreNot(FxRobot robot) throws Exception {
        double[] d = new double[64];
        d[9] = 1; // row 1, column 1: the only white pixel
        WritableImage img = InputsView.picture(Tensor.of(new int[] {1, 1, 8, 8}, d));
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(160);
        assertThat(img.getPixelReader().getColor(30, 30).getBrightness()).isEqualTo(1.0);
        assertThat(img.getPixelReader().getColor(5, 5).getBrightness()).isEqualTo(0.0);
        assertThat(InputsView.picture(Tensor.of(new int[] {1, 64}, d))).isNull();
        assertThat(InputsView.picture(Tensor.of(new int[] {2, 4, 8}, d))).isNull();

        app.openCompiledForTesting(robot, "cnn");
        robot.interact(() -> app.window.showTab("tabInputs"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> inputs(robot).comparisonProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#inputImage").queryAs(ImageView.class).getImage()).isNotNull();
        assertThat(text(robot, "#inputImageNote")).contains("[1,1,8,8]");

        // A 16 x 16 PNG, white on its left half, becomes the 8 x 8 input: columns 0-3 are 1, 4-7 are 0.
        java.awt.image.BufferedImage png = new java.awt.image.BufferedImage(16, 16,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 8; x++) {
                png.setRGB(x, y, 0xffffff);
            }
        }
        Path file = tmp.resolve("half.png");
        javax.imageio.ImageIO.write(png, "png", file.toFile());
        robot.interact(() -> inputs(robot).chooseInputFile(file));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> inputs(robot).comparisonProperty().get() != null
                && inputs(robot).comparisonProperty().get().input().startsWith("half.png"));
        WaitForAsyncUtils.waitForFxEvents();
        double[] x = inputs(robot).comparisonProperty().get().tensor().data();
        assertThat(x).hasSize(64);
        for (int i = 0; i < 64; i++) {
            assertThat(x[i]).as("pixel %d", i).isEqualTo(i % 8 < 4 ? 1.0 : 0.0);
        }
        assertThat(app.pvm.provedInputProperty().get().source()).startsWith("half.png");
        assertThat(text(robot, "#inputsMessage")).isEmpty();
    }

    @Test
    void aOneOutputModel_showsNoArgmax_andItsSyntheticCalibrationIsFlagged(FxRobot robot) throws Exception {
        // A regressor with one output value and no test set beside it: calibrated on synthetic inputs by default.
        Path model = tmp.resolve("regressor.onnx");
        Files.write(model, ScaledVariants.mlp(java.util.List.of(6, 8, 1), 7).toByteArray());
        robot.interact(() -> {
            app.vm.applySettings(app.vm.settings().withPreset("testing"));
            app.vm.open(model);
        });
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && app.vm.analysis().compiled() != null && !app.vm.analyzingProperty().get());
        robot.interact(() -> app.window.showTab("tabInputs"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> inputs(robot).comparisonProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        InputsViewModel.Comparison c = inputs(robot).comparisonProperty().get();
        assertThat(c.floatOutput()).hasSize(1);
        assertThat(c.floatArgmax()).isEqualTo(-1);
        assertThat(c.maxAbsError()).isEqualTo(Math.abs(c.floatOutput()[0] - c.quantizedOutput()[0]));
        assertThat(text(robot, "#outputSummary")).contains("one output value, so no argmax").doesNotContain("argmax:");
        assertThat(text(robot, "#calibrationFidelity")).contains("no argmax").doesNotContain("same argmax");
        assertThat(text(robot, "#calibratedOn")).contains("SYNTHETIC: 32 random inputs in [0, 1)");
        assertThat(text(robot, "#testSetNote")).contains("No test set");
        assertThat(text(robot, "#provedInput")).contains("seeded synthetic input");
    }

    @Test
    void anImageForAFlatModel_isRefusedWithAReason(FxRobot robot) throws Exception {
        openMlp(robot);
        Path file = tmp.resolve("digit.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", file.toFile());
        robot.interact(() -> inputs(robot).chooseInputFile(file));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !inputs(robot).messageProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(text(robot, "#inputsMessage")).contains("digit.png", "[1,64]", "not an image");
        assertThat(app.pvm.provedInputProperty().get()).isNull();
    }
}
