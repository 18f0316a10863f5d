package dev.zkscope.api;

import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.compile.ModelViolation;
import dev.zkscope.compile.ModelWitness;
import dev.zkscope.compile.Salts;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofShape;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QTensor;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The whole pipeline behind one facade, for the CLI, the app and the benchmarks:
 * imported graph --calibrate/quantize--> QuantizedGraph --compile--> circuit + ledger --witness--> trace
 * --check--> violations --keygen/prove--> proof --verify--> accepted or typed rejection.
 * Every step runs as a named phase of one {@link PhaseListener}.
 */
public final class Pipeline {
    private Pipeline() {}

    /** Everything a user can set. The compile options' reserved rows always follow the proof parameters. */
    public record Settings(QuantOptions quant, CompileOptions compile, ProofParameters params) {
        public Settings {
            compile = compile.withReservedRows(params.reservedRows()).withMinLogNAtLeast(params.minLogN());
        }

        public static Settings defaults() {
            return new Settings(QuantOptions.defaults(), CompileOptions.defaults(), ProofParameters.standard());
        }

        public Settings withParams(ProofParameters p) {
            return new Settings(quant, compile, p);
        }

        public Settings withQuant(QuantOptions q) {
            return new Settings(q, compile, params);
        }

        public Settings withCompile(CompileOptions c) {
            return new Settings(quant, c, params);
        }
    }

    /** A model quantized and compiled under some settings; the proving key is derived on first use and kept. */
    public static final class Prepared {
        private final String name;
        private final Graph graph;
        private final Calibrator.Calibration calibration;
        private final CompiledModel compiled;
        private final Settings settings;
        /** Set once, under this object's lock, by the first proof; read without it (never blocks on a keygen). */
        private volatile ProvingKey provingKey;
        /** The salts of hashed visibility: fresh random ones until the owner's are set ({@link #useSalts}). */
        private volatile Salts salts = Salts.random();

        Prepared(String name, Graph graph, Calibrator.Calibration calibration, CompiledModel compiled, Settings settings) {
            this.name = name;
            this.graph = graph;
            this.calibration = calibration;
            this.compiled = compiled;
            this.settings = settings;
        }

        /** The model's display name (the file name without .onnx; exporters often leave the graph name generic). */
        public String name() { return name; }
        public Graph graph() { return graph; }
        public Calibrator.Calibration calibration() { return calibration; }
        public QuantizedGraph quantized() { return calibration.graph(); }
        public CompiledModel compiled() { return compiled; }
        public Settings settings() { return settings; }

        /** The salts every later proof of this model uses for what is hashed. */
        public Salts salts() { return salts; }

        /**
         * Sets the salts of hashed visibility (the weights' salt from the owner's salt file, so that every proof
         * carries the commitment the owner published). The circuit does not depend on them: the key is kept.
         */
        public void useSalts(Salts s) {
            salts = java.util.Objects.requireNonNull(s);
        }

        /** The prover's shape for this circuit (columns per round, domain sizes), which the cost model reads. */
        public ProofShape shape() {
            return ProofShape.of(compiled.circuit(), settings.params());
        }

        /**
         * Whether the proving key has been derived (by an earlier proof): the next proof skips keygen. It belongs to
         * this object, which is immutable in everything the key depends on (circuit, parameters);
         * other settings make another Prepared, never a stale key. Does not wait for a keygen in progress.
         */
        public boolean hasProvingKey() {
            return provingKey != null;
        }

        /** The verifying key, derived now (as a "keygen" phase) if no proof has derived it yet. */
        public VerifyingKey verifyingKey(PhaseListener listener) {
            return provingKey(listener).verifyingKey();
        }

        /**
         * How a verifier reads this model's public values (name, public-input count, output shape and scale), as
         * {@link ArtifactFiles#statement}; bound into the verifying key, so the key file's copy cannot be changed.
         */
        public byte[] statement() {
            CompiledModel.PublicLayout pl = compiled.publicLayout();
            return ArtifactFiles.statement(name, pl.inputCount(), compiled.model().outputShape(),
                    quantized().outputScale(), hashedBits());
        }

        /** What the public values carry digests of, as {@link ArtifactFiles.KeyFile}'s HASHED_ bits. */
        public int hashedBits() {
            CompiledModel.PublicLayout pl = compiled.publicLayout();
            return (pl.weightsDigestAt() >= 0 ? ArtifactFiles.KeyFile.HASHED_WEIGHTS : 0)
                    | (pl.inputDigestAt() >= 0 ? ArtifactFiles.KeyFile.HASHED_INPUT : 0)
                    | (pl.outputDigestAt() >= 0 ? ArtifactFiles.KeyFile.HASHED_OUTPUT : 0);
        }

        synchronized ProvingKey provingKey(PhaseListener listener) {
            if (provingKey == null) {
                // Hashed weights are bound by the digest the circuit computes and publishes; no column is
                // committed apart. The statement (what the verifier prints) is bound into the key's digest.
                provingKey = ProofSystem.keygen(compiled.circuit(), settings.params(), List.of(), statement(), listener);
            }
            return provingKey;
        }
    }

    /**
     * Quantizes (calibrating on the given inputs) and compiles a graph. Refuses graphs with unsupported nodes.
     *
     * @param name display name of the model, usually its file name without ".onnx"
     */
    public static Prepared prepare(String name, Graph graph, List<List<Tensor>> calibrationInputs, Settings settings,
                                   PhaseListener listener) {
        return prepare(name, graph, calibrate(graph, calibrationInputs, settings, listener), calibrationInputs, settings,
                listener);
    }

    /**
     * The first half of {@link #prepare(String, Graph, List, Settings, PhaseListener)}, as the "quantize" phase:
     * calibrates and quantizes the graph on the inputs, with its fidelity report.
     */
    public static Calibrator.Calibration calibrate(Graph graph, List<List<Tensor>> calibrationInputs, Settings settings,
                                                   PhaseListener listener) {
        dev.zkscope.predict.HeapPreflight.require("calibrating on " + calibrationInputs.size() + " inputs",
                dev.zkscope.predict.HeapPreflight.calibrationBytes(graph, calibrationInputs.size()));
        return listener.timed("quantize", () -> Calibrator.calibrate(graph, calibrationInputs, settings.quant(), listener));
    }

    /**
     * Compiles a graph already calibrated (by {@link #calibrate} with the same settings on
     * {@code calibrationInputs}), for callers that show the quantization even when compilation fails. The input domain
     * is widened to cover the calibration inputs, as in {@link #prepare(String, Graph, List, Settings, PhaseListener)};
     * with no inputs it is the settings' own.
     */
    public static Prepared prepare(String name, Graph graph, Calibrator.Calibration cal,
                                   List<List<Tensor>> calibrationInputs, Settings settings, PhaseListener listener) {
        // The circuit's input domain covers the calibration inputs (rounded up to a power of two), and at least the
        // configured domain: range-check widths follow from it, and an input outside it cannot be proved.
        double domain = Math.max(settings.compile().inputAbsMax(), inputDomain(calibrationInputs));
        Settings s = domain == settings.compile().inputAbsMax() ? settings
                : settings.withCompile(settings.compile().withInputAbsMax(domain));
        CompiledModel counted = count(cal.graph(), s, listener);
        // the filled layout (trace-sized) only when it fits the heap; the counted model chose the inner columns
        dev.zkscope.predict.HeapPreflight.require("the circuit's trace and witness (2^" + counted.ledger().logN()
                + " rows)", dev.zkscope.predict.HeapPreflight.witnessBytes(counted.ledger()));
        CompiledModel cm = listener.timed("compile", () -> ModelCompiler.compile(cal.graph(),
                s.compile().withInnerCols(counted.options().innerCols())));
        return new Prepared(name, graph, cal, cm, s);
    }

    /**
     * The exact ledger of a calibrated graph without a trace ({@link ModelCompiler#count}, phase "count"): memory
     * grows with the model, not the circuit. What {@code inspect} and every ledger view should read; the input domain
     * is as in {@link #prepare(String, Graph, Calibrator.Calibration, List, Settings, PhaseListener)} (give it the
     * settings returned by {@link #settingsFor}).
     */
    public static CompiledModel count(dev.zkscope.quant.QuantizedGraph graph, Settings settings, PhaseListener listener) {
        return listener.timed("count", () -> ModelCompiler.count(graph, settings.compile()));
    }

    /** The settings with the circuit's input domain widened to cover the calibration inputs (as prepare does). */
    public static Settings settingsFor(Settings settings, List<List<Tensor>> calibrationInputs) {
        double domain = Math.max(settings.compile().inputAbsMax(), inputDomain(calibrationInputs));
        return domain == settings.compile().inputAbsMax() ? settings
                : settings.withCompile(settings.compile().withInputAbsMax(domain));
    }

    /**
     * The same calibrated model compiled again with other compile options (say, padded to more rows), under the
     * name {@code name}: a new Prepared with its own proving key.
     */
    public static Prepared recompile(Prepared p, String name, CompileOptions compile, PhaseListener listener) {
        return prepare(name, p.graph(), p.calibration(), List.of(), p.settings().withCompile(compile), listener);
    }

    /** The smallest power of two at least as large as every |x| of the inputs (0 when there are none). */
    static double inputDomain(List<List<Tensor>> inputs) {
        double max = 0;
        for (List<Tensor> in : inputs) {
            for (Tensor t : in) {
                for (double v : t.data()) {
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        return max == 0 ? 0 : Math.pow(2, Math.ceil(Math.log(max) / Math.log(2)));
    }

    /** The witness failed the checker: the proof would not verify. Lists every violation with its ONNX node. */
    public static final class ConstraintViolationException extends RuntimeException {
        private final List<ModelViolation> violations;

        ConstraintViolationException(List<ModelViolation> violations) {
            super(summary(violations));
            this.violations = List.copyOf(violations);
        }

        public List<ModelViolation> violations() {
            return violations;
        }

        private static String summary(List<ModelViolation> vs) {
            StringBuilder b = new StringBuilder(vs.size() + " constraint violation(s); first: ");
            b.append(vs.get(0));
            return b.toString();
        }
    }

    /** Quantizes one float input to the circuit's input integers. */
    public static long[] quantizeInput(Prepared p, List<Tensor> input) {
        return quantizeInput(p.quantized(), p.settings().compile().inputAbsMax(), input);
    }

    /**
     * Quantizes one input to the circuit's input integers, as every path that proves does (whole-model proofs,
     * segments, batches): token ids (integer inputs) as exact integers at scale 0, whose range the circuit's lookups
     * bound; float inputs at the input scale, refused outside the circuit's input domain |x| <= {@code domain}.
     */
    public static long[] quantizeInput(QuantizedGraph q, double domain, List<Tensor> input) {
        if (input.size() != 1) {
            throw new BadInputException("the model takes 1 input tensor, got " + input.size());
        }
        if (q.graph().inputs().get(0).isInteger()) {
            return QTensor.quantize(input.get(0), 0).data();
        }
        double[] x = input.get(0).data();
        for (int i = 0; i < x.length; i++) {
            if (!(Math.abs(x[i]) <= domain)) {
                throw new BadInputException("input element " + i + " is " + x[i] + ", outside the circuit's input "
                        + "domain |x| <= " + domain + " (set by the calibration inputs); compile for a wider domain "
                        + "with --input-abs-max, or calibrate on inputs like this one with --calibration");
            }
        }
        return QTensor.quantize(input.get(0), q.inputScale()).data();
    }

    /** Stop warming up once a proof is within this fraction of the one before it. */
    static final double WARM_TOLERANCE = 0.12;

    /**
     * Warms the prover up for a measured proof of {@code p}: a fresh JVM interprets the hot loops at first and sizes
     * its heap on the first large allocations, so its first proofs are slower than every later one, and the cost
     * model predicts the steady time. First, once per JVM, one large calibration proof ({@link CostModel#warmUpOnce}),
     * which runs every hot loop often enough for the JIT (small proofs alone need a dozen: cnn took 1.02, 0.49, 0.46,
     * 0.42, 0.30, ... 0.22 s); then unreported proofs of {@code p} itself until two in a row agree within 12%, at
     * least two, at most {@code maxProofs}. The first of them derives the proving key, which later proofs reuse.
     *
     * @param each called with each warm-up proof's result (e.g. to print its time); may be null
     * @return the warm-up proofs' prove times in seconds (of {@code p}; the calibration proof is not included)
     */
    public static List<Double> warmUp(Prepared p, List<Tensor> input, int maxProofs, BooleanSupplier cancelled,
                                      java.util.function.Consumer<ProveRun> each) {
        if (maxProofs > 0) {
            if (cancelled != null && cancelled.getAsBoolean()) {
                throw new CancellationException("warm-up cancelled");
            }
            CostModel.warmUpOnce();
        }
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < maxProofs; i++) {
            ProveRun r = prove(p, input, PhaseListener.NONE, null, cancelled);
            if (each != null) {
                each.accept(r);
            }
            times.add(r.proveSeconds());
            int k = times.size();
            if (k >= 2 && Math.abs(times.get(k - 1) - times.get(k - 2)) <= WARM_TOLERANCE * times.get(k - 2)) {
                break;
            }
        }
        return times;
    }

    /**
     * Proves one inference: witness, checker, keygen (first time), prove with heap sampling, verify. A non-null
     * {@code prediction} is carried into the result. {@code cancelled} is polled at every phase boundary; when it
     * turns true the run stops with a {@link CancellationException} and nothing in {@code p} changes (but a proving
     * key derived before the cancellation is kept).
     */
    public static ProveRun prove(Prepared p, List<Tensor> input, PhaseListener listener, CostModel model,
                                 BooleanSupplier cancelled) {
        return prove(p, input, listener, model, cancelled, new HeapSampler(10));
    }

    /**
     * As {@link #prove(Prepared, List, PhaseListener, CostModel, BooleanSupplier)}, sampling the heap with
     * {@code heap} (not yet started) over the whole run, from before the first phase to after the last: a caller that
     * plots memory live reads its {@link HeapSampler#samples()} while the run goes on. The peak in the result is
     * that of the prover's rounds.
     */
    public static ProveRun prove(Prepared p, List<Tensor> input, PhaseListener listener, CostModel model,
                                 BooleanSupplier cancelled, HeapSampler heap) {
        heap.start();
        try {
            PhaseRecorder rec = new PhaseRecorder(listener, cancelled, System.nanoTime());
            long[] q = quantizeInput(p, input);
            Salts salts = p.salts();
            // the witness (advice trace twice), the key unless derived already, the prover's extended columns
            dev.zkscope.predict.HeapPreflight.require("proving (2^" + p.compiled().ledger().logN() + " rows)",
                    dev.zkscope.predict.HeapPreflight.proveBytes(p.shape(), model, p.hasProvingKey())
                            + 16L * p.compiled().ledger().n() * p.compiled().ledger().numAdvice());
            ModelWitness w = rec.timed("witness", () -> p.compiled().witness(q, salts));
            List<ModelViolation> violations = rec.timed("check", () -> p.compiled().check(w.witness()));
            if (!violations.isEmpty()) {
                throw new ConstraintViolationException(violations);
            }
            boolean reused = p.hasProvingKey();
            ProvingKey pk = p.provingKey(rec);
            CostModel.Prediction prediction = model == null ? null : model.predict(p.shape());
            long baseline = CostModel.usedAfterGc();
            heap.restartPeak();
            long t0 = System.nanoTime();
            Proof proof = ProofSystem.prove(pk, w.witness(), rec);
            long proveNanos = System.nanoTime() - t0;
            long peak = heap.peakNow();
            byte[] bytes = proof.toBytes();
            long t1 = System.nanoTime();
            VerifyResult vr = rec.timed("verify", () -> ProofSystem.verify(pk.verifyingKey(), w.instance(), bytes));
            long verifyNanos = System.nanoTime() - t1;
            heap.stop();
            return new ProveRun(p.name(), p.settings().params(), p.compiled().circuit().logN(),
                    Math.max(p.compiled().ledger().gadgetRows(), p.compiled().ledger().tableRows()), rec.phases(),
                    proveNanos, verifyNanos, baseline, peak, heap.samples(), bytes, pk.verifyingKey(),
                    w.publicValues(), w.output(), p.quantized().outputScale(), p.compiled().model().outputShape(), vr,
                    prediction, Commitments.of(p.compiled().publicLayout(), w.publicValues()), rec.timeline(), reused);
        } finally {
            heap.stop();
        }
    }

    /**
     * Verifies a proof of a prepared model's circuit as a verifier receives it: the verifying key, the public values
     * (as {@link ProveRun#publicValues()}) and the proof bytes. Malformed bytes are a typed rejection.
     */
    public static VerifyResult verify(VerifyingKey vk, long[] publicValues, byte[] proof) {
        return ProofSystem.verify(vk, ModelWitness.instanceOf(publicValues), proof);
    }

    /** The display name of a model file: its file name without the ".onnx" extension. */
    public static String modelName(java.nio.file.Path file) {
        String f = file.getFileName().toString();
        return f.endsWith(".onnx") ? f.substring(0, f.length() - 5) : f;
    }

    /** Calibration inputs as single-tensor lists, reshaped to the graph's input shape. */
    public static List<List<Tensor>> asInputs(Graph g, List<Tensor> tensors) {
        List<List<Tensor>> out = new ArrayList<>();
        for (Tensor t : tensors) {
            out.add(List.of(t.reshape(g.inputs().get(0).shape())));
        }
        return out;
    }
}
