package dev.zkscope.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.compile.CompileException;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.testing.MeasuredSample;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A budget too small for some layer is refused before proving with the height that layer needs, lookup tables
 * counted, and the budget to ask for: at that budget the layer is planned. (A Sigmoid's table of 623 rows makes a
 * layer of 69 gate rows need 2^10; the refusal once named the gates' 2^7 and asked for a budget below the one refused.)
 */
class PlanRefusalTest {
    private static final Pattern REFUSAL = Pattern.compile("layer (\\S+) \\(\\w+\\) needs 2\\^(\\d+) rows alone: .*more "
            + "than the budget of 2\\^(\\d+) rows per segment.*raise --max-rows to 2\\^(\\d+) or more");

    @ParameterizedTest
    @ValueSource(strings = {"mlp_sigmoid_tanh", "attention"})
    void everyRefusal_namesTheHeightItNeeds_andThatHeightPlansTheLayer(String name) throws Exception {
        Segmenter.Measured m = MeasuredSample.of(name, ProofParameters.testing());
        int refusals = 0;
        boolean tableBound = false;
        for (int k = Segmenter.MIN_LOG_BUDGET; k <= 12; k++) {
            String why;
            try {
                Segmenter.plan(m, k);
                continue;
            } catch (CompileException e) {
                why = e.getMessage();
            }
            refusals++;
            Matcher r = REFUSAL.matcher(why);
            assertThat(r.find()).as(why).isTrue();
            int need = Integer.parseInt(r.group(2));
            assertThat(Integer.parseInt(r.group(3))).isEqualTo(k);
            assertThat(need).as(why).isGreaterThan(k).isEqualTo(Integer.parseInt(r.group(4)));
            Matcher gates = Pattern.compile("alone: ([0-9,]+) rows of gates").matcher(why);
            assertThat(gates.find()).isTrue();
            long gateRows = Long.parseLong(gates.group(1).replace(",", ""));
            if (gateRows <= 1L << k) {
                // the gates alone would fit: the tables are why, and the message says so
                tableBound = true;
                assertThat(why).contains("and lookup tables of");
            }
            try {
                Segmenter.plan(m, need);
            } catch (CompileException e) {
                assertThat(e.getMessage()).as("refused again for the same layer at 2^" + need)
                        .doesNotContain("layer " + r.group(1) + " ");
            }
        }
        assertThat(refusals).isPositive();
        assertThat(tableBound).as("a layer refused for its tables").isTrue();
    }
}
