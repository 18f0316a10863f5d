package dev.zkscope.api;

import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.compile.ModelViolation;
import dev.zkscope.compile.ModelWitness;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofShape;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QTensor;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedGraph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            compile = compile.withReservedRows(params.reservedRows());
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
        private ProvingKey provingKey;

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

        /** The prover's shape for this circuit (columns per round, domain sizes), which the cost model reads. */
        public ProofShape shape() {
            return ProofShape.of(compiled.circuit(), settings.params());
        }

        synchronized ProvingKey provingKey(PhaseListener listener) {
            if (provingKey == null) {
                // Private weights live in advice columns committed in their own Merkle tree; every proof publishes
                // that tree's root, which binds the weights the proof used.
                List<Integer> committed = settings.compile().weights() == CompileOptions.Visibility.PRIVATE
                        ? compiled.weightColumns() : List.of();
                provingKey = ProofSystem.keygen(compiled.circuit(), settings.params(), committed, listener);
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
        Calibrator.Calibration cal = listener.timed("quantize",
                () -> Calibrator.calibrate(graph, calibrationInputs, settings.quant()));
        CompiledModel cm = listener.timed("compile", () -> ModelCompiler.compile(cal.graph(), settings.compile()));
        return new Prepared(name, graph, cal, cm, settings);
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
        if (input.size() != 1) {
            throw new IllegalArgumentException("the model takes 1 input tensor, got " + input.size());
        }
        return QTensor.quantize(input.get(0), p.quantized().inputScale()).data();
    }

    /**
     * Proves one inference: witness, checker, keygen (first time), prove with heap sampling, verify. A non-null
     * {@code prediction} is carried into the result. {@code cancelled} is polled at every phase boundary; when it
     * turns true the run stops with a {@link CancellationException} and nothing in {@code p} changes.
     */
    public static ProveRun prove(Prepared p, List<Tensor> input, PhaseListener listener, CostModel model,
                                 BooleanSupplier cancelled) {
        Recorder rec = new Recorder(listener, cancelled);
        long[] q = quantizeInput(p, input);
        ModelWitness w = rec.timed("witness", () -> p.compiled().witness(q));
        List<ModelViolation> violations = rec.timed("check", () -> p.compiled().check(w.witness()));
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        ProvingKey pk = p.provingKey(rec);
        CostModel.Prediction prediction = model == null ? null : model.predict(p.shape());
        long baseline = CostModel.usedAfterGc();
        Proof proof;
        long peak;
        long t0 = System.nanoTime();
        List<HeapSampler.Sample> heap;
        try (HeapSampler sampler = new HeapSampler(10).start()) {
            proof = ProofSystem.prove(pk, w.witness(), rec);
            peak = sampler.stop();
            heap = sampler.samples();
        }
        long proveNanos = System.nanoTime() - t0;
        byte[] bytes = proof.toBytes();
        long t1 = System.nanoTime();
        VerifyResult vr = rec.timed("verify", () -> ProofSystem.verify(pk.verifyingKey(), w.instance(), bytes));
        long verifyNanos = System.nanoTime() - t1;
        return new ProveRun(p.name(), p.settings().params(), p.compiled().circuit().logN(),
                p.compiled().ledger().gadgetRows() + p.compiled().ledger().tableRows(), rec.phases(), proveNanos,
                verifyNanos, baseline, peak, heap, bytes, pk.verifyingKey(), w.publicValues(), w.output(),
                p.quantized().outputScale(), p.compiled().model().outputShape(), vr, prediction,
                proof.publicCommitment());
    }

    /** Records phase times for the result and checks for cancellation at every phase boundary. */
    private static final class Recorder implements PhaseListener {
        private final PhaseListener delegate;
        private final BooleanSupplier cancelled;
        private final Map<String, Long> nanos = new LinkedHashMap<>();

        Recorder(PhaseListener delegate, BooleanSupplier cancelled) {
            this.delegate = delegate;
            this.cancelled = cancelled == null ? () -> false : cancelled;
        }

        @Override
        public void phaseStarted(String phase) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("cancelled before " + phase);
            }
            delegate.phaseStarted(phase);
        }

        @Override
        public void phaseFinished(String phase, long n) {
            synchronized (nanos) {
                nanos.merge(phase, n, Long::sum);
            }
            delegate.phaseFinished(phase, n);
        }

        Map<String, Long> phases() {
            synchronized (nanos) {
                return new LinkedHashMap<>(nanos);
            }
        }
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
