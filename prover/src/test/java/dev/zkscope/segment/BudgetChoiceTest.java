package dev.zkscope.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.compile.CompileException;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofShape;
import dev.zkscope.predict.CostModel;
import dev.zkscope.testing.MeasuredSample;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --max-rows auto}: every budget whose segments fit the heap is planned and priced by the cost model with each
 * segment counted (the same shape as the compiled segment), and the fastest plan is taken, the largest budget among
 * those within {@link Segmenter#TIME_TOLERANCE} of it.
 */
class BudgetChoiceTest {
    static Segmenter.Measured measured;
    static CostModel cost;
    static ProofParameters params = ProofParameters.testing();

    @BeforeAll
    static void measure() throws Exception {
        measured = MeasuredSample.of("residual", params);
        cost = CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS);
    }

    @Test
    void pricesEveryPlanThatFits_atTheCompiledSegmentsShapes_andTakesTheFastest() {
        Segmenter.BudgetChoice c = Segmenter.chooseBudget(measured, cost, params, 16L << 30);
        List<Segmenter.PricedPlan> all = c.candidates();
        assertThat(all).hasSizeGreaterThan(1);
        for (int i = 0; i < all.size(); i++) {
            Segmenter.PricedPlan p = all.get(i);
            if (i > 0) {
                assertThat(p.logBudget()).isEqualTo(all.get(i - 1).logBudget() + 1);
            }
            // the plan is the one --max-rows 2^k makes, priced at the shapes of its segments compiled for real
            SegmentPlan plan = Segmenter.plan(measured, p.logBudget());
            assertThat(p.plan().count()).isEqualTo(plan.count());
            double prove = 0;
            double keygen = 0;
            for (int s = 0; s < plan.count(); s++) {
                ProofShape shape = ProofShape.of(Segmenter.compile(measured.model(), measured.bounds(), plan, s,
                        measured.base()).circuit(), params);
                prove += cost.predict(shape).proveSeconds();
                keygen += cost.keygenSeconds(shape);
            }
            assertThat(p.proveSeconds()).as("2^" + p.logBudget()).isCloseTo(prove, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(p.keygenSeconds()).isCloseTo(keygen, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(p.seconds()).isEqualTo(p.proveSeconds() + p.keygenSeconds());
            assertThat(p.heapBytes()).isLessThanOrEqualTo(c.allowedBytes());
            // only the last candidate is one segment: larger budgets give the same plan and are not weighed
            assertThat(p.plan().count() == 1).isEqualTo(i == all.size() - 1);
        }
        // weighed from the largest budget down, stopping after the first plan at twice the fastest above it
        for (int i = 1; i < all.size(); i++) {
            double above = all.subList(i, all.size()).stream().mapToDouble(Segmenter.PricedPlan::seconds).min()
                    .orElseThrow();
            assertThat(all.get(i).seconds()).isLessThanOrEqualTo(2 * above);
        }
        double fastest = all.stream().mapToDouble(Segmenter.PricedPlan::seconds).min().orElseThrow();
        assertThat(c.chosen().seconds()).isLessThanOrEqualTo(fastest * (1 + Segmenter.TIME_TOLERANCE));
        assertThat(all).filteredOn(p -> p.logBudget() > c.logBudget())
                .allMatch(p -> p.seconds() > fastest * (1 + Segmenter.TIME_TOLERANCE));
        assertThat(c.describe()).contains("2^" + c.logBudget() + ": ").contains("(chosen)")
                .contains(all.get(0).plan().count() + " segments");
    }

    @Test
    void aSmallerHeap_weighsOnlyTheBudgetsThatFitIt() {
        int k = Segmenter.chooseBudget(measured, cost, params, 16L << 30).candidates().get(1).logBudget();
        long heap = Segmenter.predictedHeap(measured, cost, k) * 4 / 3 + 4;
        Segmenter.BudgetChoice c = Segmenter.chooseBudget(measured, cost, params, heap);
        assertThat(c.candidates()).extracting(Segmenter.PricedPlan::logBudget).allMatch(b -> b <= k).contains(k);
        assertThat(c.logBudget()).isLessThanOrEqualTo(k);
        assertThat(Segmenter.budgetFromHeap(measured, cost, heap)).isEqualTo(k);
    }

    @Test
    void aHeapTooSmallForAnySegment_isRefusedWithTheFigures() {
        assertThatThrownBy(() -> Segmenter.chooseBudget(measured, cost, params, 1 << 20))
                .isInstanceOf(CompileException.class).hasMessageContaining("refused before proving")
                .hasMessageContaining("MiB are free");
    }

    @Test
    void pick_takesTheLargestBudgetWithinTheTolerance_ofTheFastest() {
        assertThat(Segmenter.pick(List.of(priced(13, 10), priced(14, 10.4), priced(15, 12)))).isEqualTo(14);
        assertThat(Segmenter.pick(List.of(priced(13, 10), priced(14, 9), priced(15, 12)))).isEqualTo(14);
        assertThat(Segmenter.pick(List.of(priced(13, 9), priced(14, 10), priced(15, 9.4)))).isEqualTo(15);
        assertThat(Segmenter.pick(List.of(priced(13, 8), priced(14, 9), priced(15, 10)))).isEqualTo(13);
    }

    @Test
    void keygen_growsWithTheFixedColumnsAndTheHeight() {
        ProofShape s = measured.largest().shape();
        assertThat(cost.keygenSeconds(s)).isPositive();
        assertThat(cost.keygenSeconds(s.atHeight(s.logN() + 1))).isGreaterThan(cost.keygenSeconds(s));
        ProofShape fewer = new ProofShape(s.logN(), s.logLde(), s.logQuotient(), s.fixedColumns() / 2,
                s.adviceColumns(), s.auxColumns(), s.quotientColumns(), s.maxDegree(), s.constraints(), s.exprNodes(),
                s.fractions(), s.queries());
        assertThat(cost.keygenSeconds(fewer)).isLessThan(cost.keygenSeconds(s));
    }

    private static Segmenter.PricedPlan priced(int k, double seconds) {
        return new Segmenter.PricedPlan(k, null, seconds, 0, 0);
    }
}
