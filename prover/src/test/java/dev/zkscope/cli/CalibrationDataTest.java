package dev.zkscope.cli;

import static dev.zkscope.cli.CliTest.assertBadInput;
import static dev.zkscope.cli.CliTest.run;
import static dev.zkscope.onnx.TestModels.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.onnx.Samples;
import dev.zkscope.onnx.TestModels;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QuantOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --calibration on the user's data (EZKL rows, .npy, a directory), calibration progress and cancellation, and the
 * fidelity shown honestly: labelled synthetic when it is, without argmax agreement for a one-output model.
 */
class CalibrationDataTest {
    @TempDir
    Path tmp;

    static double[] values(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.round(r.nextDouble() * 1000) / 1000.0;
        }
        return d;
    }

    static String list(double[] d) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < d.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", d[i]));
        }
        return b.toString();
    }

    /** A .npy file (version 1, C order) of little-endian float32 (f4), float64 (f8) or int64 (i8) values. */
    static byte[] npy(String descr, String shape, double[] d) {
        int width = descr.endsWith("8") ? 8 : 4;
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = 64 - (10 + header.length() + 1) % 64;
        header = header + " ".repeat(pad % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + d.length * width).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (double v : d) {
            if (descr.equals("<f4")) {
                b.putFloat((float) v);
            } else if (descr.equals("<f8")) {
                b.putDouble(v);
            } else {
                b.putLong((long) v);
            }
        }
        return b.array();
    }

    private Graph mlp() throws Exception {
        return new OnnxImporter().load(Samples.model("mlp"));
    }

    @Test
    void ezklInputData_withManyRows_isCutIntoSamples() throws Exception {
        Graph g = mlp();
        double[] three = values(1, 3 * 64);
        Path f = tmp.resolve("rows.json");
        Files.writeString(f, "{\"input_data\": [[" + list(three) + "]]}");
        List<List<Tensor>> s = InputFiles.readCalibration(f, g);
        assertThat(s).hasSize(3);
        for (int r = 0; r < 3; r++) {
            assertThat(s.get(r).get(0).shape()).containsExactly(g.inputs().get(0).shape());
            for (int i = 0; i < 64; i++) {
                assertThat(s.get(r).get(0).get(i)).isEqualTo(three[r * 64 + i], org.assertj.core.data.Offset.offset(1e-12));
            }
        }
        Files.writeString(f, "{\"input_data\": [[" + list(values(1, 100)) + "]]}");
        assertThatThrownBy(() -> InputFiles.readCalibration(f, g)).isInstanceOf(InputFileException.class)
                .hasMessageContaining("100 values, not a multiple of its 64");
    }

    @Test
    void npy_float32Float64AndInt64_areRead_andBadFilesRefused() throws Exception {
        Graph g = mlp();
        double[] d = values(2, 2 * 64);
        for (String descr : new String[] {"<f4", "<f8", "<i8"}) {
            double[] v = descr.equals("<i8") ? java.util.Arrays.stream(d).map(x -> Math.round(x * 10)).toArray() : d;
            Path f = tmp.resolve("c" + descr.substring(1) + ".npy");
            Files.write(f, npy(descr, "(2, 1, 64)", v));
            List<List<Tensor>> s = InputFiles.readCalibration(f, g);
            assertThat(s).as(descr).hasSize(2);
            assertThat(s.get(1).get(0).get(5)).as(descr).isCloseTo(v[64 + 5], org.assertj.core.data.Offset.offset(1e-6));
        }
        Path bad = tmp.resolve("bad.npy");
        Files.write(bad, "not numpy at all".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> InputFiles.readCalibration(bad, g)).hasMessageContaining("not a NumPy .npy file");
        byte[] fortran = npy("<f4", "(2, 64)", d);
        String h = new String(fortran, StandardCharsets.ISO_8859_1).replace("False", "True ");
        Files.write(bad, h.getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> InputFiles.readCalibration(bad, g)).hasMessageContaining("Fortran order");
        byte[] truncated = java.util.Arrays.copyOf(npy("<f4", "(2, 64)", d), 200);
        Files.write(bad, truncated);
        assertThatThrownBy(() -> InputFiles.readCalibration(bad, g)).hasMessageContaining("data bytes");
        Files.write(bad, npy("<f4", "(3, 10)", values(3, 30)));
        assertThatThrownBy(() -> InputFiles.readCalibration(bad, g)).hasMessageContaining("not a multiple");
    }

    @Test
    void directory_readsEveryJsonAndNpyFileInNameOrder() throws Exception {
        Graph g = mlp();
        Path dir = Files.createDirectory(tmp.resolve("calib"));
        Files.writeString(dir.resolve("a.json"), "{\"input_data\": [[" + list(values(4, 64)) + "]]}");
        Files.write(dir.resolve("b.npy"), npy("<f4", "(2, 64)", values(5, 128)));
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        List<List<Tensor>> s = InputFiles.readCalibration(dir, g);
        assertThat(s).hasSize(3);
        assertThat(s.get(0).get(0).get(0)).isEqualTo(values(4, 64)[0], org.assertj.core.data.Offset.offset(1e-12));
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertBadInput(run("inspect", Samples.model("mlp").toString(), "--no-circuit", "--calibration", empty.toString()),
                "no .json or .npy files");
        CliTest.Run r = run("inspect", Samples.model("mlp").toString(), "--no-circuit", "--calibration", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("calibrated on " + dir + " (3 inputs)").doesNotContain("SYNTHETIC");
    }

    @Test
    void syntheticCalibration_isSaidWhereverFidelityIsShown() throws Exception {
        Path model = tmp.resolve("mlp.onnx");
        Files.copy(Samples.model("mlp"), model); // no sibling test set here: synthetic inputs
        CliTest.Run text = run("inspect", model.toString(), "--no-circuit");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("32 synthetic uniform", "SYNTHETIC", "--calibration FILE", "argmax agreement");
        CliTest.Run json = run("inspect", model.toString(), "--no-circuit", "--json");
        JsonNode q = new ObjectMapper().readTree(json.out()).get("quantization");
        assertThat(q.get("calibration_synthetic").asBoolean()).isTrue();
        assertThat(q.get("fidelity").get("measured_on_synthetic_inputs").asBoolean()).isTrue();
        Path input = Samples.dir().resolve("mlp.input.json");
        CliTest.Run infer = run("infer", model.toString(), "--quantized", "--input", input.toString());
        assertThat(infer.out()).contains("SYNTHETIC");
        CliTest.Run inferJson = run("infer", model.toString(), "--quantized", "--input", input.toString(), "--json");
        assertThat(new ObjectMapper().readTree(inferJson.out()).get("calibration_synthetic").asBoolean()).isTrue();
        // The sample's own test set: not synthetic.
        CliTest.Run real = run("inspect", Samples.model("mlp").toString(), "--no-circuit", "--json");
        assertThat(new ObjectMapper().readTree(real.out()).get("quantization").get("calibration_synthetic").asBoolean())
                .isFalse();
    }

    @Test
    void oneOutputModel_showsErrorsNotArgmax() throws Exception {
        Path model = tmp.resolve("score.onnx");
        Files.write(model, TestModels.opset(13).input("x", 1, 4).initRandom("w", 9, 4, 1).op("MatMul", "y", in("x", "w"))
                .output("y").bytes());
        CliTest.Run text = run("inspect", model.toString(), "--no-circuit");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("max |err|", "mean |err|").doesNotContain("argmax");
        JsonNode f = new ObjectMapper().readTree(run("inspect", model.toString(), "--no-circuit", "--json").out())
                .get("quantization").get("fidelity");
        assertThat(f.get("argmax_applies").asBoolean()).isFalse();
        assertThat(f.has("argmax_agreement")).isFalse();
        assertThat(f.get("max_abs_error").asDouble()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void calibration_reportsProgress_andStopsWhenInterrupted() throws Exception {
        Graph g = mlp();
        List<List<Tensor>> samples = InputFiles.synthetic(g, 6, 3);
        List<long[]> seen = new ArrayList<>();
        PhaseListener record = new PhaseListener() {
            @Override public void phaseStarted(String phase) { }
            @Override public void phaseFinished(String phase, long nanos) { }
            @Override public void progress(String phase, long done, long total) {
                assertThat(phase).isEqualTo(Calibrator.PHASE);
                seen.add(new long[] {done, total});
            }
        };
        Calibrator.calibrate(g, samples, QuantOptions.defaults(), record);
        assertThat(seen.size()).isGreaterThan(6);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)[0]).isGreaterThanOrEqualTo(seen.get(i - 1)[0]);
            assertThat(seen.get(i)[0]).isLessThanOrEqualTo(seen.get(i)[1]);
        }
        long[] last = seen.get(seen.size() - 1);
        assertThat(last[0]).isEqualTo(last[1]);

        // Interrupt after the fifth inference: calibration stops before the next one.
        int[] calls = {0};
        PhaseListener cancelAt5 = new PhaseListener() {
            @Override public void phaseStarted(String phase) { }
            @Override public void phaseFinished(String phase, long nanos) { }
            @Override public void progress(String phase, long done, long total) {
                calls[0]++;
                if (done == 5) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try {
            assertThatThrownBy(() -> Calibrator.calibrate(g, samples, QuantOptions.defaults(), cancelAt5))
                    .isInstanceOf(CancellationException.class).hasMessageContaining("after 5 of");
            assertThat(calls[0]).isEqualTo(5);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
