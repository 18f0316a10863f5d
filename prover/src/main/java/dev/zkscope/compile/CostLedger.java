package dev.zkscope.compile;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The exact cost of a compiled circuit, read off the layout the prover uses: one {@link LayerCost} per layer in
 * placement order, the lookup tables, and the trace shape.
 *
 * @param layers        per-layer costs, in placement order
 * @param tables        the logical tables of the shared tagged table
 * @param logN          the trace has 2^logN rows
 * @param gadgetRows    rows used by gadgets (sum of the layers' rows)
 * @param tableRows     rows used by lookup tables (sum of the tables' sizes)
 * @param reservedRows  rows reserved at the end for the prover's blinding
 * @param numAdvice     advice columns
 * @param numFixed      fixed columns
 * @param numInstance   instance columns
 * @param maxGateDegree the largest gate degree
 * @param naturalLogN   the height the rows alone need (gadgets, tables, instance, reserved); logN is larger when the
 *                      trace was padded up to a minimum (zero knowledge needs 2^{@code ProofParameters.minLogN()})
 */
public record CostLedger(List<LayerCost> layers, List<TableInfo> tables, int logN, int gadgetRows, int tableRows,
                         int reservedRows, int numAdvice, int numFixed, int numInstance, int maxGateDegree,
                         int naturalLogN) {
    public CostLedger {
        layers = List.copyOf(layers);
        tables = List.copyOf(tables);
    }

    public int n() {
        return 1 << logN;
    }

    public long totalAdviceCells() {
        return layers.stream().mapToLong(LayerCost::adviceCells).sum();
    }

    public long totalFixedCells() {
        return layers.stream().mapToLong(LayerCost::fixedCells).sum();
    }

    public long totalCopies() {
        return layers.stream().mapToLong(LayerCost::copies).sum();
    }

    public long totalLookups() {
        return layers.stream().mapToLong(LayerCost::lookupCount).sum();
    }

    public long totalRangeChecks() {
        return layers.stream().mapToLong(LayerCost::rangeChecks).sum();
    }

    /** Gate activations by kind over the whole circuit. */
    public Map<String, Long> totalGates() {
        Map<String, Long> out = new TreeMap<>();
        for (LayerCost l : layers) {
            l.gates().forEach((k, v) -> out.merge(k, v, Long::sum));
        }
        return out;
    }

    /** Lookup inputs by table over the whole circuit. */
    public Map<String, Long> totalLookupsByTable() {
        Map<String, Long> out = new TreeMap<>();
        for (LayerCost l : layers) {
            l.lookups().forEach((k, v) -> out.merge(k, v, Long::sum));
        }
        return out;
    }

    /** The smallest trace height 2^k that would hold the gadget rows and the reserved rows, tables left out. */
    public int logNWithoutTables() {
        int k = 1;
        while ((1L << k) < (long) gadgetRows + reservedRows) {
            k++;
        }
        return Math.min(k, logN);
    }

    /** True when the lookup tables, not the gadgets, set the trace height (the trace is larger because of them). */
    public boolean tablesSetHeight() {
        return logNWithoutTables() < naturalLogN && !padded();
    }

    /** True when the trace was padded above what its rows need, to the minimum height the proof preset accepts. */
    public boolean padded() {
        return naturalLogN < logN;
    }

    /** When the trace was padded: by how much and why. Empty otherwise. */
    public java.util.Optional<String> paddingNote() {
        if (!padded()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(Locale.ROOT, "padded to 2^%d rows where its %,d rows fit 2^%d: zero "
                + "knowledge at this preset needs a trace of at least 2^%d rows, so that the random polynomial that masks "
                + "the FRI layers outnumbers what the queries reveal (zero knowledge off needs no padding)",
                logN, Math.max((long) gadgetRows, tableRows + 1L) + reservedRows, naturalLogN, logN));
    }

    /**
     * When the tables set the trace height: which tables, what the gadgets alone need, and what shrinks the tables.
     * Empty when the gadgets set it. Range tables are already decomposed (wide values are split into limbs of at
     * most a few bits), so only function tables can be this large; their size is the calibrated input range at the
     * activation scale, which halves with each step down of the input scale.
     */
    public java.util.Optional<String> heightNote() {
        if (!tablesSetHeight()) {
            return java.util.Optional.empty();
        }
        List<TableInfo> big = new java.util.ArrayList<>(tables);
        big.sort((a, b) -> Integer.compare(b.size(), a.size()));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "the lookup tables set the trace height: 2^%d for %,d table rows, where the %,d gadget rows alone would "
                        + "fit 2^%d (half the rows to commit). Largest:", logN, tableRows, gadgetRows, logNWithoutTables()));
        for (int i = 0; i < Math.min(3, big.size()); i++) {
            TableInfo t = big.get(i);
            sb.append(String.format(Locale.ROOT, "%s %s [%d, %d] %,d rows", i == 0 ? "" : ",", t.name(), t.inputMin(),
                    t.inputMax(), t.size()));
        }
        sb.append(". Each step down of the input scale (Settings > Input scale in the app, --input-scale on the command "
                + "line) halves a function table's input range, at some cost in accuracy (see the fidelity report).");
        return java.util.Optional.of(sb.toString());
    }

    public LayerCost layer(String name) {
        for (LayerCost l : layers) {
            if (l.layer().equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no layer " + name + " in the ledger");
    }

    /**
     * The ledger as CSV, stable across runs (maps in key order): a header line, one line per layer, one line per
     * table, and one line with the trace shape. This is the format of the committed golden ledgers.
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        sb.append("kind,name,op,rows,advice_cells,fixed_cells,gates,lookups,range_checks,copies,share\n");
        for (LayerCost l : layers) {
            sb.append("layer,").append(field(l.layer())).append(',').append(field(l.op())).append(',').append(l.rows()).append(',')
                    .append(l.adviceCells()).append(',').append(l.fixedCells()).append(',')
                    .append(joinMap(l.gates())).append(',').append(joinMap(l.lookups())).append(',')
                    .append(l.rangeChecks()).append(',').append(l.copies()).append(',')
                    .append(String.format(Locale.ROOT, "%.4f", l.share())).append('\n');
        }
        sb.append("kind,name,function,input_min,input_max,size,tag\n");
        for (TableInfo t : tables) {
            sb.append("table,").append(field(t.name())).append(',').append(field(t.function())).append(',').append(t.inputMin())
                    .append(',').append(t.inputMax()).append(',').append(t.size()).append(',').append(t.tag()).append('\n');
        }
        sb.append("kind,logN,gadget_rows,table_rows,reserved_rows,advice_cols,fixed_cols,instance_cols,max_degree\n");
        sb.append("trace,").append(logN).append(',').append(gadgetRows).append(',').append(tableRows).append(',')
                .append(reservedRows).append(',').append(numAdvice).append(',').append(numFixed).append(',')
                .append(numInstance).append(',').append(maxGateDegree).append('\n');
        return sb.toString();
    }

    /** A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
    static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String joinMap(Map<String, Long> m) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : new TreeMap<>(m).entrySet()) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(e.getKey().replace(',', ';').replace('"', '\'')).append('=').append(e.getValue());
        }
        return sb.toString();
    }
}
