package dev.zkscope.compile;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Checker;
import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Region;
import dev.zkscope.circuit.Violation;
import dev.zkscope.compile.gadget.LinkGadget;
import dev.zkscope.compile.gadget.Poseidon2Gadget;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Step;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model compiled to a circuit: the circuit the prover proves, its exact {@link CostLedger}, per-layer info and the
 * lookup tables; and the witness generator, which replays the layout on one quantized input.
 */
public final class CompiledModel {
    private final QModel model;
    private final CompileOptions options;
    private final TraceLayout layout;
    private final Circuit circuit;
    private final dev.zkscope.plonk.ConstraintSystem system;
    private final CostLedger ledger;
    private final List<LayerInfo> layers;
    private final Cell[] inputCells;
    private final Cell[] outputCells;
    private final Cell[][] tensorCells;
    private final Poseidon2Gadget.Hashed weightsHash;
    private final List<Poseidon2Gadget.Hashed> inputHashes;
    private final List<Poseidon2Gadget.Hashed> outputHashes;
    private final List<LinkGadget.Linked> inputLinks;
    private final List<LinkGadget.Linked> outputLinks;
    /** The public link challenge's two cells, or null without links. */
    private final Cell[] gammaCells;
    private long peakLiveCells = -1;

    CompiledModel(QModel model, CompileOptions options, TraceLayout layout, TraceLayout.Built built, List<LayerInfo> layers,
                  Cell[] inputCells, Cell[] outputCells, Cell[][] tensorCells, Poseidon2Gadget.Hashed weightsHash,
                  List<Poseidon2Gadget.Hashed> inputHashes, List<Poseidon2Gadget.Hashed> outputHashes,
                  List<LinkGadget.Linked> inputLinks, List<LinkGadget.Linked> outputLinks, Cell[] gammaCells) {
        this.inputLinks = List.copyOf(inputLinks);
        this.outputLinks = List.copyOf(outputLinks);
        this.gammaCells = gammaCells;
        this.weightsHash = weightsHash;
        this.inputHashes = List.copyOf(inputHashes);
        this.outputHashes = List.copyOf(outputHashes);
        this.model = model;
        this.options = options;
        this.layout = layout;
        this.circuit = built.circuit();
        this.system = built.system();
        this.ledger = built.ledger();
        this.layers = List.copyOf(layers);
        this.inputCells = inputCells;
        this.outputCells = outputCells;
        this.tensorCells = tensorCells;
    }

    /**
     * The circuit the prover proves. Not kept by a counted model ({@link #counted()}): compile it with
     * {@link ModelCompiler#compile} for that.
     */
    public Circuit circuit() {
        if (circuit == null) {
            throw new IllegalStateException("model " + model.name() + " was counted, not compiled: it has a ledger "
                    + "but no circuit (ModelCompiler.compile builds one)");
        }
        return circuit;
    }

    /**
     * Of a counted model: the most activation cells the placement held at once (a tensor's cells are dropped after
     * the last step that reads them); -1 for a compiled model, which keeps every tensor's cells.
     */
    public long peakLiveCells() { return peakLiveCells; }

    CompiledModel withPeakLiveCells(long cells) {
        this.peakLiveCells = cells;
        return this;
    }

    /** Whether this model was only counted ({@link ModelCompiler#count}): ledger and constraint system, no circuit. */
    public boolean counted() { return circuit == null; }

    /** The circuit's shape and constraints without fixed values or copies; there in both modes. */
    public dev.zkscope.plonk.ConstraintSystem constraintSystem() { return system; }

    public CostLedger ledger() { return ledger; }
    public List<LayerInfo> layers() { return layers; }
    public List<TableInfo> tables() { return ledger.tables(); }
    public QModel model() { return model; }

    /** The layout the circuit was built from (fixed column names, assigned cells). */
    public TraceLayout layout() { return layout; }
    public CompileOptions options() { return options; }

    /**
     * Where each kind of public value sits in the instance column: the public input (when PUBLIC), the output (when
     * PUBLIC), then the 4-element digests of what is HASHED, in the order weights, input, output (an input or output
     * hashed in groups, {@link QModel#hashGroups}, has one digest per group from its offset on, in order). An offset
     * is -1 when that kind is absent.
     */
    public record PublicLayout(int inputCount, int outputCount, int weightsDigestAt, int inputDigestAt,
                               int outputDigestAt, int total, int gammaAt, int inputLinkAt, int outputLinkAt) {
        public PublicLayout(int inputCount, int outputCount, int weightsDigestAt, int inputDigestAt,
                            int outputDigestAt, int total) {
            this(inputCount, outputCount, weightsDigestAt, inputDigestAt, outputDigestAt, total, -1, -1, -1);
        }

        /** The digest at {@code at} (4 field elements) out of signed public values, or null when at is -1. */
        public long[] digest(long[] signedPublicValues, int at) {
            if (at < 0) {
                return null;
            }
            long[] d = new long[dev.zkscope.hash.Poseidon2.DIGEST];
            for (int i = 0; i < d.length; i++) {
                d[i] = dev.zkscope.field.Goldilocks.fromSigned(signedPublicValues[at + i]);
            }
            return d;
        }
    }

    public PublicLayout publicLayout() {
        int in = options.input() == CompileOptions.Visibility.PUBLIC ? inputCells.length : 0;
        int out = options.output() == CompileOptions.Visibility.PUBLIC ? outputCells.length : 0;
        int at = in + out;
        int d = dev.zkscope.hash.Poseidon2.DIGEST;
        int w = weightsHash == null ? -1 : at;
        at += weightsHash == null ? 0 : d;
        int i = inputHashes.isEmpty() ? -1 : at;
        at += inputHashes.size() * d;
        int o = outputHashes.isEmpty() ? -1 : at;
        at += outputHashes.size() * d;
        int g = gammaCells == null ? -1 : at;
        at += gammaCells == null ? 0 : 2;
        int li = inputLinks.isEmpty() ? -1 : at;
        at += 2 * inputLinks.size();
        int lo = outputLinks.isEmpty() ? -1 : at;
        at += 2 * outputLinks.size();
        return new PublicLayout(in, out, w, i, o, at, g, li, lo);
    }

    /** Whether the circuit has linked groups: then advice columns [0, {@link LinkGadget#VALUES}) are committed apart. */
    public boolean linked() {
        return gammaCells != null;
    }

    /**
     * The advice columns committed in their own tree before the link challenge is drawn (keygen's
     * {@code committedAdvice}): the link streams' columns when the circuit has linked groups, else none.
     */
    public List<Integer> committedColumns() {
        if (!linked()) {
            return List.of();
        }
        List<Integer> c = new ArrayList<>();
        for (int k = 0; k < LinkGadget.VALUES; k++) {
            c.add(k);
        }
        return List.copyOf(c);
    }

    /** Number of public values (instance rows): the input when public, then the output. */
    public int publicCount() {
        return layout.instanceRows();
    }

    /**
     * {@link #witness(long[], Salts)} with fresh random salts: hashed values get commitments that link to nothing.
     */
    public ModelWitness witness(long[] input) {
        return witness(input, Salts.random());
    }

    /**
     * Fills the trace for one quantized input by running every gadget's witness generation in placement order; the
     * salts of hashed visibility are those given (unused ones are ignored).
     * A value outside a table's range or a range check's width is a {@link WitnessException} naming the node.
     */
    public ModelWitness witness(long[] input, Salts salts) {
        return witness(input, salts, null, null);
    }

    /** Digests (or fingerprints) of the hashed (or linked) input's groups ({@link QModel#hashGroups}); else 0. */
    public int inputGroupCount() { return inputHashes.size() + inputLinks.size(); }

    /** Digests (or fingerprints) of the hashed (or linked) output's groups; else 0. */
    public int outputGroupCount() { return outputHashes.size() + outputLinks.size(); }

    /**
     * {@link #witness(long[], Salts)} with one salt per group of a hashed input and output hashed in groups
     * ({@link QModel#hashGroups}); a null array takes the {@code salts}' input or output salt for its single group.
     */
    public ModelWitness witness(long[] input, Salts salts, long[][] inputGroupSalts, long[][] outputGroupSalts) {
        return witness(input, salts, inputGroupSalts, outputGroupSalts, null);
    }

    /**
     * As {@link #witness(long[], Salts, long[][], long[][])}, for a circuit with linked groups: {@code gamma} is the
     * link challenge (two field elements), and each linked group's salt (one per group, as for hashed groups) gives
     * its stream's two mask elements. The separately committed columns do not depend on gamma.
     */
    public ModelWitness witness(long[] input, Salts salts, long[][] inputGroupSalts, long[][] outputGroupSalts,
                                long[] gamma) {
        circuit();
        if (linked() != (gamma != null)) {
            throw new IllegalArgumentException("model " + model.name() + (linked()
                    ? " has linked groups: give the link challenge" : " has no linked groups, but a challenge was given"));
        }
        long[][] inSalts = inputLinks.isEmpty()
                ? groupSalts(inputGroupSalts, inputHashes, salts.input(), "input")
                : linkSalts(inputGroupSalts, inputLinks, "input");
        long[][] outSalts = outputLinks.isEmpty()
                ? groupSalts(outputGroupSalts, outputHashes, salts.output(), "output")
                : linkSalts(outputGroupSalts, outputLinks, "output");
        if (input.length != inputCells.length) {
            throw new IllegalArgumentException("model " + model.name() + " takes " + inputCells.length
                    + " input values, got " + input.length);
        }
        long bound = model.inputBound();
        for (int i = 0; i < input.length; i++) {
            if (Math.abs(input[i]) > bound) {
                throw new WitnessException("input", input[i], "input element " + i + " = " + input[i]
                        + " is outside the circuit's input domain |x| <= " + bound + " (CompileOptions.inputAbsMax)");
            }
        }
        Trace t = layout.fill(circuit, tr -> {
            for (int i = 0; i < input.length; i++) {
                tr.set(inputCells[i], input[i]);
            }
            setSalt(tr, weightsHash, salts.weights());
            for (int g = 0; g < inputHashes.size(); g++) {
                setSalt(tr, inputHashes.get(g), inSalts[g]);
            }
            for (int g = 0; g < outputHashes.size(); g++) {
                setSalt(tr, outputHashes.get(g), outSalts[g]);
            }
            if (gamma != null) {
                for (int k = 0; k < 2; k++) {
                    tr.set(gammaCells[k], dev.zkscope.field.Goldilocks.toSigned(gamma[k]));
                }
                setLinks(tr, inputLinks, inSalts, gamma);
                setLinks(tr, outputLinks, outSalts, gamma);
            }
        });
        long[] out = new long[outputCells.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.get(outputCells[i]);
        }
        long[] pub = new long[publicCount()];
        for (int i = 0; i < pub.length; i++) {
            pub[i] = t.get(new Cell(dev.zkscope.circuit.Column.instance(0), i));
        }
        return new ModelWitness(t.toWitness(), pub, out);
    }

    private long[][] groupSalts(long[][] given, List<Poseidon2Gadget.Hashed> hashes, long[] single, String what) {
        if (given == null) {
            if (hashes.size() > 1) {
                throw new IllegalArgumentException("model " + model.name() + " hashes its " + what + " in "
                        + hashes.size() + " groups: give one salt per group");
            }
            return new long[][] {single};
        }
        if (given.length != hashes.size()) {
            throw new IllegalArgumentException("model " + model.name() + " hashes its " + what + " in "
                    + hashes.size() + " groups, got " + given.length + " salts");
        }
        for (long[] s : given) {
            new Salts(s, s, s); // checks length and canonical form
        }
        return given;
    }

    private long[][] linkSalts(long[][] given, List<LinkGadget.Linked> links, String what) {
        if (given == null || given.length != links.size()) {
            throw new IllegalArgumentException("model " + model.name() + " links its " + what + " in "
                    + links.size() + " groups, got " + (given == null ? "no" : given.length) + " salts");
        }
        for (long[] s : given) {
            new Salts(s, s, s); // checks length and canonical form
        }
        return given;
    }

    private static void setLinks(Trace t, List<LinkGadget.Linked> links, long[][] salts, long[] gamma) {
        for (int g = 0; g < links.size(); g++) {
            LinkGadget.Linked h = links.get(g);
            for (int k = 0; k < LinkGadget.MASK; k++) {
                t.set(h.mask()[k], dev.zkscope.field.Goldilocks.toSigned(salts[g][k]));
                t.set(h.gamma()[k], dev.zkscope.field.Goldilocks.toSigned(gamma[k]));
            }
        }
    }

    private static void setSalt(Trace t, Poseidon2Gadget.Hashed h, long[] salt) {
        if (h != null) {
            for (int i = 0; i < salt.length; i++) {
                t.set(h.salt()[i], dev.zkscope.field.Goldilocks.toSigned(salt[i]));
            }
        }
    }

    /**
     * Like {@link #witness(long[])}, and also compares every node's output in the trace with the tensors of a
     * reference quantized evaluation (node name to integers); a difference is an IllegalStateException naming the node.
     */
    public ModelWitness witness(long[] input, Map<String, long[]> reference) {
        ModelWitness w = witness(input);
        for (Map.Entry<String, long[]> e : reference.entrySet()) {
            Integer tensor = model.nodeOutputs().get(e.getKey());
            if (tensor == null || tensorCells[tensor] == null) {
                continue;
            }
            Cell[] cells = tensorCells[tensor];
            long[] ref = e.getValue();
            if (ref.length != cells.length) {
                throw new IllegalStateException("node " + e.getKey() + ": reference has " + ref.length
                        + " values, the circuit " + cells.length);
            }
            for (int i = 0; i < ref.length; i++) {
                long v = dev.zkscope.field.Goldilocks.toSigned(w.witness().value(circuit, cells[i].column(), cells[i].row()));
                if (v != ref[i]) {
                    throw new IllegalStateException("node " + e.getKey() + " element " + i + ": circuit " + v
                            + ", quantized evaluator " + ref[i]);
                }
            }
        }
        return w;
    }

    /** The cells holding a node's output tensor (for tamper tests and the explorer). */
    public Cell[] nodeCells(String node) {
        circuit();
        Integer tensor = model.nodeOutputs().get(node);
        if (tensor == null) {
            throw new IllegalArgumentException("no node " + node + " in " + model.name());
        }
        return tensorCells[tensor].clone();
    }

    /** Runs the checker and maps every violation to the ONNX node and op that placed it. */
    public List<ModelViolation> check(dev.zkscope.circuit.Witness w) {
        List<ModelViolation> out = new ArrayList<>();
        for (Violation v : Checker.check(circuit, w)) {
            Region r = v.region();
            String node = r == null ? "(none)" : r.layer();
            out.add(new ModelViolation(node, opOf(node), v));
        }
        return out;
    }

    private String opOf(String node) {
        for (LayerCost l : ledger.layers()) {
            if (l.layer().equals(node)) {
                return l.op();
            }
        }
        return "?";
    }

    /** This model's layers under the other arithmetizations (formulas on {@link dev.zkscope.compile.estimate.Estimates}). */
    public List<dev.zkscope.compile.estimate.LayerEstimate> estimates(dev.zkscope.compile.estimate.EstimateParams p) {
        return model == null ? dev.zkscope.compile.estimate.Estimates.of(layers, p)
                : dev.zkscope.compile.estimate.Estimates.of(layers,
                        dev.zkscope.compile.estimate.Estimates.sumcheckByLayer(model, p), p);
    }

    /** Whole-model totals of {@link #estimates}. */
    public dev.zkscope.compile.estimate.Estimates.Totals estimateTotals(dev.zkscope.compile.estimate.EstimateParams p) {
        long largest = 0;
        for (TableInfo t : ledger.tables()) {
            largest = Math.max(largest, t.size());
        }
        return dev.zkscope.compile.estimate.Estimates.totals(estimates(p), largest, model.paramCount(), p);
    }

    /** Per-layer arithmetization-independent work, for the estimates. */
    public Step.Work work(String layer) {
        for (LayerInfo l : layers) {
            if (l.layer().equals(layer)) {
                return l.work();
            }
        }
        throw new IllegalArgumentException("no layer " + layer);
    }
}
