package dev.zkscope.compile.estimate;

import dev.zkscope.compile.gadget.CompareGadget;
import dev.zkscope.compile.model.Ops;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.TableSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The estimate formulas on small layers whose counts can be worked out by hand. */
class EstimatesTest {

    /** 4 inputs (|x| <= 15), dense 4->3 with weights 1 and shift 2, then ReLU, then a 5-entry lookup. */
    private static QModel model() {
        QModel m = new QModel("est");
        int x = m.input(new int[]{4}, 15);
        long[][] w = {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}};
        int h = Ops.dense(m, "fc", "Gemm", x, w, null, 2);
        int r = Ops.relu(m, "relu", h);
        Ops.lookup(m, "sq", "Sqrt", r, new TableSpec("t", "t", v -> v, 0, 4));
        return m;
    }

    private static LayerEstimate layer(List<LayerEstimate> es, String name) {
        return es.stream().filter(e -> e.layer().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void r1cs_fixedWeightsAreLinear_privateWeightsCostOnePerMac() {
        QModel m = model();
        // fc: accumulator bound 60, quotient bound 60/4 + 1 = 16 -> 5 bits + sign = 6; remainder 2 bits: b_d = 8
        LayerEstimate fixed = layer(Estimates.of(m, EstimateParams.defaults()), "fc");
        assertThat(fixed.r1csConstraints()).isEqualTo(3 * 8);
        LayerEstimate priv = layer(Estimates.of(m, new EstimateParams(true, 2, 2, 14, 16)), "fc");
        assertThat(priv.r1csConstraints()).isEqualTo(12 + 3 * 8);
    }

    @Test
    void r1cs_comparisonAndLookup() {
        List<LayerEstimate> es = Estimates.of(model(), EstimateParams.defaults());
        // relu: difference bound 16 -> 5 bits: 3 * (5 + 1 booleanity + 1 select)
        assertThat(layer(es, "relu").r1csConstraints()).isEqualTo(3 * (5 + 2));
        // 3 lookups into 5 entries, log-derivative argument: one constraint per query and one per table entry
        assertThat(layer(es, "sq").r1csConstraints()).isEqualTo(3 + 5);
    }

    @Test
    void r1cs_aLookupCostsItsTableOncePerLayer_notOncePerQuery() {
        // an embedding-sized table (2^20 entries) read 64 times: the table is paid once, each query once
        QModel m = new QModel("emb");
        int x = m.input(new int[]{64}, 1000);
        Ops.lookup(m, "gather", "Gather", x, new TableSpec("emb", "emb", v -> v, 0, (1 << 20) - 1));
        assertThat(layer(Estimates.of(m, EstimateParams.defaults()), "gather").r1csConstraints())
                .isEqualTo(64 + (1 << 20));
    }

    @Test
    void ezklRows_followTheInnerColumns() {
        List<LayerEstimate> es = Estimates.of(model(), EstimateParams.defaults());
        // dot: 3 outputs * ceil(4 / 2); division: ceil(3 * 4 / 2)
        assertThat(layer(es, "fc").ezklRows()).isEqualTo(3 * 2 + 6);
        assertThat(layer(es, "fc").ezklLookups()).isEqualTo(3 * 2);
        assertThat(layer(es, "sq").ezklRows()).isEqualTo(2);
        List<LayerEstimate> wide = Estimates.of(model(), new EstimateParams(false, 4, 2, 14, 16));
        assertThat(layer(wide, "fc").ezklRows()).isEqualTo(3 + 3);
    }

    @Test
    void gkr_countsTheSumcheckProversLoops() {
        QModel m = model();
        LayerEstimate fc = layer(Estimates.of(m, EstimateParams.defaults()), "fc");
        Estimates.Sumcheck sc = Estimates.sumcheck(Estimates.layers(m).get(0).work(), EstimateParams.defaults());
        // C = 3 channels, K = 4 taps, P = 1, X = 4, Y = pad(3) pad(1) = 4, stacked table S = 8: eq(r_p) twice 0 and
        // eq(r_c) 3, Wrow, H and J 12 + 4 + 4, eq(r) and the bias 2 * 3, the zk stacked sumcheck 6 * 7, h and
        // eq(rho_x) 2 * 3, the tap sumcheck 5 * 3; the division's rounding indicator at r: Y - 1
        assertThat(sc.proving()).isEqualTo(3 + 20 + 6 + 42 + 6 + 15 + 3);
        // plus opening the 4 x 4 weight matrix (two row combinations of its one row of 16 values, a message of 16 + 112
        // symbols in the standard preset), claim terms on y and x (2 * 4 - 1 each), the division's three claim terms
        // and its two lookup columns of 4 (2 * 4 - 1 each)
        assertThat(fc.gkrFieldMults()).isEqualTo(95 + 2 * (16 + 112) + 2 * 7 + 5 * 7);
        // the input (first layer) 4, the dot's output 4 and its 10 mask slots per stacked variable (3), quotient and
        // remainder 4 + 4
        assertThat(fc.gkrCommitted()).isEqualTo(4 + 4 + 30 + 8);
        assertThat(fc.gkrLookupEntries()).isEqualTo(8);
        // the function table (3 lookups in a table of 5, N = 4, T = 8): y and the multiplicities, W's mask slots of
        // its two zero-checks (18 log N + 14 log T); its helpers h and g (2 N + 2 T and 2 log N + 2 log T mask slots)
        // join H
        LayerEstimate sq = layer(Estimates.of(m, EstimateParams.defaults()), "sq");
        assertThat(sq.gkrCommitted()).isEqualTo(4 + 8 + 18 * 2 + 14 * 3);
        assertThat(sq.gkrHelperEntries()).isEqualTo(2 * 4 + 2 * 8 + 2 * 2 + 2 * 3);
        Step.Work sqWork = Estimates.layers(m).stream().filter(l -> l.layer().equals("sq")).findFirst().orElseThrow()
                .work();
        assertThat(Estimates.sumcheck(sqWork, EstimateParams.defaults()).proving()).isEqualTo(67 * 3 + 27 * 7);
    }

    @Test
    void aLayerWithTwoTables_paysBothTables_andEachDivisionAtItsOwnWidth() {
        QModel m = new QModel("two");
        int x = m.input(new int[]{8}, 100);
        int a = Ops.lookup(m, "act", "Gelu", x, new TableSpec("a", "a", v -> v, -100, 100));
        Ops.lookup(m, "act", "Gelu", a, new TableSpec("b", "b", v -> v / 2, -100, 1000));
        LayerEstimate e = layer(Estimates.of(m, EstimateParams.defaults()), "act");
        // 16 queries, tables of 201 and 1101 entries: both paid, not twice the larger
        assertThat(e.r1csConstraints()).isEqualTo(16 + 201 + 1101);
        QModel d = new QModel("divs");
        int y = d.input(new int[]{4}, 100000);
        int q = d.newTensor(4);
        Src[] ys = {new Src(y, 0), new Src(y, 1), new Src(y, 2), new Src(y, 3)};
        d.add(new Steps.Div("rs", "Div", q, ys, 2));
        int r = d.newTensor(4);
        d.add(new Steps.Div("rs", "Div", r, new Src[]{new Src(q, 0), new Src(q, 1), new Src(q, 2), new Src(q, 3)}, 256));
        // widths 1 + 16 + 1 = 18 (quotient bound 50001) and 8 + 8 + 1 = 17 (bound 196) bits, each at its own width
        assertThat(layer(Estimates.of(d, EstimateParams.defaults()), "rs").r1csConstraints())
                .isEqualTo(4 * 18 + 4 * 17);
    }

    @Test
    void activationProducts_countInR1cs() {
        QModel m = new QModel("mm");
        int x = m.input(new int[]{2}, 3);
        int t = m.newTensor(1);
        m.add(new Steps.Dot("mm", "MatMul", t, new Src[][]{{new Src(x, 0)}}, new Src[][]{{new Src(x, 1)}}, null));
        int u = m.newTensor(1);
        m.add(new Steps.Compare("max", "Max", u, new Src[]{new Src(t, 0)}, new Src[]{new Src(x, 0)}, CompareGadget.Kind.MAX));
        List<LayerEstimate> es = Estimates.of(m, EstimateParams.defaults());
        assertThat(layer(es, "mm").r1csConstraints()).isEqualTo(1);
        // sumcheck: the backend's product of two activations (ActDotOp) on a 1 x 1 grid: no zero-check rounds, and
        // each operand's gather over S = 2 max(1, pad(2)) = 4: x's 2 values at its point (1) and 6 (S - 1) = 18
        assertThat(Estimates.sumcheckByLayer(m, EstimateParams.defaults()).get("mm").proving()).isEqualTo(2 * (1 + 18));
    }
}
