package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The glossary has every teaching term once, no term twice, and names the two blowups apart. */
class GlossaryTest {
    @Test
    void glossary_hasEachRequiredTermOnce_andNoRepeatedTerm() {
        List<String> terms = Glossary.entries().stream().map(e -> e.term().toLowerCase(Locale.ROOT)).toList();
        assertThat(terms).doesNotHaveDuplicates();
        for (String t : List.of("gate", "mac", "scale 2^k", "rescale", "logup", "table rows", "blinding rows",
                "witness", "layer blowup", "fri blowup factor")) {
            assertThat(terms).as("glossary term " + t).containsOnlyOnce(t);
        }
        assertThat(terms).as("'blowup' alone is ambiguous").doesNotContain("blowup");
        for (Glossary.Entry e : Glossary.entries()) {
            assertThat(e.definition().toLowerCase(Locale.ROOT)).as("definition of " + e.term() + " repeats its term")
                    .doesNotStartWith(e.term().toLowerCase(Locale.ROOT) + ":");
            assertThat(e.definition()).isNotBlank();
        }
        String text = Glossary.text();
        assertThat(text).contains("Layer blowup \u2014 ").contains("FRI blowup factor \u2014 ");
    }
}
