package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.api.Pipeline;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.viz.graph.GraphLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tamper demo in human terms, on a real proof: a flipped byte is placed in its section of the proof, a changed
 * claim says which class it asserts (or which output value, in the model's units), and both are rejected.
 */
class TamperDemoTest {
    static CompletedRun run;
    static Analysis mlp;

    @BeforeAll
    static void prove() throws Exception {
        ModelSession s = new ModelLoader(GraphLayout::estimateWidth).load(AppFixture.sample("mlp"), 1);
        mlp = new Analyzer().analyze(s, ModelSettings.defaults().withPreset("testing"));
        run = new ProveJob(mlp, 1, null, p -> { }, () -> false).run();
        assertThat(run.verdict().accepted()).isTrue();
    }

    /** The order in which the decoder reads a proof's sections. */
    private static int order(String section) {
        List<String> fixed = List.of("header", "commitments", "openings", "fri", "queries");
        int i = fixed.indexOf(section);
        if (section.equals("merkle")) {
            return Integer.MAX_VALUE;
        }
        return i >= 0 ? i : fixed.size() + Integer.parseInt(section.substring("query ".length()));
    }

    @Test
    void everyByte_liesInOneNamedSection_inTheOrderTheProofIsWritten() {
        byte[] p = run.proof();
        assertThat(TamperDemo.rawSection(run.vk(), p, 0)).isEqualTo("header");
        int queries = run.vk().parameters().numQueries();
        assertThat(TamperDemo.rawSection(run.vk(), p, p.length - 1)).isEqualTo("merkle");
        List<Integer> at = new ArrayList<>();
        Random rnd = new Random(3);
        for (int k = 0; k < 120; k++) {
            at.add(rnd.nextInt(p.length));
        }
        at.sort(null);
        int last = -1;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i : at) {
            String s = TamperDemo.rawSection(run.vk(), p, i);
            assertThat(s).as("byte " + i).isNotNull();
            assertThat(order(s)).as("byte " + i + " in " + s).isGreaterThanOrEqualTo(last);
            last = order(s);
            seen.add(s.startsWith("query ") ? "query" : s);
        }
        assertThat(seen).contains("query");
        assertThat(TamperDemo.sectionOf(run.vk(), p, p.length - 1)).startsWith("the Merkle multiproofs");
        int inQuery = at.stream().filter(i -> TamperDemo.rawSection(run.vk(), p, i).startsWith("query ")).findFirst()
                .orElseThrow();
        int q = Integer.parseInt(TamperDemo.rawSection(run.vk(), p, inQuery).substring("query ".length()));
        assertThat(TamperDemo.sectionOf(run.vk(), p, inQuery)).startsWith("spot check " + (q + 1) + " of "
                + queries + " (one FRI query");
        assertThat(TamperDemo.sectionOf(run.vk(), p, 0)).startsWith("the header");
    }

    @Test
    void aFlippedByte_isRejected_andTheVerdictNamesItsSection() {
        byte[] p = run.proof();
        int i = p.length / 2;
        byte[] bad = p.clone();
        bad[i] ^= 0x10;
        ProveViewModel.Verdict v = ProveViewModel.describe(Pipeline.verify(run.vk(), run.publicValues(), bad),
                TamperDemo.flipped(run.vk(), p, i, p[i], bad[i]));
        assertThat(v.accepted()).isFalse();
        assertThat(v.detail()).contains(String.format(java.util.Locale.ROOT, "byte %,d of %,d flipped", i, p.length))
                .contains("which lies in " + TamperDemo.sectionOf(run.vk(), p, i));
    }

    @Test
    void aChangedClaim_assertsTheRunnerUpClass_inTheModelsUnits_andIsRejected() {
        int scale = mlp.quantized().outputScale();
        TamperDemo.Claim c = TamperDemo.changedClaim(run.publicValues(), run.output(), scale);
        long[] out = run.output();
        int best = run.argmax();
        int runner = -1;
        for (int i = 0; i < out.length; i++) {
            if (i != best && (runner < 0 || out[i] > out[runner])) {
                runner = i;
            }
        }
        // The changed public values make the runner-up the largest output: the claim is another class.
        long[] claimed = java.util.Arrays.copyOfRange(c.publicValues(), c.publicValues().length - out.length,
                c.publicValues().length);
        assertThat(claimed[runner]).isGreaterThan(claimed[best]);
        assertThat(c.says()).startsWith("a changed claim: class " + runner + " instead of class " + best)
                .contains(TamperDemo.value(out[best], scale));
        VerifyResult r = Pipeline.verify(run.vk(), c.publicValues(), run.proof());
        assertThat(r).isInstanceOf(VerifyResult.Rejected.class);
    }

    @Test
    void oneOutputValue_isRaisedOneStep_andSaidInTheModelsUnits() {
        TamperDemo.Claim c = TamperDemo.changedClaim(new long[] {5, 7, 160}, new long[] {160}, 8);
        assertThat(c.publicValues()).containsExactly(5, 7, 161);
        assertThat(c.says()).isEqualTo("a changed claimed output: 0.629 instead of 0.625 (one step higher)");
        // Public values that do not end with the output: the last one is changed, and said so.
        TamperDemo.Claim odd = TamperDemo.changedClaim(new long[] {1, 2}, new long[] {9}, 8);
        assertThat(odd.publicValues()).containsExactly(1, 3);
        assertThat(odd.says()).contains("number 2 of 2");
        assertThat(TamperDemo.value(-3, null)).isEqualTo("-3 (circuit integer)");
    }
}
