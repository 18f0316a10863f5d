package dev.zkscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.onnx.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.zkscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code prove --max-rows} of a model whose first layer (a 512 x 512 Gemm) does not fit 2^12 rows alone: the plan
 * prints its parts, the report names each part and its outputs, {@code verify} accepts the bundle and rejects a byte
 * flipped in a part, naming that segment (insecure test preset).
 */
class LayerSplitCliTest {
    @Test
    void aLayerLargerThanTheBudget_isProvedInParts_andVerified(@TempDir Path tmp) throws Exception {
        byte[] onnx = TestModels.opset(13).input("x", 1, 512)
                .initRandom("w1", 1, 512, 512).initRandom("b1", 2, 512)
                .initRandom("w2", 3, 10, 512).initRandom("b2", 4, 10)
                .op("Gemm", "h", TestModels.in("x", "w1", "b1"), TestModels.attr("transB", 1L))
                .op("Relu", "r", TestModels.in("h"))
                .op("Gemm", "y", TestModels.in("r", "w2", "b2"), TestModels.attr("transB", 1L))
                .output("y").bytes();
        Path model = Files.write(tmp.resolve("wide.onnx"), onnx);
        java.util.Random rnd = new java.util.Random(5);
        StringBuilder in = new StringBuilder("{\"input_data\": [[");
        for (int k = 0; k < 512; k++) {
            in.append(k == 0 ? "" : ", ").append(rnd.nextDouble() * 2 - 1);
        }
        Path input = Files.writeString(tmp.resolve("wide.input.json"), in.append("]]}").toString());
        Path bundle = tmp.resolve("wide.bundle");
        Path report = tmp.resolve("wide.json");
        CliTest.Run p = run("prove", model.toString(), "--input", input.toString(), "--out", bundle.toString(),
                "--preset", "testing", "--no-predict", "--warmup", "0", "--max-rows", "2^12", "--report",
                report.toString());
        assertThat(p.code()).as(p.err()).isZero();
        // the Relu after the split Gemm is computed in its parts (fused): its input never crosses a boundary
        assertThat(p.out()).contains("layers h_node .. r_node, part 1/", "layers h_node .. r_node, part 2/",
                "accepted");
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        int parts = 0;
        int next = 0;
        for (JsonNode s : r.get("segments")) {
            if (s.has("part")) {
                parts++;
                assertThat(s.get("part").get("from_output").asInt()).isEqualTo(next);
                next = s.get("part").get("to_output").asInt();
                assertThat(s.get("k").asInt()).isLessThanOrEqualTo(12);
                assertThat(s.get("link_rows").asInt()).isPositive();
            }
        }
        assertThat(parts).isGreaterThanOrEqualTo(2);
        assertThat(next).isEqualTo(512);
        // the links are a graph: the model's input, fingerprinted once by the first part, is read by every other part
        // (fan-out), and the segment after the layer reads one group from each part (fan-in)
        int fanOut = 0;
        java.util.Map<Integer, Integer> readsFrom = new java.util.HashMap<>();
        for (JsonNode bnd : r.get("boundaries")) {
            fanOut = Math.max(fanOut, bnd.get("read_by_segments").size());
            for (JsonNode c : bnd.get("read_by_segments")) {
                readsFrom.merge(c.asInt(), 1, Integer::sum);
            }
            assertThat(bnd.get("link_rows_per_side").asInt()).isPositive();
        }
        assertThat(fanOut).isEqualTo(parts - 1);
        assertThat(readsFrom.get(parts + 1)).isEqualTo(parts);
        StringBuilder readers = new StringBuilder("link 1.1 -> 2");
        for (int q = 3; q <= parts; q++) {
            readers.append(", ").append(q);
        }
        assertThat(p.out()).contains(readers.append(": 512 value(s)").toString());
        CliTest.Run v = run("verify", bundle.toString(), "--vk", bundle + ".vk");
        assertThat(v.code()).as(v.err()).isZero();
        // a byte flipped in the second part's proof
        byte[] b = Files.readAllBytes(bundle);
        dev.zkscope.segment.Bundle.Sections sec = dev.zkscope.segment.Bundle.sections(b);
        b[sec.segmentEnd()[1] - 40] ^= 0x20;
        Path bad = Files.write(tmp.resolve("bad.bundle"), b);
        CliTest.Run w = run("verify", bad.toString(), "--vk", bundle + ".vk");
        assertThat(w.code()).isEqualTo(1);
        assertThat(w.out() + w.err()).contains("segment 2");
        // a key bundle of format 1 (the chain's) is refused with what to do
        byte[] k = Files.readAllBytes(Path.of(bundle + ".vk"));
        k[7] = 1;
        Path oldKeys = Files.write(tmp.resolve("old.vk"), k);
        CliTest.Run o = run("verify", bundle.toString(), "--vk", oldKeys.toString());
        assertThat(o.code()).isNotZero();
        assertThat(o.out() + o.err()).contains("version 1").contains("prove the model again");
    }
}
