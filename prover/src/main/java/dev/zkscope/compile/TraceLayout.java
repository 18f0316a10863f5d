package dev.zkscope.compile;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Copy;
import dev.zkscope.circuit.Expr;
import dev.zkscope.circuit.Gate;
import dev.zkscope.circuit.Lookup;
import dev.zkscope.circuit.Region;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.plonk.ConstraintSystem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The row allocator and bookkeeper of the trace. Gadgets claim rows top to bottom, assign advice cells, set fixed
 * cells (selectors, weights, constants, lookup tags), add copy constraints and record a {@link Region} for every row
 * range they place. Every one of these calls is also counted for the current layer, so the {@link CostLedger} is read
 * off the very layout that becomes the {@link Circuit}, never estimated beside it.
 *
 * <p>Witness generation replays the placement: each gadget registers a filler (in placement order) that computes its
 * cells from the cells it reads, and {@link #fill} runs them in order on a fresh {@link Trace}.
 *
 * <p>Two modes, one placement code. A <b>filled</b> layout ({@link #TraceLayout(Geometry)}) keeps everything the prover needs:
 * the fixed values, the copy constraints, the fillers and the set of assigned cells. A <b>counting</b> layout
 * ({@link #counting(Geometry)}) runs the very same gadget calls but keeps no per-cell or per-row state beyond the
 * current step: it counts advice cells, nonzero fixed cells, gates, lookups, range checks and copies per layer, and
 * the rows and tables that set the trace height. Its {@link CostLedger} is the filled one's, exactly: the counters are
 * the same code, and the only state they consult (whether a cell was already assigned, whether a fixed cell already
 * holds a nonzero value) is kept for the rows of the current step (and the shared constants rows), which are the only
 * rows a gadget may touch. Both modes enforce that rule ({@link #beginStep}), so a gadget that broke it would fail in
 * the filled layout too, where the tests compare the two. Memory in counting mode is O(largest step x width) bits.
 *
 * <p>Lookups. One tagged fixed table (tag, x, y) serves every logical table ({@link Tables}). Each range column j
 * has a tag column q_j and the lookup (q_j, q_j*a_j) in (T, T*X); each function lane l has a tag column and the lookup
 * (q, q*x, q*y) in (T, T*X, T*Y). Where q = 0 the input is all zeros, which every table row with T = 0 matches; the
 * table always keeps such a row. Where q != 0 the match forces q = T and then a = X (and y = Y), since q is invertible.
 */
public final class TraceLayout {
    private final Geometry geo;
    private final int width;
    private final boolean counting;
    private int rows;
    private int instanceRows;

    private final List<String> fixedNames = new ArrayList<>();
    private final Map<String, Integer> fixedIndex = new HashMap<>();
    private final List<long[]> fixedValues = new ArrayList<>();
    private final Map<String, Expr> gateDefs = new LinkedHashMap<>();
    private final List<Copy> copies = new ArrayList<>();
    /** Counting mode: the columns that take part in copies (the permutation argument's columns), by kind. */
    private final BitSet[] copyColumns = {new BitSet(), new BitSet(), new BitSet()};

    /** The first 64 columns of each kind already in {@link #copyColumns}: most copies join columns seen before. */
    private final long[] copyColumnsLow = new long[3];

    private void copyColumn(Column c) {
        int k = c.kind().ordinal();
        int i = c.index();
        if (i < 64) {
            if ((copyColumnsLow[k] & (1L << i)) != 0) {
                return;
            }
            copyColumnsLow[k] |= 1L << i;
        }
        copyColumns[k].set(i);
    }

    /** The columns in copies in {@link Column}'s order (kind, then index), as {@link Circuit#equalityColumns()}. */
    private List<Column> copyColumnList() {
        java.util.TreeSet<Column> cols = new java.util.TreeSet<>();
        for (dev.zkscope.circuit.ColumnKind k : dev.zkscope.circuit.ColumnKind.values()) {
            BitSet b = copyColumns[k.ordinal()];
            for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) {
                cols.add(new Column(k, i));
            }
        }
        return new ArrayList<>(cols);
    }
    private final List<Region> regions = new ArrayList<>();
    private final BitSet[] assigned;
    private final List<Consumer<Trace>> fillers = new ArrayList<>();
    private final Tables tables = new Tables();
    private final int[] rangeTagCol;
    private final int[] fnTagCol;
    private final Map<Long, Cell> constants = new HashMap<>();
    private int constRow = -1;
    private int constUsed;

    private final LinkedHashMap<String, Counter> layers = new LinkedHashMap<>();
    private Counter current;

    /** Per-layer counters; see {@link LayerCost}. */
    private static final class Counter {
        final String layer;
        final String op;
        int rows;
        long advice;
        long fixed;
        /** Counts by gate kind and by table: mutable cells (these are bumped once per placed row or lookup). */
        final Map<String, long[]> gates = new HashMap<>();
        final Map<String, long[]> lookups = new HashMap<>();
        long rangeChecks;
        long copies;

        Counter(String layer, String op) {
            this.layer = layer;
            this.op = op;
        }

        static void bump(Map<String, long[]> counts, String key, long by) {
            long[] c = counts.get(key);
            if (c == null) {
                counts.put(key, c = new long[1]);
            }
            c[0] += by;
        }

        static Map<String, Long> sorted(Map<String, long[]> counts) {
            Map<String, Long> out = new TreeMap<>();
            counts.forEach((k, v) -> out.put(k, v[0]));
            return out;
        }
    }

    /** A filled layout: keeps the fixed values, copies, fillers and assigned cells that the prover needs. */
    public TraceLayout(Geometry geo) {
        this(geo, false);
    }

    /**
     * A counting layout: the same placement, nothing stored per cell or row beyond the current step; {@link #build}
     * gives the ledger and the constraint system but no circuit, and {@link #fill} is refused.
     */
    public static TraceLayout counting(Geometry geo) {
        return new TraceLayout(geo, true);
    }

    private TraceLayout(Geometry geo, boolean counting) {
        this.geo = geo;
        this.width = geo.width();
        this.counting = counting;
        this.assigned = counting ? null : new BitSet[width];
        if (!counting) {
            for (int c = 0; c < assigned.length; c++) {
                assigned[c] = new BitSet();
            }
        }
        this.rangeTagCol = new int[geo.rangeCols()];
        Arrays.fill(rangeTagCol, -1);
        this.fnTagCol = new int[geo.fnLanes()];
        Arrays.fill(fnTagCol, -1);
        openWindow();
        beginLayer("constants", "Constant");
    }

    public Geometry geometry() {
        return geo;
    }

    public int width() {
        return width;
    }

    public int rows() {
        return rows;
    }

    public Tables tables() {
        return tables;
    }

    /** Whether this layout only counts ({@link #counting(Geometry)}). */
    public boolean isCounting() {
        return counting;
    }

    /** Names of the fixed columns, by index (selectors are "q_" + gate kind). */
    public List<String> fixedNames() {
        return List.copyOf(fixedNames);
    }

    /** Whether a gadget assigned advice cell (col, row). Filled layouts only. */
    public boolean isAssigned(int col, int row) {
        requireFilled("the assigned cells");
        return assigned[col].get(row);
    }

    /** Number of advice cells assigned by all gadgets. Filled layouts only. */
    public long assignedCount() {
        requireFilled("the assigned cells");
        long n = 0;
        for (BitSet b : assigned) {
            n += b.cardinality();
        }
        return n;
    }

    // ---------------------------------------------------------------- layers and rows

    /** Starts (or resumes) counting for a layer; everything placed from now on is charged to it. */
    public void beginLayer(String layer, String op) {
        current = layers.computeIfAbsent(layer, k -> new Counter(layer, op));
    }

    public String currentLayer() {
        return current.layer;
    }

    /**
     * One {@link #allocRows} call: which layer, which step of the layer IR (index into {@code QModel.steps()}, -1 for
     * structural rows) and which gadget claimed rows [start, start + rows). The drill-down reads a layer's recipe off these.
     */
    public record Placement(String layer, int step, String gadget, int start, int rows) {
    }

    private final List<Placement> placements = new ArrayList<>();
    private int currentStep = -1;

    /**
     * Charges the rows placed from now on to step {@code index} of the layer IR (-1: no step). From here on, gadgets
     * may assign advice cells and set fixed cells only in rows claimed after this call (and in the constants rows):
     * touching an earlier row is an IllegalStateException in both modes (see the class comment).
     */
    public void beginStep(int index) {
        currentStep = index;
        openWindow();
    }

    // ---------------------------------------------------------------- the step window

    /** First row of the current step: rows below it (but the constants rows) are closed. */
    private int windowStart;
    /** Counting mode: assigned advice cells of the window, per column, indexed by row - windowStart. */
    private BitSet[] windowAdvice;
    /** Counting mode: nonzero fixed cells of the window, per fixed column, indexed by row - windowStart. */
    private final List<BitSet> windowFixed = new ArrayList<>();
    /** Rows of shared constants, always open: row to (assigned advice columns, nonzero fixed columns). */
    private final Map<Integer, BitSet[]> constRows = new HashMap<>();
    /** Counting mode: rows of the window charged in bulk ({@link #repeatSince}), indexed by row - windowStart. */
    private final BitSet windowBulk = new BitSet();

    private void openWindow() {
        windowStart = rows;
        if (counting) {
            if (windowAdvice == null) {
                windowAdvice = new BitSet[width];
                for (int c = 0; c < width; c++) {
                    windowAdvice[c] = new BitSet();
                }
            }
            for (BitSet b : windowAdvice) {
                b.clear();
            }
            for (BitSet b : windowFixed) {
                b.clear();
            }
            windowBulk.clear();
        }
    }

    /** The constants row's bits, or null when {@code row} is in the window; throws when the row is closed. */
    /** The cell's name for errors (built only when one is thrown: the checks run once per placed cell). */
    private String cellName(int col, boolean advice) {
        return advice ? "advice cell a" + col : "fixed cell " + fixedNames.get(col);
    }

    private BitSet[] openRow(int row, int col, boolean advice) {
        if (row == constRow || row < windowStart) {
            BitSet[] c = constRows.get(row);
            if (c != null) {
                return c;
            }
        }
        if (row >= windowStart) {
            if (row >= rows) {
                throw new IllegalStateException("layer " + current.layer + ": " + cellName(col, advice) + " at row "
                        + row + ", which no gadget claimed (" + rows + " rows claimed)");
            }
            if (counting && windowBulk.get(row - windowStart)) {
                throw new IllegalStateException("layer " + current.layer + ": " + cellName(col, advice) + " at row "
                        + row + ", whose cells were charged in bulk (repeatSince): a gadget that repeats a row's "
                        + "placement may not touch the repeated rows afterwards");
            }
            return null;
        }
        throw new IllegalStateException("layer " + current.layer + ": " + cellName(col, advice) + " at row " + row
                + ", placed before "
                + "the current step (its rows start at " + windowStart + "): gadgets may only touch their own step's "
                + "rows, or the counting layout could not count it");
    }

    private void requireFilled(String what) {
        if (counting) {
            throw new IllegalStateException("a counting layout keeps no " + what + ": compile with "
                    + "ModelCompiler.compile for the filled layout");
        }
    }

    /** Every row allocation in placement order. */
    public List<Placement> placements() {
        return java.util.Collections.unmodifiableList(placements);
    }

    /** Claims {@code count} fresh rows and labels them; returns the first. */
    public int allocRows(int count, String gadget) {
        int start = rows;
        if ((long) rows + count > Integer.MAX_VALUE - (1L << 20)) {
            throw new CompileException("layer " + current.layer + " takes the circuit past 2^31 rows: no trace this tall "
                    + "can be proved in one piece; segment the model (--max-rows)");
        }
        rows += count;
        current.rows += count;
        if (count > 0) {
            Placement lastP = placements.isEmpty() ? null : placements.get(placements.size() - 1);
            if (counting && lastP != null && lastP.layer().equals(current.layer) && lastP.step() == currentStep
                    && lastP.gadget().equals(gadget) && lastP.start() + lastP.rows() == start) {
                // counting mode merges runs of one gadget (a comparison packer claims one row at a time)
                placements.set(placements.size() - 1, new Placement(lastP.layer(), currentStep, gadget, lastP.start(),
                        lastP.rows() + count));
            } else {
                placements.add(new Placement(current.layer, currentStep, gadget, start, count));
            }
            Region last = regions.isEmpty() ? null : regions.get(regions.size() - 1);
            if (last != null && last.layer().equals(current.layer) && last.gadget().equals(gadget)
                    && last.start() + last.rows() == start) {
                regions.set(regions.size() - 1, new Region(last.layer(), gadget, last.start(), last.rows() + count));
            } else {
                regions.add(new Region(current.layer, gadget, start, count));
            }
        }
        return start;
    }

    // ---------------------------------------------------------------- cells

    /** Marks an advice cell as assigned by the current layer and returns it. */
    public Cell advice(int col, int row) {
        if (col < 0 || col >= width) {
            throw new IllegalArgumentException("advice column " + col + " outside [0, " + width + ")");
        }
        BitSet[] constRow = openRow(row, col, true);
        boolean fresh;
        if (!counting) {
            fresh = !assigned[col].get(row);
            assigned[col].set(row);
        } else if (constRow != null) {
            fresh = !constRow[0].get(col);
            constRow[0].set(col);
        } else {
            BitSet b = windowAdvice[col];
            fresh = !b.get(row - windowStart);
            b.set(row - windowStart);
        }
        if (fresh) {
            current.advice++;
        }
        return new Cell(Column.advice(col), row);
    }

    /** A fresh public cell in the instance column. */
    public Cell instance() {
        return new Cell(Column.instance(0), instanceRows++);
    }

    public int instanceRows() {
        return instanceRows;
    }

    /**
     * The index of the fixed column named {@code name}, created on first use. A gadget's coefficient column
     * ({@link #laneOf}) is one of the shared lanes: the column named "lane" + its lane, which the gadgets of other
     * kinds use in their own rows.
     */
    public int fixed(String name) {
        Integer idx = fixedIndex.get(name);
        if (idx == null) {
            long lane = laneOf(name);
            if (lane >= 0) {
                idx = physicalFixed("lane" + (int) lane);
                lanes.set(idx); // its readers and writers are checked by build
                fixedIndex.put(name, idx);
            } else {
                idx = physicalFixed(name);
            }
        }
        return idx;
    }

    private int physicalFixed(String name) {
        Integer idx = fixedIndex.get(name);
        if (idx == null) {
            idx = fixedNames.size();
            fixedNames.add(name);
            fixedIndex.put(name, idx);
            fixedValues.add(counting ? null : new long[64]);
            if (counting) {
                windowFixed.add(new BitSet());
            }
        }
        return idx;
    }

    /**
     * A label per fixed column, by index, for people: the column's name, and for a shared lane the coefficient
     * columns it holds, e.g. "lane3 (dot_w3, p2_k3, rs_e0)".
     */
    public List<String> fixedLabels() {
        Map<Integer, java.util.TreeSet<String>> held = new HashMap<>();
        for (Map.Entry<String, Integer> e : fixedIndex.entrySet()) {
            if (laneOf(e.getKey()) >= 0) {
                held.computeIfAbsent(e.getValue(), k -> new java.util.TreeSet<>()).add(e.getKey());
            }
        }
        List<String> out = new ArrayList<>(fixedNames.size());
        for (int c = 0; c < fixedNames.size(); c++) {
            java.util.TreeSet<String> h = held.get(c);
            out.add(h == null ? fixedNames.get(c) : fixedNames.get(c) + " (" + String.join(", ", h) + ")");
        }
        return out;
    }

    /** The index of the fixed column {@code name} resolves to ({@link #fixed}), or -1 when it was never used. */
    public int fixedIndexOf(String name) {
        Integer idx = fixedIndex.get(name);
        return idx == null ? -1 : idx;
    }

    public Expr fixedExpr(String name) {
        FixedRef f = fixedRef(name);
        if (f.kind() >= 0 && gateReads != null) {
            gateReads.add(new long[] {f.col(), f.kind()});
        }
        return Column.fixed(f.col()).cur();
    }

    // ---------------------------------------------------------------- shared fixed lanes

    /**
     * The gadget kinds whose coefficient columns share lanes. A kind's gates read its coefficients only under its own
     * selectors, at the current row, and it writes them only in the rows it claims: rows no other kind's gates are
     * active in. So one column can hold the weights of the dot products in the dot rows, the round constants in the
     * Poseidon2 rows and the rescale constants in the rescale rows; every gate still reads, in every row its selector
     * is on, exactly the value its own gadget put there. {@link #build} checks it on the filled trace.
     */
    static final String[] LANE_KINDS = {"dot", "poseidon2", "rescale", "div", "vdiv", "compare", "linear"};

    /**
     * The kind and lane of a gadget's coefficient column, as kind << 32 | lane, or -1 for a column of its own (the
     * selectors, the lookup tags and tables, the bias and constant columns). Within a kind the lanes are distinct,
     * as its columns are read in the same rows.
     */
    static long laneOf(String name) {
        int kind;
        int lane;
        if (name.startsWith("dot_w") && digits(name, 5)) {
            kind = 0;
            lane = Integer.parseInt(name.substring(5));
        } else if (name.startsWith("p2_k") && digits(name, 4)) {
            kind = 1;
            lane = Integer.parseInt(name.substring(4));
        } else if (name.equals("rs_k") || name.equals("rs_off")) {
            kind = 2;
            lane = name.equals("rs_k") ? 0 : 1;
        } else if ((name.startsWith("rs_c") || name.startsWith("rs_e")) && digits(name, 4)) {
            kind = 2;
            lane = 2 + 2 * Integer.parseInt(name.substring(4)) + (name.charAt(3) == 'e' ? 1 : 0);
        } else if (name.equals("div_d") || name.equals("div_half") || name.equals("div_off")) {
            kind = 3;
            lane = name.equals("div_d") ? 0 : name.equals("div_half") ? 1 : 2;
        } else if (name.equals("vdiv_off")) {
            kind = 4;
            lane = 0;
        } else if (name.equals("cmp_k")) {
            kind = 5;
            lane = 0;
        } else if (name.equals("lin_alpha") || name.equals("lin_beta") || name.equals("lin_gamma")) {
            kind = 6;
            lane = name.equals("lin_alpha") ? 0 : name.equals("lin_beta") ? 1 : 2;
        } else {
            return -1;
        }
        return ((long) kind << 32) | lane;
    }

    private static boolean digits(String s, int from) {
        if (s.length() == from || s.length() > from + 4) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The lane columns. */
    private final BitSet lanes = new BitSet();

    /** While a gate's expression is built: the lanes it reads, as {column, kind}; else null. */
    private List<long[]> gateReads;

    /** Per gate name, the lanes its expression reads, as {column, kind}. */
    private final Map<String, List<long[]>> laneReads = new HashMap<>();

    /**
     * Checks the lanes on the filled trace: every gate that reads a lane is its selector times a polynomial, in every
     * row at most one kind's gates that read a lane are on, and every nonzero value of a lane was set by the kind whose
     * gates read it in that row (so it is read, and by its own kind). So each gate reads its own gadget's values. A
     * failure is a compiler bug, not the model's.
     */
    private void checkLanes(long[][] fixed, int n) {
        if (lanes.isEmpty()) {
            return;
        }
        Map<Integer, byte[]> reader = new HashMap<>();
        for (int col = lanes.nextSetBit(0); col >= 0; col = lanes.nextSetBit(col + 1)) {
            reader.put(col, new byte[n]);
        }
        for (Map.Entry<String, List<long[]>> e : laneReads.entrySet()) {
            Expr poly = gateDefs.get(e.getKey());
            // every lane the expression reads must have been read by name while the gate was built (so its kind is
            // known), and all by one kind
            java.util.Set<Expr.Var> vars = new java.util.HashSet<>();
            poly.collectVariables(vars);
            java.util.Set<Integer> recorded = new java.util.HashSet<>();
            for (long[] read : e.getValue()) {
                recorded.add((int) read[0]);
                if (read[1] != e.getValue().get(0)[1]) {
                    throw new IllegalStateException("gate " + e.getKey() + " reads the shared fixed lanes of two kinds");
                }
            }
            for (Expr.Var v : vars) {
                if (v.column().kind() == dev.zkscope.circuit.ColumnKind.FIXED && lanes.get(v.column().index())
                        && (!recorded.contains(v.column().index()) || v.rotation() != 0)) {
                    throw new IllegalStateException("gate " + e.getKey() + " reads shared fixed "
                            + fixedNames.get(v.column().index()) + " not by its name at the current row");
                }
            }
            if (e.getValue().isEmpty()) {
                continue;
            }
            int sel = -1;
            if (poly instanceof Expr.Product pr) {
                sel = selectorOf(pr.a());
                if (sel < 0) {
                    sel = selectorOf(pr.b());
                }
            }
            if (sel < 0) {
                throw new IllegalStateException("gate " + e.getKey() + " reads a shared fixed lane but is not a "
                        + "selector times a polynomial");
            }
            long[] on = fixed[sel];
            for (long[] read : e.getValue()) {
                byte[] who = reader.get((int) read[0]);
                byte kind = (byte) (read[1] + 1);
                for (int r = 0; r < n; r++) {
                    if (on[r] != 0) {
                        if (who[r] != 0 && who[r] != kind) {
                            throw new IllegalStateException("fixed " + fixedNames.get((int) read[0]) + " row " + r
                                    + " is read by " + LANE_KINDS[who[r] - 1] + " and " + LANE_KINDS[kind - 1]
                                    + " gates");
                        }
                        who[r] = kind;
                    }
                }
            }
        }
        for (Map.Entry<Integer, byte[]> e : reader.entrySet()) {
            long[] v = fixed[e.getKey()];
            byte[] who = e.getValue();
            byte[] wrote = e.getKey() < laneWriters.length && laneWriters[e.getKey()] != null
                    ? laneWriters[e.getKey()] : new byte[0];
            for (int r = 0; r < n; r++) {
                if (v[r] == 0) {
                    continue;
                }
                String at = "fixed " + fixedNames.get(e.getKey()) + " row " + r;
                byte writer = r < wrote.length ? wrote[r] : 0;
                if (who[r] == 0) {
                    throw new IllegalStateException(at + " holds a value no gate reads");
                }
                if (writer == UNKNOWN_WRITER || writer == 0) {
                    throw new IllegalStateException(at + " was set by column index, not by name: its kind is unknown");
                }
                if (writer != who[r]) {
                    throw new IllegalStateException(at + " holds a " + LANE_KINDS[writer - 1] + " value where "
                            + LANE_KINDS[who[r] - 1] + " gates read it");
                }
            }
        }
    }

    /** The selector column an expression is (a "q_" fixed column at the current row), or -1. */
    private int selectorOf(Expr e) {
        if (e instanceof Expr.Var v && v.rotation() == 0 && v.column().kind() == dev.zkscope.circuit.ColumnKind.FIXED
                && fixedNames.get(v.column().index()).startsWith("q_")) {
            return v.column().index();
        }
        return -1;
    }

    /**
     * A fixed column resolved once by name, for gadgets that set many cells of it: its index and, for a shared lane,
     * the kind it is written for ({@link #laneOf}; -1 for a column of its own).
     */
    public record FixedRef(int col, int kind) { }

    /**
     * The column {@code name} resolves to ({@link #fixed}), with the kind its lane is written for; resolved once per
     * name (gadgets set fixed cells by name on every row).
     */
    public FixedRef fixedRef(String name) {
        FixedRef f = fixedRefs.get(name);
        if (f == null) {
            long lane = laneOf(name);
            f = new FixedRef(fixed(name), lane < 0 ? -1 : (int) (lane >>> 32));
            fixedRefs.put(name, f);
        }
        return f;
    }

    /** {@link #fixedRef} by name. */
    private final Map<String, FixedRef> fixedRefs = new HashMap<>();

    /** Sets a fixed cell of a column resolved by {@link #fixedRef}. */
    public void setFixed(FixedRef f, int row, long signedValue) {
        setFixed(f.col(), row, signedValue, f.kind());
    }

    /**
     * Sets a fixed cell to a signed value (charged to the current layer when nonzero). A shared lane must be set by
     * name or by {@link FixedRef}, so that its writer's kind is known ({@link #checkLanes}).
     */
    public void setFixed(int col, int row, long signedValue) {
        setFixed(col, row, signedValue, -1);
    }

    private void setFixed(int col, int row, long signedValue, int kind) {
        BitSet[] constRow = openRow(row, col, false);
        if (counting) {
            // |signedValue| < 2^63 < p: nonzero in the field exactly when nonzero
            BitSet b = constRow != null ? constRow[1] : windowFixed.get(col);
            int at = constRow != null ? col : row - windowStart;
            boolean was = b.get(at);
            if (!was && signedValue != 0) {
                current.fixed++;
                b.set(at);
            } else if (was && signedValue == 0) {
                current.fixed--;
                b.clear(at);
            }
            return;
        }
        long v = Goldilocks.fromSigned(signedValue);
        long[] vals = fixedValues.get(col);
        if (row >= vals.length) {
            vals = Arrays.copyOf(vals, Math.max(row + 1, vals.length * 2));
            fixedValues.set(col, vals);
        }
        if (vals[row] == 0 && v != 0) {
            current.fixed++;
        } else if (vals[row] != 0 && v == 0) {
            current.fixed--;
        }
        vals[row] = v;
        if (lanes.get(col)) {
            if (col >= laneWriters.length) {
                laneWriters = Arrays.copyOf(laneWriters, Math.max(col + 1, laneWriters.length * 2));
            }
            byte[] w = laneWriters[col];
            if (w == null || row >= w.length) {
                w = w == null ? new byte[Math.max(64, row + 1)] : Arrays.copyOf(w, Math.max(row + 1, w.length * 2));
                laneWriters[col] = w;
            }
            w[row] = (byte) (kind < 0 ? UNKNOWN_WRITER : kind + 1);
        }
    }

    public void setFixed(String name, int row, long signedValue) {
        setFixed(fixedRef(name), row, signedValue);
    }

    /**
     * Per lane column (by column index; null for the others), by row: 1 + the kind that last set the cell, 0 never
     * set, {@link #UNKNOWN_WRITER} by index. An array, not a map: every fixed cell a gadget sets on a lane looks it up
     * (a boxed HashMap lookup was 14% of compiling a ResNet-8 segment, JFR 2026-12-06).
     */
    private byte[][] laneWriters = new byte[8][];

    private static final byte UNKNOWN_WRITER = -1;

    /**
     * Counting mode: charges the current layer, in bulk, what a gadget's cell-by-cell calls on the rows it has just
     * claimed (the newest rows of the current step) would charge: fresh advice cells, nonzero fixed cells, gate
     * activations ({@code gates}: kind to count; zero counts add nothing), copies and the columns those copies join.
     * The fixed columns named in {@code gates} must exist. The rows of the step claimed so far are then closed: a later
     * gadget that touched them would be an IllegalStateException, as for a row of an earlier step. {@code DotGadget}
     * counts a dot product this way, from per-output term counts, instead of once per multiply-add.
     */
    public void chargeCounted(long advice, long fixed, Map<String, Long> gates, long copies,
                              java.util.Collection<Column> copyCols) {
        if (!counting) {
            throw new IllegalStateException("chargeCounted is for counting layouts; a filled layout places every cell");
        }
        current.advice += advice;
        current.fixed += fixed;
        for (Map.Entry<String, Long> e : gates.entrySet()) {
            if (e.getValue() > 0) {
                fixed("q_" + e.getKey());
                Counter.bump(current.gates, e.getKey(), e.getValue());
            }
        }
        current.copies += copies;
        for (Column c : copyCols) {
            copyColumn(c);
        }
        openWindow();
    }

    /**
     * Counting mode: the six counters of one layer (advice and nonzero fixed cells, range checks, copies, gate
     * activations by kind, lookups by table), either at one moment ({@link TraceLayout#tally()}) or as the difference of two
     * such moments ({@link TraceLayout#since}, {@link #minus}). A gadget that places many identical rows (or groups of
     * rows) takes a tally, places the first one cell by cell, and {@link TraceLayout#repeat repeats} what that charged for the others instead
     * of placing them.
     */
    public static final class Tally {
        /** The layer counted: a tally is subtracted from, and repeated in, only the layer it was taken in. */
        private final Counter counter;
        private final long advice;
        private final long fixed;
        private final long rangeChecks;
        private final long copies;
        /** By gate kind and by table, sorted, zero counts left out. */
        private final Map<String, Long> gates;
        private final Map<String, Long> lookups;

        private Tally(Counter counter, long advice, long fixed, long rangeChecks, long copies, Map<String, Long> gates,
                      Map<String, Long> lookups) {
            this.counter = counter;
            this.advice = advice;
            this.fixed = fixed;
            this.rangeChecks = rangeChecks;
            this.copies = copies;
            this.gates = gates;
            this.lookups = lookups;
        }

        private static Tally of(Counter c) {
            return new Tally(c, c.advice, c.fixed, c.rangeChecks, c.copies, nonzero(c.gates),
                    nonzero(c.lookups));
        }

        /** What the layer was charged from {@code earlier} to this tally; both must count the same layer. */
        public Tally minus(Tally earlier) {
            if (earlier.counter != counter) {
                throw new IllegalStateException("the tally was taken in another layer than " + counter.layer);
            }
            return new Tally(counter, advice - earlier.advice, fixed - earlier.fixed,
                    rangeChecks - earlier.rangeChecks, copies - earlier.copies, difference(gates, earlier.gates),
                    difference(lookups, earlier.lookups));
        }

        /** The counts of {@code now} less those of {@code before}, by key, sorted, zero differences left out. */
        private static Map<String, Long> difference(Map<String, Long> now, Map<String, Long> before) {
            Map<String, long[]> d = new HashMap<>();
            now.forEach((k, v) -> d.put(k, new long[]{v}));
            before.forEach((k, v) -> Counter.bump(d, k, -v));
            return nonzero(d);
        }

        private static Map<String, Long> nonzero(Map<String, long[]> counts) {
            Map<String, Long> out = new TreeMap<>();
            counts.forEach((k, v) -> {
                if (v[0] != 0) {
                    out.put(k, v[0]);
                }
            });
            return java.util.Collections.unmodifiableMap(out);
        }
    }

    /** Counting mode: the current layer's counters now, for {@link #since} and {@link #repeatSince}. */
    public Tally tally() {
        if (!counting) {
            throw new IllegalStateException("tally is for counting layouts; a filled layout places every cell");
        }
        return Tally.of(current);
    }

    /**
     * Counting mode: what the current layer was charged since {@code since} (advice and nonzero fixed cells, gate
     * activations, lookups by table, range checks, copies), to {@link #repeat} later.
     */
    public Tally since(Tally since) {
        if (!counting) {
            throw new IllegalStateException("since is for counting layouts; a filled layout places every cell");
        }
        return Tally.of(current).minus(since);
    }

    /** {@link #repeat} of what the current layer was charged since {@code since}. */
    public void repeatSince(Tally since, long times, int bulkStart, int bulkRows) {
        repeat(since(since), times, bulkStart, bulkRows);
    }

    /**
     * Counting mode: charges the current layer {@code times} more of {@code charge}, as if the placement it measured
     * were repeated {@code times} more times on fresh rows; those rows, {@code [bulkStart, bulkStart + bulkRows)}, must
     * have been claimed in the current step and not touched. They are marked: an advice or fixed cell set on one of
     * them later is an IllegalStateException, so a repeated row cannot be charged twice. Exact when each repetition
     * would charge what the first did, which holds for a placement on fresh rows that sets the same cells to the same
     * (zero or nonzero) values; copies into the repeated rows, whose sources differ, are made by the caller with
     * {@link #copy} (CountingModeTest compares the result with the filled layout).
     */
    public void repeat(Tally charge, long times, int bulkStart, int bulkRows) {
        if (!counting) {
            throw new IllegalStateException("repeat is for counting layouts; a filled layout places every cell");
        }
        if (charge.counter != current) {
            throw new IllegalStateException("repeat: the charge was measured in another layer than " + current.layer);
        }
        if (times < 0 || bulkRows < 0 || bulkStart < windowStart || (long) bulkStart + bulkRows > rows) {
            throw new IllegalArgumentException("repeat: rows [" + bulkStart + ", " + ((long) bulkStart + bulkRows)
                    + ") x " + times + " are not claimed rows of the current step (window from " + windowStart
                    + ", " + rows + " rows claimed)");
        }
        if (times == 0) {
            return;
        }
        int from = bulkStart - windowStart;
        int already = windowBulk.nextSetBit(from);
        if (already >= 0 && already < from + bulkRows) {
            throw new IllegalStateException("repeat: row " + (windowStart + already) + " was already charged in bulk");
        }
        current.advice += charge.advice * times;
        current.fixed += charge.fixed * times;
        current.rangeChecks += charge.rangeChecks * times;
        current.copies += charge.copies * times;
        charge.gates.forEach((k, v) -> Counter.bump(current.gates, k, v * times));
        charge.lookups.forEach((k, v) -> Counter.bump(current.lookups, k, v * times));
        windowBulk.set(from, from + bulkRows);
    }

    // ---------------------------------------------------------------- gates

    /** The selector column of a gate kind. */
    public Expr selector(String kind) {
        return fixedExpr("q_" + kind);
    }

    /** Registers a gate once (the expression is built on first registration). */
    public void gate(String name, Supplier<Expr> poly) {
        if (!gateDefs.containsKey(name)) {
            gateReads = new ArrayList<>();
            try {
                gateDefs.put(name, poly.get());
                laneReads.put(name, gateReads);
            } finally {
                gateReads = null;
            }
        }
    }

    /** Selector column of each gate kind (kinds are few; this spares building "q_" + kind once per row). */
    private final Map<String, Integer> selectorCols = new HashMap<>();

    /** Turns a selector on at a row and counts one activation of that gate kind for the current layer. */
    public void enable(String kind, int row) {
        Integer col = selectorCols.get(kind);
        if (col == null) {
            col = fixed("q_" + kind);
            selectorCols.put(kind, col);
        }
        setFixed(col, row, 1);
        Counter.bump(current.gates, kind, 1);
    }

    // ---------------------------------------------------------------- lookups

    /** Range-checks advice cell (col, row), col a range column, against [0, 2^bits). Counted as one lookup. */
    public void rangeLookup(int col, int row, int bits) {
        if (col < 0 || col >= geo.rangeCols()) {
            throw new IllegalArgumentException("column " + col + " is not a range column");
        }
        if (rangeTagCol[col] < 0) {
            rangeTagCol[col] = fixed("range_tag" + col);
        }
        int tag = bits >= 0 && bits < rangeTags.length ? rangeTags[bits] : 0;
        if (tag == 0) {
            tag = tables.rangeTag(bits);
            if (bits >= 0 && bits < rangeTags.length) {
                rangeTags[bits] = tag;
            }
        }
        setFixed(rangeTagCol[col], row, tag);
        Counter.bump(current.lookups, rangeName(bits), 1);
    }

    /** Tags of the range tables by width, once registered (0: not yet; tags start at 1). */
    private final int[] rangeTags = new int[65];

    private final String[] rangeNames = new String[65];

    private String rangeName(int bits) {
        if (bits < 0 || bits >= rangeNames.length) {
            return Tables.rangeName(bits);
        }
        String n = rangeNames[bits];
        return n != null ? n : (rangeNames[bits] = Tables.rangeName(bits));
    }

    /** Counts one range check (a value decomposed into limbs) for the current layer. */
    public void countRangeCheck() {
        current.rangeChecks++;
    }

    /** Looks up the pair (a[2*lane], a[2*lane+1]) at a row in a function table. */
    public void functionLookup(int lane, int row, Tables.FunctionTable table) {
        if (lane < 0 || lane >= geo.fnLanes()) {
            throw new IllegalArgumentException("function lane " + lane + " outside [0, " + geo.fnLanes() + ")");
        }
        if (fnTagCol[lane] < 0) {
            fnTagCol[lane] = fixed("fn_tag" + lane);
        }
        setFixed(fnTagCol[lane], row, table.tag());
        Counter.bump(current.lookups, table.name(), 1);
    }

    // ---------------------------------------------------------------- copies, constants, fillers

    /** Constrains two cells to be equal (no-op when they are the same cell). */
    public void copy(Cell a, Cell b) {
        // the same cell (rows compared first: they differ for nearly every copy, and cost less than the columns)
        if (a == b || (a.row() == b.row() && a.column().equals(b.column()))) {
            return;
        }
        if (counting) {
            copyColumn(a.column());
            copyColumn(b.column());
        } else {
            copies.add(new Copy(a, b));
        }
        current.copies++;
    }

    /**
     * An advice cell constrained to hold the constant {@code v} (gate {@code const}: q * (a_c - k_c) = 0 per column
     * c). Constants are shared: the first request places them, in rows of the "constants" layer.
     */
    public Cell constant(long v) {
        Cell c = constants.get(v);
        if (c != null) {
            return c;
        }
        Counter saved = current;
        current = layers.get("constants");
        if (constRow < 0 || constUsed == width) {
            constRow = allocRows(1, "constant");
            constRows.put(constRow, new BitSet[] {new BitSet(), new BitSet()});
            constUsed = 0;
            enable("const", constRow);
        }
        int col = constUsed++;
        gate("const" + col, () -> selector("const").times(Column.advice(col).cur().minus(fixedExpr("const_k" + col))));
        c = advice(col, constRow);
        setFixed("const_k" + col, constRow, v);
        final Cell cell = c;
        if (!counting) {
            fillers.add(t -> t.set(cell, v));
        }
        // unused constant slots of the row hold 0 and their k is 0: the gate holds there too.
        constants.put(v, c);
        current = saved;
        return c;
    }

    /** Registers witness generation (dropped by a counting layout). */
    public void filler(Consumer<Trace> f) {
        if (!counting) {
            fillers.add(f);
        }
    }

    /** Runs every filler in placement order on a fresh trace of the built circuit's shape. Filled layouts only. */
    public Trace fill(Circuit circuit, Consumer<Trace> inputs) {
        requireFilled("witness generators");
        Trace t = new Trace(circuit.numAdvice(), circuit.numInstance(), circuit.n());
        inputs.accept(t);
        for (Consumer<Trace> f : fillers) {
            f.accept(t);
        }
        return t;
    }

    // ---------------------------------------------------------------- build

    /**
     * The circuit and its ledger. A counting layout builds no circuit ({@code circuit} is null); its constraint system
     * (gates, lookups, the columns in copies, the shape) is there in both modes.
     */
    public record Built(Circuit circuit, ConstraintSystem system, CostLedger ledger) {
    }

    /**
     * Freezes the layout: picks logN so that gadget rows, table rows (plus the all-zero table row) and instance rows
     * fit below the reserved blinding rows, lays the tables out, and builds the circuit and the ledger.
     *
     * @param maxLogN the largest trace the caller accepts; a larger need is a {@link CompileException}
     */
    public Built build(String name, int reservedRows, int minLogN, int maxLogN) {
        long tableRows = tables.rows();
        long need = Math.max(Math.max(rows, tableRows + 1), instanceRows) + reservedRows;
        int naturalLogN = 1;
        while ((1L << naturalLogN) < need) {
            naturalLogN++;
        }
        int logN = Math.max(minLogN, naturalLogN);
        if (logN > maxLogN) {
            StringBuilder sb = new StringBuilder("circuit " + name + " needs 2^" + logN + " rows (gadgets " + rows
                    + ", tables " + tableRows + ", reserved " + reservedRows + ") but the limit is 2^" + maxLogN + ".");
            if (tableRows + 1 > rows) {
                sb.append(" The lookup tables set the height:");
                for (TableInfo t : tables.infos()) {
                    sb.append(' ').append(t.name()).append('=').append(t.size());
                }
                sb.append(". Narrow the calibrated input ranges (lower input scale), or decompose:"
                        + " smaller limbBits for range tables.");
            } else {
                sb.append(" Raise innerCols to pack more products per row.");
            }
            throw new CompileException(sb.toString());
        }
        int n = 1 << Math.min(logN, 30);
        int usable = (int) Math.min(Integer.MAX_VALUE, (1L << logN) - reservedRows);

        int tTag = -1;
        int tX = -1;
        int tY = -1;
        boolean anyRange = false;
        boolean anyFn = false;
        for (int c : rangeTagCol) {
            anyRange |= c >= 0;
        }
        for (int c : fnTagCol) {
            anyFn |= c >= 0;
        }
        if (anyRange || anyFn) {
            tTag = fixed("table_tag");
            tX = fixed("table_x");
            tY = fixed("table_y");
        }
        long[][] fixed = null;
        if (!counting) {
            fixed = new long[fixedNames.size()][];
            for (int c = 0; c < fixed.length; c++) {
                fixed[c] = Arrays.copyOf(fixedValues.get(c), n);
            }
            if (tTag >= 0) {
                tables.fill(fixed[tTag], fixed[tX], fixed[tY]);
            }
            checkLanes(fixed, n);
        }

        List<Gate> gates = new ArrayList<>();
        for (Map.Entry<String, Expr> e : gateDefs.entrySet()) {
            gates.add(new Gate(e.getKey(), e.getValue()));
        }
        List<Lookup> lookups = new ArrayList<>();
        if (tTag >= 0) {
            Expr tag = Column.fixed(tTag).cur();
            Expr x = Column.fixed(tX).cur();
            Expr y = Column.fixed(tY).cur();
            for (int c = 0; c < rangeTagCol.length; c++) {
                if (rangeTagCol[c] >= 0) {
                    Expr q = Column.fixed(rangeTagCol[c]).cur();
                    lookups.add(new Lookup("range_a" + c, List.of(q, q.times(Column.advice(c).cur())),
                            List.of(tag, tag.times(x))));
                }
            }
            for (int l = 0; l < fnTagCol.length; l++) {
                if (fnTagCol[l] >= 0) {
                    Expr q = Column.fixed(fnTagCol[l]).cur();
                    lookups.add(new Lookup("fn_lane" + l, List.of(q, q.times(Column.advice(2 * l).cur()),
                            q.times(Column.advice(2 * l + 1).cur())), List.of(tag, tag.times(x), tag.times(y))));
                }
            }
        }
        Circuit circuit = null;
        ConstraintSystem system;
        int maxDegree = 1;
        if (!counting) {
            circuit = new Circuit(name, logN, usable, width, 1, fixed, gates, lookups, copies, new ArrayList<>(regions));
            system = ConstraintSystem.of(circuit);
            maxDegree = circuit.maxGateDegree();
        } else {
            for (Gate g : gates) {
                maxDegree = Math.max(maxDegree, g.degree());
            }
            system = new ConstraintSystem(name, logN, usable, fixedNames.size(), width, 1, gates, lookups,
                    copyColumnList(), List.of());
        }

        List<LayerCost> costs = new ArrayList<>();
        for (Counter k : layers.values()) {
            if (k.rows == 0 && k.copies == 0 && k.advice == 0 && k.fixed == 0 && k.layer.equals("constants")) {
                continue;
            }
            costs.add(new LayerCost(k.layer, k.op, k.rows, k.advice, k.fixed, Counter.sorted(k.gates),
                    Counter.sorted(k.lookups), k.rangeChecks,
                    k.copies, rows == 0 ? 0 : (double) k.rows / rows));
        }
        CostLedger ledger = new CostLedger(costs, tables.infos(), logN, rows, (int) tableRows, reservedRows,
                width, fixedNames.size(), 1, maxDegree, naturalLogN);
        return new Built(circuit, system, ledger);
    }

    /** The labelled row ranges (layer, gadget), merged where one gadget continues the previous range. */
    public List<Region> regions() {
        return java.util.Collections.unmodifiableList(regions);
    }
}
