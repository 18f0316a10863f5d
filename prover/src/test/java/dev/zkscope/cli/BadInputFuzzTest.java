package dev.zkscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.ModelLoadException;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.onnx.Samples;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.QuantizedGraph;
import dev.zkscope.quant.Quantizer;
import dev.zkscope.quant.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import dev.zkscope.testing.Property;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Mutated sample files (byte flips, truncation, splices, zeroed ranges, duplicated segments) give either a working
 * model or a clear error: ModelLoadException from the importer, BadInputException/UnsupportedModelException from
 * inference, exit code 2 with one line from the CLI; never another exception, a stack trace or a hang.
 */
class BadInputFuzzTest {
    private static final List<String> NAMES;
    private static final List<byte[]> MODELS = new ArrayList<>();
    private static final List<byte[]> INPUTS = new ArrayList<>();

    static {
        try {
            NAMES = Samples.names();
            for (String n : NAMES) {
                MODELS.add(Files.readAllBytes(Samples.model(n)));
                INPUTS.add(Files.readAllBytes(Samples.dir().resolve(n + ".input.json")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One of five mutations of {@code bytes}, chosen and parameterised by the seed. */
    static byte[] mutate(byte[] bytes, int kind, long seed, byte[] other) {
        Random r = new Random(seed);
        byte[] b = bytes.clone();
        switch (kind) {
            case 0: { // flip 1-8 random bytes
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                }
                return b;
            }
            case 1: // truncate
                return Arrays.copyOf(b, r.nextInt(b.length));
            case 2: { // splice: a prefix of this file, then a suffix of another
                int cut = r.nextInt(b.length);
                int from = r.nextInt(other.length);
                byte[] out = Arrays.copyOf(b, cut + other.length - from);
                System.arraycopy(other, from, out, cut, other.length - from);
                return out;
            }
            case 3: { // zero a range
                int start = r.nextInt(b.length);
                Arrays.fill(b, start, Math.min(b.length, start + 1 + r.nextInt(64)), (byte) 0);
                return b;
            }
            default: { // duplicate a segment in place
                int start = r.nextInt(b.length);
                int len = Math.min(b.length - start, 1 + r.nextInt(256));
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, start + len);
                System.arraycopy(b, start, out, start + len, b.length - start);
                return out;
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> mutatedModel_loadsOrFailsWithModelLoadException() {
        return Property.forAll("mutatedModel_loadsOrFailsWithModelLoadException", 0xBAD_1L, 400, r ->
                mutatedModel(r.nextInt(0, MODELS.size()), r.nextInt(0, 5), r.nextLong()));
    }

    private static void mutatedModel(int sample, int kind, long seed) {
        byte[] bytes = mutate(MODELS.get(sample), kind, seed, MODELS.get((sample + 1) % MODELS.size()));
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Graph g;
            try {
                g = new OnnxImporter().load(bytes, Path.of("mutated.onnx"), ImportOptions.defaults());
            } catch (ModelLoadException e) {
                assertThat(e.getMessage()).startsWith("cannot load model mutated.onnx: ").doesNotContain("\n");
                return;
            }
            try {
                List<Tensor> zeros = new ArrayList<>();
                for (Graph.Value v : g.inputs()) {
                    zeros.add(Tensor.zeros(v.shape()));
                }
                new FloatEvaluator(g).run(zeros);
                QuantizedGraph q = new Quantizer(g, 6, 6).build(Target.RESOURCES, null);
                new QuantizedEvaluator(q, QuantizedEvaluator.RangeMode.RECORD).run(zeros);
            } catch (BadInputException | UnsupportedModelException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> cli_mutatedModelOrInput_exitsZeroOrTwoWithOneLine() {
        return Property.forAll("cli_mutatedModelOrInput_exitsZeroOrTwoWithOneLine", 0xBAD_2L, 60, r ->
                cliMutated(r.nextInt(0, MODELS.size()), r.nextInt(0, 5), r.nextBoolean(), r.nextLong()));
    }

    private static void cliMutated(int sample, int kind, boolean mutateInput, long seed) throws Exception {
        Path dir = Files.createTempDirectory("zkscope-fuzz");
        try {
            byte[] model = MODELS.get(sample);
            byte[] input = INPUTS.get(sample);
            if (mutateInput) {
                input = mutate(input, kind, seed, INPUTS.get((sample + 1) % INPUTS.size()));
            } else {
                model = mutate(model, kind, seed, MODELS.get((sample + 1) % MODELS.size()));
            }
            Path m = Files.write(dir.resolve("m.onnx"), model);
            Path in = Files.write(dir.resolve("in.json"), input);
            CliTest.Run r = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> CliTest.run("infer", m.toString(), "--input", in.toString(), "--json"));
            assertThat(r.code()).as(r.err()).isIn(0, 2);
            if (r.code() == 2) {
                assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
                assertThat(r.err()).doesNotContain("\tat ").doesNotContain("internal error");
            }
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
