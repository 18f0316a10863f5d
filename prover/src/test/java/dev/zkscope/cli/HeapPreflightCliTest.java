package dev.zkscope.cli;

import static dev.zkscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.ir.Graph;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.onnx.Samples;
import dev.zkscope.predict.HeapPreflight;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No OutOfMemoryError reaches a user: the predicted need is compared with the heap before anything large is
 * allocated (refused with the figure and what to do, exit 2), and a real OutOfMemoryError is caught in Main with the
 * same advice, exit 2.
 */
class HeapPreflightCliTest {

    @Test
    void require_refusesANeedAboveTheLimit_withTheFigureAndWhatToDo() {
        String old = System.getProperty("zkscope.heapLimit");
        try {
            System.setProperty("zkscope.heapLimit", Long.toString(1L << 20));
            assertThatThrownBy(() -> HeapPreflight.require("a test allocation", 3L << 30))
                    .isInstanceOf(HeapPreflight.HeapLimitException.class)
                    .hasMessageContaining("a test allocation").hasMessageContaining("3.0 GiB")
                    .hasMessageContaining("-Xmx").hasMessageContaining("--max-rows");
        } finally {
            restore(old);
        }
        HeapPreflight.require("a small allocation", 1024); // the real heap has room for a kilobyte
    }

    @Test
    void predictions_growWithTheCircuit() throws Exception {
        Graph g = new OnnxImporter().load(Samples.model("cnn"));
        assertThat(HeapPreflight.calibrationBytes(g, 64)).isGreaterThan(HeapPreflight.calibrationBytes(g, 1));
        var q = dev.zkscope.quant.Calibrator.calibrate(g, dev.zkscope.ir.InputFiles.synthetic(g, 2, 1),
                dev.zkscope.quant.QuantOptions.defaults()).graph();
        CompiledModel small = ModelCompiler.count(q, CompileOptions.defaults().withInnerCols(32));
        CompiledModel tall = ModelCompiler.count(q, CompileOptions.defaults().withInnerCols(4));
        assertThat(tall.ledger().logN()).isGreaterThan(small.ledger().logN());
        assertThat(HeapPreflight.witnessBytes(tall.ledger())).isGreaterThan(HeapPreflight.witnessBytes(small.ledger()));
        // at least the advice trace itself: 8 bytes per cell of 2^logN rows
        assertThat(HeapPreflight.witnessBytes(small.ledger()))
                .isGreaterThanOrEqualTo(8L * small.ledger().n() * small.ledger().numAdvice());
    }

    @Test
    void prove_withTooLittleHeap_isRefusedBeforeAllocating_exit2(@TempDir Path tmp) {
        String old = System.getProperty("zkscope.heapLimit");
        try {
            System.setProperty("zkscope.heapLimit", "1");
            CliTest.Run r = run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                    tmp.resolve("p.bin").toString(), "--no-predict", "--no-warmup", "--preset", "testing");
            assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err()).contains("not enough memory for", "-Xmx").doesNotContain("Exception", "\tat ");
            assertThat(tmp.resolve("p.bin")).doesNotExist();
        } finally {
            restore(old);
        }
    }

    @Test
    void countBytes_coversTheLayerIrAndTheLargestStep_notTheWeightsOrTheMacs() throws Exception {
        Graph g = new OnnxImporter().load(Samples.model("cnn"));
        long activations = 0;
        long largest = 0;
        for (dev.zkscope.ir.Node n : g.nodes()) {
            for (int[] s : n.outputShapes()) {
                activations += dev.zkscope.ir.Tensor.elementCount(s);
                largest = Math.max(largest, dev.zkscope.ir.Tensor.elementCount(s));
            }
        }
        // no term per multiply-add (dot products hold operands and index arithmetic); the quantized weights replace
        // the float ones, which inspect releases after calibrating
        assertThat(HeapPreflight.countBytes(g)).isEqualTo(16L * activations + 256L * largest);
        // calibration holds one candidate's quantized weights beside the float ones
        assertThat(HeapPreflight.calibrationBytes(g, 1)).isGreaterThanOrEqualTo(8L * g.totalParams());
    }

    /** A real OutOfMemoryError (the preflight told to believe in a huge heap) in a forked JVM with a tiny -Xmx. */
    @Test
    void realOutOfMemory_isCaughtInMain_withAdvice_exit2(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx40m", "-XX:TieredStopAtLevel=1",
                "-Dzkscope.heapLimit=" + (1L << 40), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "prove", "../samples/mlp_large.onnx", "--input", "../samples/mlp_large.input.json",
                "--out", tmp.resolve("p.bin").toString(), "--no-predict", "--no-warmup", "--preset", "testing"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as("the forked prove ended").isTrue();
        assertThat(p.exitValue()).as(err).isEqualTo(Main.BAD_INPUT);
        assertThat(err).contains("out of memory", "-Xmx").doesNotContain("\tat ");
    }

    private static void restore(String old) {
        if (old == null) {
            System.clearProperty("zkscope.heapLimit");
        } else {
            System.setProperty("zkscope.heapLimit", old);
        }
    }
}
