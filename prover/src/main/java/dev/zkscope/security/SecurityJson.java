package dev.zkscope.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.plonk.CircuitFigures;

import java.io.PrintWriter;
import java.util.List;

/** The analysis as JSON (the {@code "security"} object of {@code verify --json}, {@code inspect --json}, reports) and as text. */
public final class SecurityJson {
    private SecurityJson() {}

    /**
     * {"conjectured_bits", "provable_bits", "provable_regime", "preset", "regimes": {"conjectured", "unique_decoding",
     * "johnson_bound"}: {"bits", "note", "terms": [{"name", "bits", "formula", "explanation"}]}, "circuit": {...}}.
     * Bits are rounded down to a tenth; a term that cannot happen (no lookups, say) has null bits.
     */
    public static ObjectNode of(SecurityAnalysis a) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        putBits(o, "conjectured_bits", a.conjecturedBits());
        putBits(o, "provable_bits", a.provableBits());
        o.put("provable_regime", a.provable().name());
        o.put("preset", a.preset());
        ObjectNode regimes = o.putObject("regimes");
        regimes.set("conjectured", regime(m, a.conjectured()));
        regimes.set("unique_decoding", regime(m, a.unique()));
        regimes.set("johnson_bound", regime(m, a.johnson()));
        CircuitFigures f = a.circuit();
        ObjectNode c = o.putObject("circuit");
        c.put("log_n", f.logN());
        c.put("usable_rows", f.usableRows());
        c.put("log_blowup", f.logBlowup());
        c.put("max_degree", f.maxDegree());
        c.put("constraints", f.constraints());
        c.put("committed_columns", f.committedColumns());
        c.put("opened_pairs", f.openedPairs());
        c.put("lookups", f.lookups());
        c.put("lookup_fractions", f.lookupFractions());
        c.put("equality_columns", f.equalityColumns());
        c.put("permutation_fractions", f.permutationFractions());
        ArrayNode rounds = c.putArray("fri_folding_arities");
        for (int r : f.friRounds()) {
            rounds.add(1 << r);
        }
        c.put("fri_final_poly_len", 1 << f.logFinalPolyLen());
        return o;
    }

    private static ObjectNode regime(ObjectMapper m, SecurityAnalysis.Regime r) {
        ObjectNode o = m.createObjectNode();
        putBits(o, "bits", r.bits());
        o.put("note", r.note());
        ArrayNode terms = o.putArray("terms");
        for (SecurityAnalysis.Term t : r.terms()) {
            ObjectNode to = terms.addObject();
            to.put("name", t.name());
            putBits(to, "bits", t.bits());
            to.put("formula", t.formula());
            to.put("explanation", t.explanation());
        }
        return o;
    }

    private static void putBits(ObjectNode o, String key, double bits) {
        if (Double.isInfinite(bits)) {
            o.putNull(key);
        } else {
            o.put(key, Math.floor(bits * 10) / 10);
        }
    }

    /** The text form: the summary line, then each regime's terms with their bits. */
    public static void print(PrintWriter out, SecurityAnalysis a) {
        out.println("security (preset " + a.preset() + "): " + a.summary());
        for (SecurityAnalysis.Regime r : List.of(a.conjectured(), a.unique(), a.johnson())) {
            out.println("  " + r.name() + ": " + SecurityAnalysis.format(r.bits()) + " bits (" + r.note() + ")");
            StringBuilder b = new StringBuilder("    ");
            for (SecurityAnalysis.Term t : r.terms()) {
                String part = t.name() + " " + SecurityAnalysis.format(t.bits());
                if (b.length() + part.length() > 118) {
                    out.println(b.toString().stripTrailing());
                    b = new StringBuilder("    ");
                }
                b.append(part).append(";  ");
            }
            out.println(b.toString().replaceAll(";  $", ""));
        }
    }
}
