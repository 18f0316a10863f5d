package dev.zkscope.cli;

import static dev.zkscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** inspect shows the circuit's ledger (as proved) beside the other arithmetizations' estimates, in text and JSON. */
class InspectCircuitTest {

    @Test
    void json_hasTheLedgerPerLayer_summingToTheGadgetRows_andTheEstimates() throws Exception {
        CliTest.Run r = run("inspect", "../samples/mlp_sigmoid_tanh.onnx", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode c = new ObjectMapper().readTree(r.out()).get("circuit");
        assertThat(c).isNotNull();
        long rows = 0;
        double share = 0;
        for (JsonNode l : c.get("layers")) {
            rows += l.get("rows").asLong();
            share += l.get("share").asDouble();
        }
        assertThat(rows).isEqualTo(c.get("gadget_rows").asLong());
        assertThat(share).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(1L << c.get("k").asInt()).isEqualTo(c.get("rows").asLong())
                .isGreaterThanOrEqualTo(c.get("gadget_rows").asLong());
        assertThat(c.get("tables").findValuesAsText("function")).anyMatch(f -> f.startsWith("sigmoid"))
                .anyMatch(f -> f.startsWith("tanh"));
        JsonNode est = c.get("estimate_totals");
        assertThat(est.get("r1cs_constraints").asLong()).isPositive();
        assertThat(est.get("ezkl_rows").asLong()).isPositive();
        assertThat(est.get("gkr_field_mults").asLong()).isPositive();
    }

    @Test
    void text_listsTheCircuitAndTheComparison() {
        CliTest.Run r = run("inspect", "../samples/cnn.onnx");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("circuit (Plonkish with lookups, as proved): trace 2^", "/conv1/Conv",
                "other arithmetizations (estimates): R1CS");
    }

    @Test
    void noCircuit_skipsTheLedger() {
        CliTest.Run r = run("inspect", "../samples/cnn.onnx", "--no-circuit");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("circuit (Plonkish");
    }

    @Test
    void hashedVisibility_showsTheHashRowsAsLayersOfTheirOwn() throws Exception {
        CliTest.Run r = run("inspect", "../samples/mlp.onnx", "--json", "--weights-visibility", "hashed",
                "--input-visibility", "hashed", "--output-visibility", "hashed");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode c = new ObjectMapper().readTree(r.out()).get("circuit");
        long hashRows = 0;
        for (JsonNode l : c.get("layers")) {
            String name = l.get("layer").asText();
            if (name.startsWith("hash ")) {
                // 2,410 weights + 4 salt elements: 302 permutations of 13 rows, plus the final state row
                if (name.equals("hash weights")) {
                    assertThat(l.get("rows").asLong()).isEqualTo(302 * 13 + 1);
                }
                hashRows += l.get("rows").asLong();
            }
        }
        assertThat(c.get("layers").findValuesAsText("layer")).contains("hash weights", "hash input", "hash output");
        assertThat(hashRows).isLessThan(c.get("gadget_rows").asLong());
        assertThat(run("inspect", "../samples/mlp.onnx", "--weights-visibility", "private").code()).isEqualTo(2);
    }
}
