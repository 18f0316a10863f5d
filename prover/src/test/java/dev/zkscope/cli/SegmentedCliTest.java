package dev.zkscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.zkscope.cli.CliTest.assertBadInput;
import static dev.zkscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code prove --max-rows} and {@code verify} of a bundle on mlp_large (2^13 rows whole; two segments at 2^12), with
 * the insecure test preset: progress per segment, the report's per-segment figures and timeline, the verifier's
 * answer, a tampered bundle rejected naming its segment, and the usage errors.
 */
class SegmentedCliTest {
    @TempDir
    static Path tmp;
    static Path bundle;
    static Path keys;
    static Path report;
    static CliTest.Run proved;

    @BeforeAll
    static void proveOnce() {
        bundle = tmp.resolve("mlp_large.bundle");
        keys = tmp.resolve("mlp_large.keys");
        report = tmp.resolve("mlp_large.json");
        proved = run("prove", "../samples/mlp_large.onnx", "--input", "../samples/mlp_large.input.json", "--out",
                bundle.toString(), "--vk", keys.toString(), "--preset", "testing", "--no-predict", "--warmup", "0",
                "--max-rows", "2^12", "--report", report.toString());
        assertThat(proved.code()).as(proved.err()).isZero();
    }

    @Test
    void prove_printsThePlanAndALinePerSegment_andWritesTheReport() throws Exception {
        assertThat(proved.out()).contains("2 segment(s) of at most 2^12 rows", "segment 1/2 (layers /fc1/Gemm",
                "segment 2/2", "linking boundaries", "proved in", "accepted", "public output",
                "first pass: committing the link columns of 2 segments...",
                "first pass: 2 segments' link columns committed in");
        assertThat(proved.out().indexOf("first pass: 2 segments")).isLessThan(proved.out().indexOf("segment 1/2 ("));
        assertThat(Files.exists(tmp.resolve("mlp_large.bundle.parts"))).as("parts removed once written").isFalse();
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        assertThat(r.get("segment_count").asInt()).isEqualTo(2);
        // the summary's keygen and compile are the segments' phases summed, as the report has them
        double keygen = 0;
        double compile = 0;
        for (JsonNode seg : r.get("segments")) {
            keygen += seg.get("phase_ms").get("keygen").asDouble();
            compile += seg.get("phase_ms").get("compile").asDouble();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("keygen ([0-9.]+) s, compile ([0-9.]+) s, link commit ([0-9.]+) s\\)")
                .matcher(proved.out());
        assertThat(m.find()).as(proved.out()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isCloseTo(keygen / 1e3, within(0.011));
        assertThat(Double.parseDouble(m.group(2))).isCloseTo(compile / 1e3, within(0.011));
        // the first pass (every segment's link columns committed before the challenge) is timed and reported
        assertThat(Double.parseDouble(m.group(3))).isPositive().isCloseTo(r.get("link_commit_ms").asDouble() / 1e3,
                within(0.011));
        assertThat(r.get("bundle_bytes").asLong()).isEqualTo(Files.size(bundle));
        JsonNode s = r.get("segments");
        assertThat(s).hasSize(2);
        // the plan printed before proving is the segments counted: the rows and height each proof then had
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("  segment (\\d)/2: .*, ([0-9,]+) rows of "
                + "gates \\(2\\^(\\d+) with ([0-9,]+) table rows\\)").matcher(proved.out());
        int lines = 0;
        while (line.find()) {
            JsonNode seg = s.get(Integer.parseInt(line.group(1)) - 1);
            long gates = Long.parseLong(line.group(2).replace(",", ""));
            long tables = Long.parseLong(line.group(4).replace(",", ""));
            assertThat(Math.max(gates, tables)).isEqualTo(seg.get("used_rows").asLong());
            assertThat(Integer.parseInt(line.group(3))).isEqualTo(seg.get("k").asInt());
            lines++;
        }
        assertThat(lines).as(proved.out()).isEqualTo(2);
        for (JsonNode seg : s) {
            assertThat(seg.get("k").asInt()).isLessThanOrEqualTo(12);
            assertThat(seg.get("link_rows").asInt()).isPositive();
            assertThat(seg.get("prove_ms").asDouble()).isPositive();
            assertThat(seg.get("peak_heap_bytes").asLong()).isPositive();
        }
        // the timeline: segments x phases on one clock, the second segment after the first
        JsonNode t = r.get("timeline");
        double lastOfFirst = 0;
        double firstOfSecond = Double.MAX_VALUE;
        for (JsonNode p : t) {
            double end = p.get("start_ms").asDouble() + p.get("ms").asDouble();
            if (p.get("segment").asInt() == 1) {
                lastOfFirst = Math.max(lastOfFirst, end);
            } else {
                firstOfSecond = Math.min(firstOfSecond, p.get("start_ms").asDouble());
            }
        }
        assertThat(firstOfSecond).isGreaterThanOrEqualTo(lastOfFirst);
    }

    @Test
    void verify_acceptsTheBundle_andPrintsTheOutput() throws Exception {
        CliTest.Run v = run("verify", bundle.toString(), "--vk", keys.toString(), "--json");
        assertThat(v.code()).as(v.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(v.out());
        assertThat(j.get("verified").asBoolean()).isTrue();
        assertThat(j.get("segments").asInt()).isEqualTo(2);
        assertThat(j.get("output")).isEqualTo(new ObjectMapper().readTree(report.toFile()).get("public_output"));
        CliTest.Run text = run("verify", bundle.toString(), "--vk", keys.toString());
        assertThat(text.out()).contains("bundle of 2 segment(s)", "segment 1 of 2", "gives link(s) 1..",
                "attested output");
    }

    @Test
    void verify_rejectsAFlippedByte_namingTheSegment_exit1() throws Exception {
        byte[] b = Files.readAllBytes(bundle);
        b[b.length - 200] ^= 0x04;
        Path bad = Files.write(tmp.resolve("flipped.bundle"), b);
        CliTest.Run v = run("verify", bad.toString(), "--vk", keys.toString());
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.out()).startsWith("REJECTED: segment 2 of 2");
        CliTest.Run j = run("verify", bad.toString(), "--vk", keys.toString(), "--json");
        assertThat(new ObjectMapper().readTree(j.out()).get("failed_segment").asInt()).isEqualTo(2);
    }

    @Test
    void usageErrors_exitTwo() throws Exception {
        String[] common = {"prove", "../samples/mlp_large.onnx", "--input", "../samples/mlp_large.input.json",
                "--out", tmp.resolve("x.bundle").toString(), "--preset", "testing", "--no-predict", "--warmup", "0"};
        assertBadInput(run(concat(common, "--max-rows", "1000")), "power of two");
        assertBadInput(run(concat(common, "--max-rows", "2^30")), "between");
        assertBadInput(run(concat(common, "--resume")), "--max-rows");
        assertBadInput(run(concat(common, "--max-rows", "auto")), "cost model");
        // a layer larger than the budget: refused before proving, with the figures
        assertBadInput(run(concat(common, "--max-rows", "2^7")), "refused before proving", "rows alone");
        // a single proof's key for a bundle
        Path single = tmp.resolve("single.vk");
        Files.write(single, new byte[] {1, 2, 3});
        assertBadInput(run("verify", bundle.toString(), "--vk", single.toString()), "key bundle");
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
