package dev.zkscope.compile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * The logical tables that share one tagged fixed table (tag, x, y). Range tables of width t hold (tag, v, 0) for
 * v in [0, 2^t); a function table holds (tag, x, f(x)) for x in its calibrated input range. Tag 0 is reserved: every
 * row past the tables is (0, 0, 0), which is what unselected lookup rows present.
 */
public final class Tables {

    /** A unary function table; its input range grows as nodes request it and is frozen when the circuit is built. */
    public static final class FunctionTable {
        final String name;
        final String function;
        final LongUnaryOperator f;
        final int tag;
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;

        FunctionTable(String name, String function, LongUnaryOperator f, int tag) {
            this.name = name;
            this.function = function;
            this.f = f;
            this.tag = tag;
        }

        public String name() {
            return name;
        }

        public int tag() {
            return tag;
        }

        public long lo() {
            return lo;
        }

        public long hi() {
            return hi;
        }

        public long apply(long x) {
            return f.applyAsLong(x);
        }

        long size() {
            return hi < lo ? 0 : hi - lo + 1;
        }
    }

    private final Map<Integer, Integer> rangeTags = new LinkedHashMap<>();
    private final Map<String, FunctionTable> functions = new LinkedHashMap<>();
    private int nextTag = 1;

    /** The tag of the range table [0, 2^bits), created on first use. */
    public int rangeTag(int bits) {
        return rangeTags.computeIfAbsent(bits, b -> nextTag++);
    }

    public static String rangeName(int bits) {
        return "range" + bits;
    }

    /**
     * The function table named {@code name} (function plus scales), created on first use, widened to cover [lo, hi].
     */
    public FunctionTable function(String name, String function, LongUnaryOperator f, long lo, long hi) {
        FunctionTable t = functions.computeIfAbsent(name, k -> new FunctionTable(name, function, f, nextTag++));
        t.lo = Math.min(t.lo, lo);
        t.hi = Math.max(t.hi, hi);
        return t;
    }

    /** Total rows of all tables. */
    public long rows() {
        long total = 0;
        for (int bits : rangeTags.keySet()) {
            total += 1L << bits;
        }
        for (FunctionTable t : functions.values()) {
            total += t.size();
        }
        return total;
    }

    public List<TableInfo> infos() {
        List<TableInfo> out = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : rangeTags.entrySet()) {
            int bits = e.getKey();
            out.add(new TableInfo(rangeName(bits), "range", 0, (1L << bits) - 1, 1 << bits, e.getValue()));
        }
        for (FunctionTable t : functions.values()) {
            out.add(new TableInfo(t.name, t.function, t.lo, t.hi, (int) t.size(), t.tag));
        }
        return out;
    }

    /** Writes the tables into the three table columns, from row 0; returns the rows written. */
    int fill(long[] tagCol, long[] xCol, long[] yCol) {
        int row = 0;
        for (Map.Entry<Integer, Integer> e : rangeTags.entrySet()) {
            int bits = e.getKey();
            for (long v = 0; v < (1L << bits); v++) {
                tagCol[row] = e.getValue();
                xCol[row] = v;
                yCol[row] = 0;
                row++;
            }
        }
        for (FunctionTable t : functions.values()) {
            for (long x = t.lo; x <= t.hi; x++) {
                tagCol[row] = t.tag;
                xCol[row] = dev.zkscope.field.Goldilocks.fromSigned(x);
                yCol[row] = dev.zkscope.field.Goldilocks.fromSigned(t.f.applyAsLong(x));
                row++;
            }
        }
        return row;
    }
}
