package dev.zkscope.viz.trace;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Region;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.TraceLayout;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled trace as the heatmap draws it: which cells each column uses, which region (layer, gadget) each row
 * belongs to, where the lookup-table columns and the blinding rows are. Built once per compilation, off the UI thread,
 * from the compiler's layout and circuit; immutable afterwards.
 */
public final class TraceMap {
    /** What a column holds. */
    public enum Kind { ADVICE, FIXED, TABLE, INSTANCE }

    /**
     * One column: its name, kind and the rows where it is used (assigned, or nonzero for fixed columns), with a
     * summary for drawing at any zoom (see {@link #usedIn}).
     */
    public record ColumnInfo(String name, Kind kind, BitSet used, int[] blockPrefix) {
        /** Rows per summary block: 64 words of the bit set. */
        static final int BLOCK = 4096;

        public ColumnInfo(String name, Kind kind, BitSet used) {
            this(name, kind, used, prefix(used));
        }

        /** Used rows before each block boundary: prefix[b] counts the used rows below row b * BLOCK. */
        private static int[] prefix(BitSet used) {
            long[] words = used.toLongArray();
            int blocks = (words.length + 63) / 64;
            int[] p = new int[blocks + 1];
            for (int b = 0; b < blocks; b++) {
                int c = 0;
                for (int w = b * 64; w < Math.min(words.length, (b + 1) * 64); w++) {
                    c += Long.bitCount(words[w]);
                }
                p[b + 1] = p[b] + c;
            }
            return p;
        }

        /**
         * The used rows in [from, to), in time independent of the range's length (whole blocks from the summary,
         * the two partial blocks at the ends bit by bit): one screen pixel may cover a million rows.
         */
        public int usedIn(int from, int to) {
            if (to <= from) {
                return 0;
            }
            int b0 = (from + BLOCK - 1) / BLOCK;
            int b1 = to / BLOCK;
            if (b0 >= b1) {
                return count(from, to);
            }
            return count(from, b0 * BLOCK) + blocks(b0, b1) + count(b1 * BLOCK, to);
        }

        private int blocks(int b0, int b1) {
            int last = blockPrefix.length - 1;
            return blockPrefix[Math.min(b1, last)] - blockPrefix[Math.min(b0, last)];
        }

        private int count(int from, int to) {
            int c = 0;
            for (int i = used.nextSetBit(from); i >= 0 && i < to; i = used.nextSetBit(i + 1)) {
                c++;
            }
            return c;
        }
    }

    private final int n;
    private final int usableRows;
    private final List<ColumnInfo> columns;
    private final List<Region> regions;
    private final int[] regionOfRow;
    private final List<String> layers;

    TraceMap(int n, int usableRows, List<ColumnInfo> columns, List<Region> regions) {
        this.n = n;
        this.usableRows = usableRows;
        this.columns = List.copyOf(columns);
        this.regions = List.copyOf(regions);
        this.regionOfRow = new int[n];
        java.util.Arrays.fill(regionOfRow, -1);
        Map<String, Boolean> seen = new LinkedHashMap<>();
        // Later regions are the more specific ones (Circuit.regionOf): paint them last.
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            for (int row = r.start(); row < Math.min(n, r.start() + r.rows()); row++) {
                regionOfRow[row] = i;
            }
            seen.put(r.layer(), true);
        }
        this.layers = new ArrayList<>(seen.keySet());
    }

    public static TraceMap of(CompiledModel cm) {
        Circuit c = cm.circuit();
        TraceLayout layout = cm.layout();
        int n = c.n();
        List<ColumnInfo> cols = new ArrayList<>();
        for (int a = 0; a < c.numAdvice(); a++) {
            BitSet b = new BitSet(n);
            for (int row = 0; row < c.usableRows(); row++) {
                if (layout.isAssigned(a, row)) {
                    b.set(row);
                }
            }
            cols.add(new ColumnInfo("a" + a, Kind.ADVICE, b));
        }
        List<String> fixedNames = layout.fixedLabels();
        for (int f = 0; f < c.fixed().length; f++) {
            BitSet b = new BitSet(n);
            long[] col = c.fixed()[f];
            for (int row = 0; row < col.length; row++) {
                if (col[row] != 0) {
                    b.set(row);
                }
            }
            String name = f < fixedNames.size() ? fixedNames.get(f) : "f" + f;
            cols.add(new ColumnInfo(name, name.startsWith("table_") ? Kind.TABLE : Kind.FIXED, b));
        }
        BitSet inst = new BitSet(n);
        inst.set(0, Math.min(n, layout.instanceRows()));
        cols.add(new ColumnInfo("instance", Kind.INSTANCE, inst));
        return new TraceMap(n, c.usableRows(), cols, c.regions());
    }

    public int n() {
        return n;
    }

    public int usableRows() {
        return usableRows;
    }

    public List<ColumnInfo> columns() {
        return columns;
    }

    public List<Region> regions() {
        return regions;
    }

    /** Distinct layer labels in placement order. */
    public List<String> layers() {
        return layers;
    }

    /** The region of a row, or null (unused rows, table-only rows, blinding rows). */
    public Region regionAt(int row) {
        if (row < 0 || row >= n) {
            return null;
        }
        int i = regionOfRow[row];
        return i < 0 ? null : regions.get(i);
    }

    public boolean isBlinding(int row) {
        return row >= usableRows;
    }
}
