package dev.zkscope.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.api.Pipeline;
import dev.zkscope.batch.BatchJob;
import dev.zkscope.batch.TaskSpan;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.segment.Bundle;
import dev.zkscope.segment.BundleError;
import dev.zkscope.segment.BundleVerifier;
import dev.zkscope.segment.KeyBundle;
import dev.zkscope.segment.SegmentPlan;
import dev.zkscope.segment.SegmentProver;
import dev.zkscope.segment.SegmentSetup;
import dev.zkscope.segment.SegmentedProof;
import dev.zkscope.segment.Segmenter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prove --max-rows 2^12 --spark local[2]} on mlp_large (two segments): the bundle verifies with {@code zkscope
 * verify}, has the structure of the single-JVM bundle of the same input (the same key bundle, byte for byte; the same
 * header; the same attested output), and every tamper of the bundle tests is rejected on it; a segment that fails for
 * a model error fails the job at once, without retries.
 */
class SparkSegmentTest {
    @TempDir
    static Path tmp;
    static Path sparkBundle;
    static Path sparkKeys;
    static Path plainBundle;
    static Path plainKeys;
    static SparkBatchTest.Run spark;

    static String[] prove(Path out, Path keys, String... more) {
        List<String> a = new ArrayList<>(List.of("prove", "../samples/mlp_large.onnx", "--input",
                "../samples/mlp_large.input.json", "--out", out.toString(), "--vk", keys.toString(), "--preset",
                "testing", "--no-predict", "--warmup", "0", "--max-rows", "2^12"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @BeforeAll
    static void proveBoth() {
        sparkBundle = tmp.resolve("spark.bundle");
        sparkKeys = tmp.resolve("spark.keys");
        plainBundle = tmp.resolve("plain.bundle");
        plainKeys = tmp.resolve("plain.keys");
        spark = SparkBatchTest.cli(prove(sparkBundle, sparkKeys, "--spark", "local[2]", "--report",
                tmp.resolve("spark.json").toString()));
        assertThat(spark.code()).as(spark.err()).isZero();
        SparkBatchTest.Run plain = SparkBatchTest.cli(prove(plainBundle, plainKeys));
        assertThat(plain.code()).as(plain.err()).isZero();
    }

    @Test
    void sparkBundle_verifies_withTheSingleJvmBundlesStructure() throws Exception {
        assertThat(spark.out()).contains("as the tasks of a Spark job on local[2]", "segment 1/2", "segment 2/2",
                "; on driver@127.0.0.1", "on Spark local[2]: driver@127.0.0.1: 2");
        assertThat(spark.err()).contains("proved 2/2 segments (100%)");
        assertThat(Files.exists(tmp.resolve("spark.bundle.parts"))).as("parts removed once written").isFalse();
        SparkBatchTest.Run v = SparkBatchTest.cli("verify", sparkBundle.toString(), "--vk", sparkKeys.toString(),
                "--json");
        assertThat(v.code()).as(v.err()).isZero();
        SparkBatchTest.Run w = SparkBatchTest.cli("verify", plainBundle.toString(), "--vk", plainKeys.toString(),
                "--json");
        ObjectMapper json = new ObjectMapper();
        JsonNode vs = json.readTree(v.out());
        JsonNode ws = json.readTree(w.out());
        assertThat(vs.get("verified").asBoolean()).isTrue();
        assertThat(vs.get("segments").asInt()).isEqualTo(2);
        assertThat(vs.get("output")).isEqualTo(ws.get("output"));
        // the keys are derived on the executors, deterministically: the same key bundle as one JVM's, byte for byte
        assertThat(Files.readAllBytes(sparkKeys)).isEqualTo(Files.readAllBytes(plainKeys));
        // each verifies under the other's keys: the same statement, only the salts (and so the links) differ
        assertThat(SparkBatchTest.cli("verify", sparkBundle.toString(), "--vk", plainKeys.toString()).code()).isZero();
        Bundle a = Bundle.decode(Files.readAllBytes(sparkBundle));
        Bundle b = Bundle.decode(Files.readAllBytes(plainBundle));
        assertThat(a.model()).isEqualTo(b.model());
        assertThat(a.keysDigest()).isEqualTo(b.keysDigest());
        assertThat(a.parts()).hasSameSizeAs(b.parts());
        for (int i = 0; i < a.parts().size(); i++) {
            Bundle.Part p = a.parts().get(i);
            Bundle.Part q = b.parts().get(i);
            assertThat(p.logN()).isEqualTo(q.logN());
            assertThat(p.usedRows()).isEqualTo(q.usedRows());
            assertThat(p.circuitDigest()).isEqualTo(q.circuitDigest());
            assertThat(p.publicValues()).hasSameSizeAs(q.publicValues());
        }
        assertThat(a.links()).hasSameSizeAs(b.links());
        assertThat(a.links().get(0)).isNotEqualTo(b.links().get(0)); // fresh salts per run
        JsonNode report = json.readTree(tmp.resolve("spark.json").toFile());
        assertThat(report.get("runner").asText()).isEqualTo("Spark local[2]");
        for (JsonNode s : report.get("segments")) {
            assertThat(s.get("executor").asText()).isEqualTo("driver@127.0.0.1");
            assertThat(s.get("prove_ms").asDouble()).isPositive();
        }
    }

    /** The tampers of SegmentedProofTest, on the bundle Spark made: each rejected, naming the segment. */
    @Test
    void sparkBundle_tampered_isRejected() throws Exception {
        KeyBundle keys = KeyBundle.decode(Files.readAllBytes(sparkKeys));
        List<VerifyingKey> vks = keys.keys();
        byte[] good = Files.readAllBytes(sparkBundle);
        assertThat(BundleVerifier.verify(keys, vks, good).accepted()).isTrue();
        Bundle x = Bundle.decode(good);
        Bundle y = Bundle.decode(Files.readAllBytes(plainBundle));
        // dropped, duplicated, reordered segments
        assertThat(rejected(keys, vks, new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0)), List.of())))
                .isInstanceOf(BundleError.CountMismatch.class);
        assertThat(rejected(keys, vks, new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0),
                x.parts().get(0)), x.links())).segment()).isEqualTo(1);
        assertThat(rejected(keys, vks, new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(1),
                x.parts().get(0)), x.links()))).isInstanceOf(BundleError.HeaderMismatch.class);
        // a segment of the same input proved in another run (other salts): its link does not match
        assertThat(rejected(keys, vks, new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0),
                y.parts().get(1)), x.links()))).isInstanceOf(BundleError.LinkMismatch.class);
        assertThat(rejected(keys, vks, new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0),
                y.parts().get(1)), y.links()))).isInstanceOf(BundleError.LinkMismatch.class);
        // byte flips: every header and link byte, and 72 per segment, each naming the segment
        Bundle.Sections s = Bundle.sections(good);
        for (int i = 0; i < s.linksEnd(); i++) {
            rejected(keys, vks, flip(good, i));
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(17);
        for (int seg = 0; seg < 2; seg++) {
            int from = s.segmentStart()[seg];
            int to = s.segmentEnd()[seg];
            for (int k = 0; k < 24; k++) {
                for (int i : new int[] {from + k, to - 1 - k, from + rnd.nextInt(to - from)}) {
                    BundleError e = rejected(keys, vks, flip(good, i));
                    assertThat(e.describe()).as("flip at %d", i).contains("segment " + (seg + 1));
                }
            }
        }
        rejected(keys, vks, Arrays.copyOf(good, good.length - 1));
        rejected(keys, vks, Arrays.copyOf(good, good.length + 1));
        // through the CLI too: exit 1, naming the segment
        byte[] bad = flip(good, good.length - 200);
        Path badFile = Files.write(tmp.resolve("flipped.bundle"), bad);
        SparkBatchTest.Run v = SparkBatchTest.cli("verify", badFile.toString(), "--vk", sparkKeys.toString());
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.out()).startsWith("REJECTED: segment 2 of 2");
    }

    static BundleError rejected(KeyBundle keys, List<VerifyingKey> vks, Bundle b) {
        return error(BundleVerifier.verify(keys, vks, b));
    }

    static BundleError rejected(KeyBundle keys, List<VerifyingKey> vks, byte[] b) {
        return error(BundleVerifier.verify(keys, vks, b));
    }

    static BundleError error(BundleVerifier.Result r) {
        assertThat(r.accepted()).as("tampered bundle must be rejected").isFalse();
        return ((BundleVerifier.Rejected) r).error();
    }

    static byte[] flip(byte[] x, int at) {
        byte[] y = x.clone();
        y[at] ^= (byte) 0x20;
        return y;
    }

    /**
     * A segment whose task fails for an error of the model or the input (here its boundary values cut short) stops
     * the job at once with that error, on a context that would retry a thrown task four times: no attempt is retried.
     */
    @Test
    void modelError_inASegment_failsTheJobAtOnce_withoutRetries() throws Exception {
        Path model = Path.of("../samples/mlp_large.onnx");
        Graph g = new OnnxImporter().load(model);
        List<List<Tensor>> cal = InputFiles.calibrationSamples(g, model, null).inputs().subList(0, 8);
        Pipeline.Settings settings = Pipeline.Settings.defaults().withParams(ProofParameters.testing());
        SegmentSetup setup = SegmentSetup.of("mlp_large", g, cal, settings, PhaseListener.NONE);
        byte[] jobBytes = new BatchJob("mlp_large", "mlp_large.onnx", Files.readAllBytes(model),
                ImportOptions.defaults(), settings, cal, null).encode();
        SegmentPlan plan = Segmenter.plan(Segmenter.measure(setup.model(), setup.settings().compile(),
                setup.settings().params(), PhaseListener.NONE), 12);
        assertThat(plan.count()).isEqualTo(2);
        long[] q = setup.quantizeInput(cal.get(0));
        long[][] t = setup.model().evaluate(q);
        long[] salt = dev.zkscope.compile.Salts.fresh(new java.security.SecureRandom());
        int boundary = plan.segment(0).outputs()[0];
        List<SegmentProver.Job> jobs = List.of(new SegmentProver.Job(1, Arrays.copyOf(t[boundary],
                t[boundary].length - 3), new long[][] {salt}, new long[][] {salt}, new byte[32], new long[] {3, 1},
                null));

        SparkConf conf = new SparkConf().setMaster("local[1,4]").setAppName("segment-fail-fast")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        List<TaskSpan> spans = new ArrayList<>();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("ERROR");
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd e) {
                    ended.incrementAndGet();
                    if (!e.taskInfo().successful()) {
                        failed.incrementAndGet();
                    }
                }
            });
            SparkSegmentRunner runner = SparkSegmentRunner.on(sc, jobBytes, setup, spans::add);
            assertThatThrownBy(() -> runner.prove(plan, jobs, System.currentTimeMillis(), new SegmentedProof.Sink() {
                @Override
                public void started(int index) { }

                @Override
                public void accept(SegmentProver.Proved proved) {
                    throw new AssertionError("no segment should be proved");
                }
            })).isInstanceOf(BadInputException.class).hasMessageContaining("segment 2 of 2")
                    .hasMessageContaining("cannot be proved");
        }
        assertThat(spans).isEmpty();
        assertThat(failed.get()).as("no task failed, so none was retried").isZero();
        assertThat(ended.get()).as("one attempt").isLessThanOrEqualTo(1);
    }
}
