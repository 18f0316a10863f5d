package dev.zkscope.app;

import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.ModelViolation;
import dev.zkscope.compile.ModelWitness;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.QTensor;
import dev.zkscope.viz.run.PhaseTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One proof run on a worker thread: key generation, witness generation on the model's sample input, the mock-prover
 * check, the prover's rounds and verification, each a named phase reported to a listener as it starts and ends, with
 * the heap sampled throughout. Cancellation is honoured at every phase boundary.
 */
final class ProveJob {
    /** The phases in order, for the progress bar; the prover's rounds are named by the prover. */
    static final List<String> PHASES = List.of("keygen", "witness", "check", "witness commit", "permutation",
            "lookups", "quotient", "openings", "fri", "verify");

    private final Analysis analysis;
    private final int id;
    private final Consumer<PhaseTime> onPhase;
    private final BooleanSupplier cancelled;
    private final HeapSampler heap = new HeapSampler(20);
    private final List<PhaseTime> done = new ArrayList<>();
    private long t0;

    private final Forecast forecast;

    ProveJob(Analysis analysis, int id, Forecast forecast, Consumer<PhaseTime> onPhase, BooleanSupplier cancelled) {
        this.forecast = forecast;
        this.analysis = analysis;
        this.id = id;
        this.onPhase = onPhase;
        this.cancelled = cancelled;
    }

    HeapSampler heap() {
        return heap;
    }

    /** Milliseconds since the run started. */
    double elapsed() {
        return (System.nanoTime() - t0) / 1e6;
    }

    ProveRun run() {
        CompiledModel cm = analysis.compiled();
        ProofParameters params = analysis.settings().proofParameters();
        Graph g = analysis.session().graph();
        t0 = System.nanoTime();
        heap.start();
        PhaseListener listener = new PhaseListener() {
            private double start;

            @Override
            public void phaseStarted(String phase) {
                checkCancelled();
                start = elapsed();
                onPhase.accept(new PhaseTime(phase, start, -1));
            }

            @Override
            public void phaseFinished(String phase, long nanos) {
                PhaseTime p = new PhaseTime(phase, start, nanos / 1e6);
                done.add(p);
                onPhase.accept(p);
            }
        };
        try {
            ProvingKey pk = ProofSystem.keygen(cm.circuit(), params, listener);
            Input input = input(analysis.session().file(), g);
            long[] q = QTensor.quantize(input.tensor(), analysis.quantized().inputScale()).data();
            ModelWitness w = listener.timed("witness", () -> cm.witness(q));
            List<ModelViolation> violations = listener.timed("check", () -> cm.check(w.witness()));
            if (!violations.isEmpty()) {
                throw new IllegalStateException("the witness violates " + violations.size() + " constraint(s), first: "
                        + violations.get(0) + "; this is a compiler bug, please report it with the model");
            }
            Proof proof = ProofSystem.prove(pk, w.witness(), listener);
            byte[] bytes = proof.toBytes();
            VerifyResult verdict = listener.timed("verify",
                    () -> ProofSystem.verify(pk.verifyingKey(), w.instance(), bytes));
            heap.stop();
            double keygen = 0;
            double prove = 0;
            double verify = 0;
            for (PhaseTime p : done) {
                if (p.name().equals("keygen")) {
                    keygen += p.millis();
                } else if (p.name().equals("verify")) {
                    verify += p.millis();
                } else if (!p.name().equals("witness") && !p.name().equals("check")) {
                    prove += p.millis();
                }
            }
            return new ProveRun(id, analysis.session().displayName(), analysis.settings(), cm.circuit().logN(),
                    cm.ledger().gadgetRows(), done, keygen, prove, verify, heap.peakBytes(), heap.samples(), bytes,
                    pk.verifyingKey(), w.publicValues(), w.output(), verdict, input.source(), forecast);
        } finally {
            heap.stop();
        }
    }

    private void checkCancelled() {
        if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new CancellationException("proof cancelled");
        }
    }

    record Input(Tensor tensor, String source) {}

    /** The model's sibling NAME.input.json (EZKL format) if it fits, else the first seeded synthetic input. */
    static Input input(Path model, Graph g) {
        String file = model.getFileName().toString();
        String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
        Path p = model.resolveSibling(stem + ".input.json");
        if (Files.isRegularFile(p)) {
            try {
                return new Input(InputFiles.readInput(p, g).get(0), p.getFileName().toString());
            } catch (InputFileException e) {
                // Does not fit this model (another batch size): fall back to a synthetic input.
            }
        }
        return new Input(InputFiles.synthetic(g, 1, 1).get(0).get(0), "a seeded synthetic input");
    }
}
