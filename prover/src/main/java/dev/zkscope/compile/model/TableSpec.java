package dev.zkscope.compile.model;

import java.util.function.LongUnaryOperator;

/**
 * A unary integer function to be looked up: its identity (name, shared by every node that uses the same function at
 * the same scales), a readable description, the integer map, and the calibrated input range [lo, hi].
 *
 * @param monotone f is monotone (either way) on every integer interval (see
 *                 {@code dev.zkscope.quant.LookupTable#monotone}): its largest |f| is at an end of the range and the
 *                 inputs where it still equals f(lo) (or f(hi)) form an interval, found by bisection, so a table of
 *                 2^30 entries is summarised in a few dozen evaluations instead of a scan
 */
public record TableSpec(String name, String function, LongUnaryOperator f, long lo, long hi, boolean monotone) {
    public TableSpec {
        if (lo > hi) {
            throw new IllegalArgumentException("table " + name + " has an empty input range [" + lo + ", " + hi + "]");
        }
    }

    /** A table of a function of no known shape: {@link #maxAbs} and {@link #saturationCore} scan its range. */
    public TableSpec(String name, String function, LongUnaryOperator f, long lo, long hi) {
        this(name, function, f, lo, hi, false);
    }

    /**
     * max |f(x)| over [lo, hi]: one parallel pass over the range per table, shared by every step that looks up the
     * same table (same name and range; the circuit already identifies a function table by its name, see
     * {@code Tables.function}, and a quantizer table's name is its function at its scales, see {@link #nameOf}), so a
     * model with many lookups into one wide table scans it once, not once per step. Not for a table of model weights
     * (whose name is its node's, and whose values a changed model changes): use {@link #scanMaxAbs}.
     */
    public long maxAbs() {
        return summary()[0];
    }

    /**
     * The part [a, b] of the range outside which f is constant: f(x) = f(lo) for x in [lo, a] and f(x) = f(hi) for
     * x in [b, hi] (a saturating function such as exp of very negative inputs, sigmoid or tanh); shared as
     * {@link #maxAbs}.
     */
    public long[] saturationCore() {
        long[] s = summary();
        return new long[] {s[1], s[2]};
    }

    private long[] summary() {
        Key key = new Key(name, lo, hi, monotone);
        synchronized (SUMMARIES) {
            long[] s = SUMMARIES.get(key);
            if (s != null) {
                return s;
            }
        }
        long[] s = monotone ? monotoneSummary() : scannedSummary();
        synchronized (SUMMARIES) {
            SUMMARIES.put(key, s);
        }
        return s;
    }

    private long[] scannedSummary() {
        long max = scanMaxAbs();
        long a = lo;
        long fa = f.applyAsLong(a);
        while (a < hi && f.applyAsLong(a + 1) == fa) {
            a++;
        }
        long b = hi;
        long fb = f.applyAsLong(b);
        while (b > a && f.applyAsLong(b - 1) == fb) {
            b--;
        }
        return new long[] {max, a, b};
    }

    /** As {@link #scannedSummary} for a monotone f: the ends give the largest |f|, bisection the constant runs. */
    private long[] monotoneSummary() {
        long fa = f.applyAsLong(lo);
        long fb = f.applyAsLong(hi);
        long max = Math.max(Math.abs(fa), Math.abs(fb));
        // a = the last x with f(x) == f(lo): f(x) == fa holds on a prefix of [lo, hi]
        long a = lo;
        long up = hi;
        while (a < up) {
            long mid = a + (up - a + 1) / 2;
            if (f.applyAsLong(mid) == fa) {
                a = mid;
            } else {
                up = mid - 1;
            }
        }
        // b = the first x >= a with f(x) == f(hi)
        long b = hi;
        long down = a;
        while (down < b) {
            long mid = down + (b - down) / 2;
            if (f.applyAsLong(mid) == fb) {
                b = mid;
            } else {
                down = mid + 1;
            }
        }
        return new long[] {max, a, b};
    }

    /** max |f(x)| over [lo, hi], computed now (in parallel over a wide range), not shared. */
    public long scanMaxAbs() {
        java.util.stream.LongStream xs = java.util.stream.LongStream.rangeClosed(lo, hi);
        return (hi - lo < (1L << 16) ? xs : xs.parallel()).map(x -> Math.abs(f.applyAsLong(x))).max().orElse(0);
    }

    private record Key(String name, long lo, long hi, boolean monotone) {}

    /** Summaries of the tables seen last (a few hundred; a model has a handful of distinct tables). */
    private static final java.util.Map<Key, long[]> SUMMARIES = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Key, long[]> eldest) {
            return size() > 256;
        }
    };

    /**
     * The circuit's name for a quantizer's table: its function at its input and output scales ("sigmoid_s7_s7"), so
     * that layers using the same function at the same scales share one table. Views match tables by this name.
     */
    public static String nameOf(dev.zkscope.quant.LookupTable t) {
        return (t.name() + "_s" + t.inScale() + "_s" + t.outScale()).replace(',', ';');
    }
}
