package dev.zkscope.app;

import dev.zkscope.plonk.ProofSize;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Prove view's proof-size breakdown: the three largest groups under the figure, every part in the tooltip. */
class ProofPartsTest {
    static ProofSize size() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("header", 65);
        m.put("opened values", 6_000);
        m.put("Merkle nodes fixed", 9_000);
        m.put("Merkle nodes advice", 9_000);
        m.put("opened rows fixed", 40_000);
        m.put("opened rows advice", 20_000);
        m.put("leaf salts", 0);
        m.put("FRI Merkle nodes", 6_000);
        m.put("FRI leaves", 7_000);
        m.put("framing", 27);
        return new ProofSize(m);
    }

    @Test
    void line_namesTheThreeLargestGroups_withTheirShares() {
        ProofSize s = size();
        assertThat(s.total()).isEqualTo(97_092);
        assertThat(ProofParts.line(s)).isEqualTo("opened rows 62%, Merkle nodes 19%, FRI 13%");
        assertThat(ProofParts.line(null)).isEmpty();
    }

    @Test
    void table_listsEveryNonEmptyPart_andTheTotal() {
        String t = ProofParts.table(size());
        assertThat(t).contains("opened rows fixed: 40,000 B (41.2%)", "FRI leaves: 7,000 B (7.2%)",
                "total: 97,092 B").doesNotContain("leaf salts");
        assertThat(t.lines().count()).isEqualTo(1 + 9 + 1);
        assertThat(ProofParts.table(null)).contains("do not decode");
    }
}
