package dev.zkscope.compile.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.UnaryFn;
import dev.zkscope.quant.LookupTable;
import dev.zkscope.quant.TableFunctions;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A monotone table's bound and saturated ends, found from its ends and by bisection, equal those of a scan of its
 * range; the functions the quantizer calls monotone are monotone on the integer grid; a non-monotone table is
 * scanned.
 */
class TableSpecTest {
    private static LookupTable table(UnaryFn fn, int in, int out, long lo, long hi) {
        return new LookupTable(TableFunctions.name(fn, 0, 0), TableFunctions.total(fn, 0, 0, in, out), lo, hi, in, out);
    }

    private static TableSpec spec(LookupTable t, boolean monotone) {
        return new TableSpec(TableSpec.nameOf(t) + (monotone ? "" : "_scanned"), "test", t::value, t.lo(), t.hi(),
                monotone);
    }

    @Test
    void monotoneSummary_equalsScan() {
        Random rnd = new Random(11);
        UnaryFn[] fns = {UnaryFn.EXP, UnaryFn.SIGMOID, UnaryFn.TANH, UnaryFn.LOG, UnaryFn.SQRT};
        for (int trial = 0; trial < 200; trial++) {
            UnaryFn fn = fns[trial % fns.length];
            int s = 2 + rnd.nextInt(7);
            long lo = -(1L << (s + 2)) - rnd.nextInt(1 << (s + 3));
            long hi = lo + 1 + rnd.nextInt(1 << (s + 5));
            LookupTable t = table(fn, s, s, lo, hi);
            assertThat(t.monotone()).isTrue();
            TableSpec fast = spec(t, true);
            TableSpec slow = spec(t, false);
            String what = fn + " s=" + s + " [" + lo + ", " + hi + "]";
            assertThat(fast.maxAbs()).as(what).isEqualTo(slow.maxAbs()).isEqualTo(slow.scanMaxAbs());
            assertThat(fast.saturationCore()).as(what).containsExactly(slow.saturationCore());
            long prev = t.value(lo);
            int dir = 0;
            for (long x = lo + 1; x <= hi; x++) {
                long v = t.value(x);
                int d = Long.compare(v, prev);
                assertThat(dir == 0 || d == 0 || d == dir).as(what + " monotone at " + x).isTrue();
                if (d != 0) {
                    dir = d;
                }
                prev = v;
            }
        }
    }

    @Test
    void saturatingTable_coreIsWhereTheFunctionMoves() {
        LookupTable t = table(UnaryFn.TANH, 6, 6, -5000, 5000);
        long[] core = spec(t, true).saturationCore();
        assertThat(t.value(core[0] - 1)).isEqualTo(t.value(-5000));
        assertThat(t.value(core[0] + 1)).isNotEqualTo(t.value(-5000));
        assertThat(t.value(core[1] + 1)).isEqualTo(t.value(5000));
        assertThat(t.value(core[1] - 1)).isNotEqualTo(t.value(5000));
        assertThat(core[0]).isGreaterThan(-5000);
        assertThat(core[1]).isLessThan(5000);
    }

    @Test
    void nonMonotoneTables_areNotCalledMonotone_andAreScanned() {
        LookupTable gelu = table(UnaryFn.GELU, 5, 5, -400, 400);
        assertThat(gelu.monotone()).isFalse();
        assertThat(table(UnaryFn.ERF, 5, 5, -4, 4).monotone()).isFalse();
        assertThat(table(UnaryFn.RECIPROCAL, 5, 5, -4, 4).monotone()).isFalse();
        TableSpec s = spec(gelu, false);
        long max = 0;
        for (long x = -400; x <= 400; x++) {
            max = Math.max(max, Math.abs(gelu.value(x)));
        }
        assertThat(s.maxAbs()).isEqualTo(max);
        // gelu dips below 0 and comes back: the dip's |min| is not at an end, which a scan finds
        assertThat(new TableSpec("g", "g", gelu::value, -60, 0).maxAbs()).isGreaterThan(Math.abs(gelu.value(0)))
                .isGreaterThan(Math.abs(gelu.value(-60)));
    }
}
