package dev.zkscope.backend;

import dev.zkscope.api.Pipeline;
import dev.zkscope.api.ProveRun;
import dev.zkscope.ir.Tensor;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.sumcheck.PcsParams;
import dev.zkscope.sumcheck.SumcheckBackend;
import dev.zkscope.sumcheck.SumcheckException;
import dev.zkscope.sumcheck.TensorPcs;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;

/** The backends by name. */
public final class Backends {
    private Backends() {}

    public static final List<String> NAMES = List.of("plonkish", "sumcheck");

    /**
     * The backend of that name at the named preset ("standard", "provable", "testing"; the Plonkish backend also takes
     * "high"). The Plonkish backend uses the prepared model's own parameters when {@code preset} is null.
     */
    public static Backend byName(String name, String preset) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "plonkish": return new Plonkish(preset == null ? null : ProofParameters.byName(preset));
            case "sumcheck": return new Sumcheck(PcsParams.byName(preset == null ? "standard" : preset));
            default: throw new IllegalArgumentException("unknown backend '" + name + "'; known: " + String.join(", ", NAMES));
        }
    }

    /** The Plonkish ProofSystem through {@link Pipeline#prove}, unchanged. */
    static final class Plonkish implements Backend {
        final ProofParameters params;

        Plonkish(ProofParameters params) {
            this.params = params;
        }

        @Override public String name() { return "plonkish"; }

        @Override
        public String security() {
            return params == null ? "the model's preset" : params.name() + " (" + params.conjecturedSecurityBits()
                    + " conjectured bits)";
        }

        @Override
        public Run run(Pipeline.Prepared model, List<Tensor> input) {
            if (params != null && !params.equals(model.settings().params())) {
                throw new IllegalArgumentException("the model was prepared with preset " + model.settings().params().name()
                        + ", not " + params.name());
            }
            ProveRun r = Pipeline.prove(model, input, PhaseListener.NONE, null, null);
            return new Run(name(), model.settings().params().name(), r.proveSeconds(), r.verifyNanos() / 1e6,
                    r.proof().length, r.peakHeap(), r.output(), r.verdict().accepted(), r.verdict().toString());
        }
    }

    /** The sumcheck/GKR backend; keys are made on a model's first proof and kept while the model is. */
    public static final class Sumcheck implements Backend {
        final PcsParams params;
        private final Map<Pipeline.Prepared, SumcheckBackend.Keys> keys = new WeakHashMap<>();

        Sumcheck(PcsParams params) {
            this.params = params;
        }

        @Override public String name() { return "sumcheck"; }

        @Override
        public String security() {
            return String.format(Locale.ROOT, "%s (%.0f conjectured / %.1f provable bits of the column test; %s)",
                    params.name(), params.conjecturedBits(), params.provableBits(),
                    params.zk() ? "zero-knowledge, private input" : "NOT zero-knowledge");
        }

        @Override
        public Run run(Pipeline.Prepared model, List<Tensor> input) {
            SumcheckBackend.Keys k;
            synchronized (keys) {
                k = keys.computeIfAbsent(model, m -> SumcheckBackend.keygen(m.compiled().model(), params,
                        TensorPcs.defaultRandom()));
            }
            return run(k, Pipeline.quantizeInput(model, input), params);
        }

        /**
         * One measured proof and its verification with keys already made: prove time, peak heap sampled while proving
         * (after a full collection), verify time. {@code zkscope bench} calls this with keys of a model that was
         * calibrated and lowered for this backend alone, so that no Plonkish circuit is live while it samples.
         */
        public static Run run(SumcheckBackend.Keys k, long[] q, PcsParams params) {
            HeapSampler heap = new HeapSampler(5);
            heap.start();
            long t0;
            long t1;
            SumcheckBackend.Proved pr;
            long peak;
            try {
                CostModel.usedAfterGc();
                heap.restartPeak();
                t0 = System.nanoTime();
                pr = SumcheckBackend.prove(k, q, TensorPcs.defaultRandom());
                t1 = System.nanoTime();
                peak = heap.peakNow();
            } finally {
                heap.stop();
            }
            String verdict = "accepted";
            boolean ok = true;
            try {
                SumcheckBackend.verify(k, pr.output(), pr.proof());
            } catch (SumcheckException | dev.zkscope.codec.Malformed e) {
                ok = false;
                verdict = "rejected: " + e.getMessage();
            }
            long t2 = System.nanoTime();
            return new Run("sumcheck", params.name(), (t1 - t0) / 1e9, (t2 - t1) / 1e6, pr.proof().length, peak,
                    pr.output(), ok, verdict, pr.layerNanos(), pr.layerMults());
        }
    }
}
