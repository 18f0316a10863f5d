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
 * <p>Lookups. One tagged fixed table (tag, x, y) serves every logical table ({@link Tables}). Each range column j
 * has a tag column q_j and the lookup (q_j, q_j*a_j) in (T, T*X); each function lane l has a tag column and the lookup
 * (q, q*x, q*y) in (T, T*X, T*Y). Where q = 0 the input is all zeros, which every table row with T = 0 matches; the
 * table always keeps such a row. Where q != 0 the match forces q = T and then a = X (and y = Y), since q is invertible.
 */
public final class Layout {
    private final Geometry geo;
    private final int width;
    private int rows;
    private int instanceRows;

    private final List<String> fixedNames = new ArrayList<>();
    private final Map<String, Integer> fixedIndex = new HashMap<>();
    private final List<long[]> fixedValues = new ArrayList<>();
    private final Map<String, Expr> gateDefs = new LinkedHashMap<>();
    private final List<Copy> copies = new ArrayList<>();
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
        final Map<String, Long> gates = new TreeMap<>();
        final Map<String, Long> lookups = new TreeMap<>();
        long rangeChecks;
        long copies;

        Counter(String layer, String op) {
            this.layer = layer;
            this.op = op;
        }
    }

    public Layout(Geometry geo) {
        this.geo = geo;
        this.width = geo.width();
        this.assigned = new BitSet[width];
        for (int c = 0; c < assigned.length; c++) {
            assigned[c] = new BitSet();
        }
        this.rangeTagCol = new int[geo.rangeCols()];
        Arrays.fill(rangeTagCol, -1);
        this.fnTagCol = new int[geo.fnLanes()];
        Arrays.fill(fnTagCol, -1);
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

    /** Names of the fixed columns, by index (selectors are "q_" + gate kind). */
    public List<String> fixedNames() {
        return List.copyOf(fixedNames);
    }

    /** Whether a gadget assigned advice cell (col, row). */
    public boolean isAssigned(int col, int row) {
        return assigned[col].get(row);
    }

    /** Number of advice cells assigned by all gadgets. */
    public long assignedCount() {
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

    /** Charges the rows placed from now on to step {@code index} of the layer IR (-1: no step). */
    public void beginStep(int index) {
        currentStep = index;
    }

    /** Every row allocation in placement order. */
    public List<Placement> placements() {
        return java.util.Collections.unmodifiableList(placements);
    }

    /** Claims {@code count} fresh rows and labels them; returns the first. */
    public int allocRows(int count, String gadget) {
        int start = rows;
        rows += count;
        current.rows += count;
        if (count > 0) {
            placements.add(new Placement(current.layer, currentStep, gadget, start, count));
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
        if (!assigned[col].get(row)) {
            assigned[col].set(row);
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

    /** The index of the fixed column named {@code name}, created on first use. */
    public int fixed(String name) {
        Integer idx = fixedIndex.get(name);
        if (idx == null) {
            idx = fixedNames.size();
            fixedNames.add(name);
            fixedIndex.put(name, idx);
            fixedValues.add(new long[64]);
        }
        return idx;
    }

    public Expr fixedExpr(String name) {
        return Column.fixed(fixed(name)).cur();
    }

    /** Sets a fixed cell to a signed value (charged to the current layer when nonzero). */
    public void setFixed(int col, int row, long signedValue) {
        long[] vals = fixedValues.get(col);
        if (row >= vals.length) {
            vals = Arrays.copyOf(vals, Math.max(row + 1, vals.length * 2));
            fixedValues.set(col, vals);
        }
        long v = Goldilocks.fromSigned(signedValue);
        if (vals[row] == 0 && v != 0) {
            current.fixed++;
        } else if (vals[row] != 0 && v == 0) {
            current.fixed--;
        }
        vals[row] = v;
    }

    public void setFixed(String name, int row, long signedValue) {
        setFixed(fixed(name), row, signedValue);
    }

    // ---------------------------------------------------------------- gates

    /** The selector column of a gate kind. */
    public Expr selector(String kind) {
        return fixedExpr("q_" + kind);
    }

    /** Registers a gate once (the expression is built on first registration). */
    public void gate(String name, Supplier<Expr> poly) {
        if (!gateDefs.containsKey(name)) {
            gateDefs.put(name, poly.get());
        }
    }

    /** Turns a selector on at a row and counts one activation of that gate kind for the current layer. */
    public void enable(String kind, int row) {
        setFixed("q_" + kind, row, 1);
        current.gates.merge(kind, 1L, Long::sum);
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
        setFixed(rangeTagCol[col], row, tables.rangeTag(bits));
        current.lookups.merge(Tables.rangeName(bits), 1L, Long::sum);
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
        current.lookups.merge(table.name(), 1L, Long::sum);
    }

    // ---------------------------------------------------------------- copies, constants, fillers

    /** Constrains two cells to be equal (no-op when they are the same cell). */
    public void copy(Cell a, Cell b) {
        if (a.equals(b)) {
            return;
        }
        copies.add(new Copy(a, b));
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
            constUsed = 0;
            enable("const", constRow);
        }
        int col = constUsed++;
        gate("const" + col, () -> selector("const").times(Column.advice(col).cur().minus(fixedExpr("const_k" + col))));
        c = advice(col, constRow);
        setFixed("const_k" + col, constRow, v);
        final Cell cell = c;
        fillers.add(t -> t.set(cell, v));
        // unused constant slots of the row hold 0 and their k is 0: the gate holds there too.
        constants.put(v, c);
        current = saved;
        return c;
    }

    public void filler(Consumer<Trace> f) {
        fillers.add(f);
    }

    /** Runs every filler in placement order on a fresh trace of the built circuit's shape. */
    public Trace fill(Circuit circuit, Consumer<Trace> inputs) {
        Trace t = new Trace(circuit.numAdvice(), circuit.numInstance(), circuit.n());
        inputs.accept(t);
        for (Consumer<Trace> f : fillers) {
            f.accept(t);
        }
        return t;
    }

    // ---------------------------------------------------------------- build

    /** The circuit and its ledger. */
    public record Built(Circuit circuit, CostLedger ledger) {
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
        int n = 1 << logN;
        int usable = n - reservedRows;

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
        long[][] fixed = new long[fixedNames.size()][];
        for (int c = 0; c < fixed.length; c++) {
            fixed[c] = Arrays.copyOf(fixedValues.get(c), n);
        }
        if (tTag >= 0) {
            tables.fill(fixed[tTag], fixed[tX], fixed[tY]);
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
        List<Region> regs = new ArrayList<>(regions);
        Circuit circuit = new Circuit(name, logN, usable, width, 1, fixed, gates, lookups, copies, regs);

        List<LayerCost> costs = new ArrayList<>();
        for (Counter k : layers.values()) {
            if (k.rows == 0 && k.copies == 0 && k.advice == 0 && k.fixed == 0 && k.layer.equals("constants")) {
                continue;
            }
            costs.add(new LayerCost(k.layer, k.op, k.rows, k.advice, k.fixed, k.gates, k.lookups, k.rangeChecks,
                    k.copies, rows == 0 ? 0 : (double) k.rows / rows));
        }
        CostLedger ledger = new CostLedger(costs, tables.infos(), logN, rows, (int) tableRows, reservedRows,
                width,
                fixed.length, 1, circuit.maxGateDegree(), naturalLogN);
        return new Built(circuit, ledger);
    }
}
