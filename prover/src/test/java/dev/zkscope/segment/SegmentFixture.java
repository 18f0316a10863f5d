package dev.zkscope.segment;

import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompileException;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.profile.PhaseListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A small ONNX model calibrated and measured for segmenting, with what the split-layer tests do to it: pick the plan
 * at the largest budget that shows the case under test, prove it on one input, check each segment's counted ledger,
 * and build tampered bundles and key bundles (a part proved honestly on a forged input, parts replaced, a link site
 * replaced). Used by {@link LayerSplitTest}, {@link FusedSplitTest} and {@link SlicedPartsTest}.
 */
final class SegmentFixture {
    final SegmentSetup setup;
    final Segmenter.Measured measured;

    private SegmentFixture(SegmentSetup setup, Segmenter.Measured measured) {
        this.setup = setup;
        this.measured = measured;
    }

    /**
     * {@code onnx} written to {@code dir} as {@code name.onnx}, imported, calibrated on {@code calibration} at the
     * testing proof parameters, and measured layer by layer.
     */
    static SegmentFixture of(String name, byte[] onnx, Path dir, List<List<Tensor>> calibration) throws Exception {
        Graph g = new OnnxImporter().load(Files.write(dir.resolve(name + ".onnx"), onnx));
        SegmentSetup setup = SegmentSetup.of(name, g, calibration,
                Pipeline.Settings.defaults().withParams(ProofParameters.testing()), PhaseListener.NONE);
        Segmenter.Measured measured = Segmenter.measure(setup.model(), setup.settings().compile(),
                setup.settings().params(), PhaseListener.NONE);
        return new SegmentFixture(setup, measured);
    }

    /** {@code count} inputs of one tensor of {@code shape}, each value uniform in [-1, 1), drawn from {@code seed}. */
    static List<List<Tensor>> randomInputs(long seed, int count, int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        Random rnd = new Random(seed);
        List<List<Tensor>> inputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] v = new double[size];
            for (int k = 0; k < v.length; k++) {
                v[k] = rnd.nextDouble() * 2 - 1;
            }
            inputs.add(List.of(Tensor.of(shape.clone(), v)));
        }
        return inputs;
    }

    QModel model() {
        return setup.model();
    }

    /**
     * The plan at the largest budget (from {@link Segmenter#MAX_LOG_BUDGET} down) that is {@code wanted}, budgets the
     * planner refuses skipped; fails the test when no budget {@code what}.
     */
    SegmentPlan largestBudget(String what, Predicate<SegmentPlan> wanted) {
        for (int k = Segmenter.MAX_LOG_BUDGET; k >= Segmenter.MIN_LOG_BUDGET; k--) {
            SegmentPlan p;
            try {
                p = Segmenter.plan(measured, k);
            } catch (CompileException e) {
                continue;
            }
            if (wanted.test(p)) {
                return p;
            }
        }
        return fail("no budget from 2^" + Segmenter.MAX_LOG_BUDGET + " down to 2^" + Segmenter.MIN_LOG_BUDGET + " "
                + what);
    }

    /** The inputs (indices into {@code s.inputs()}) of which segment s takes a slice, not the whole tensor. */
    int[] slicedInputs(SegmentPlan.Segment s) {
        QModel m = model();
        return java.util.stream.IntStream.range(0, s.inputs().length)
                .filter(k -> s.inTo()[k] - s.inFrom()[k] < m.size(s.inputs()[k])).toArray();
    }

    /** Proves {@code plan} on one input, in this JVM, keeping the parts in {@code parts}. */
    SegmentedProof.Result prove(SegmentPlan plan, List<Tensor> in, Path parts) {
        return SegmentedProof.run(new SegmentedProof.Request(model(), plan, setup.context(), setup.quantizeInput(in),
                null, null, parts, false), PhaseListener.NONE, null, null, SegmentedProof.Progress.NONE);
    }

    /** Asserts that segment i's counted ledger is its compiled one (and so is its CSV); returns the compiled segment. */
    CompiledModel assertCountedLedgerIsCompiled(SegmentPlan plan, int i) {
        QModel m = model();
        CompiledModel counted = Segmenter.count(m, m.bounds(), plan, i, setup.settings().compile());
        CompiledModel filled = Segmenter.compile(m, m.bounds(), plan, i, setup.settings().compile());
        assertThat(counted.ledger()).as(plan.describe(i)).isEqualTo(filled.ledger());
        assertThat(counted.ledger().toCsv()).as(plan.describe(i)).isEqualTo(filled.ledger().toCsv());
        return filled;
    }

    /** What segment s of {@code plan} takes as input when the model runs on {@code in} (its slices, in order). */
    long[] segmentInput(List<Tensor> in, SegmentPlan.Segment s) {
        return SegmentProver.inputOf(model().evaluate(setup.quantizeInput(in)), s);
    }

    /**
     * Bundle {@code x} with segment i's part (not its header entry: log n, used rows and circuit digest stay) replaced
     * by an honest proof of that segment on {@code forgedIn}, made with the keys of the run whose parts are in
     * {@code parts}.
     */
    Bundle withPartProvedOn(SegmentPlan plan, Bundle x, Path parts, int i, long[] forgedIn) throws Exception {
        PartsStore store = new PartsStore(parts);
        List<KeyBundle.Entry> entries = new ArrayList<>();
        for (int j = 0; j < plan.count(); j++) {
            entries.add(store.readPart(j).orElseThrow().key());
        }
        KeyBundle keys = new KeyBundle(setup.context().model(), entries, LinkTable.of(plan));
        SegmentProver.Proved forged = provedOn(setup, plan, keys, x, parts, i, forgedIn);
        List<Bundle.Part> ps = new ArrayList<>(x.parts());
        Bundle.Part h = x.parts().get(i);
        ps.set(i, new Bundle.Part(h.logN(), h.usedRows(), h.circuitDigest(), forged.publicValues(), forged.proof()));
        return withParts(x, ps);
    }

    /**
     * As {@link #withPartProvedOn(SegmentPlan, Bundle, Path, int, long[])}: the forged part is proved at the link
     * challenge that the bundle's roots give with its own new root in place (the challenge a verifier of the result
     * draws), so that its own challenge is right and only its fingerprints and the other segments' challenges can
     * tell.
     */
    static SegmentProver.Proved provedOn(SegmentSetup setup, SegmentPlan plan, KeyBundle keys, Bundle x, Path parts,
                                         int i, long[] forgedIn) throws Exception {
        PartsStore.Manifest mf = new PartsStore(parts).readManifest().orElseThrow();
        QModel m = setup.model();
        SegmentProver.Job job = SegmentedProof.job(plan, LinkTable.of(plan), mf, i, forgedIn);
        SegmentProver.Precommitted pc = SegmentProver.precommit(m, m.bounds(), plan, setup.context(), job);
        List<dev.zkscope.plonk.VerifyingKey> vks = keys.keys();
        int[] heights = new int[plan.count()];
        List<byte[]> roots = new ArrayList<>();
        for (int j = 0; j < plan.count(); j++) {
            heights[j] = x.parts().get(j).logN();
            roots.add(j == i ? pc.root() : dev.zkscope.plonk.ProofSystem.committedRoot(vks.get(j),
                    x.parts().get(j).proof()));
        }
        long[] gamma = LinkChallenge.derive(setup.context().model(), heights, roots);
        return SegmentProver.prove(m, m.bounds(), plan, setup.context(), job.withLinks(gamma, pc.root()),
                PhaseListener.NONE, null, null, System.nanoTime());
    }

    /**
     * Runs the links' protocol on these jobs as {@link SegmentedProof#run} does: every segment's link columns
     * committed, the challenge drawn from all the roots, every segment proved at it. Whatever values the jobs carry.
     */
    static List<SegmentProver.Proved> proveAtTheirChallenge(SegmentSetup setup, SegmentPlan plan,
                                                            SegmentProver.Job[] jobs) {
        QModel m = setup.model();
        int[] heights = new int[jobs.length];
        List<byte[]> roots = new ArrayList<>();
        for (int i = 0; i < jobs.length; i++) {
            SegmentProver.Precommitted pc = SegmentProver.precommit(m, m.bounds(), plan, setup.context(), jobs[i]);
            heights[i] = pc.logN();
            roots.add(pc.root());
        }
        long[] gamma = LinkChallenge.derive(setup.context().model(), heights, roots);
        List<SegmentProver.Proved> out = new ArrayList<>();
        for (int i = 0; i < jobs.length; i++) {
            out.add(SegmentProver.prove(m, m.bounds(), plan, setup.context(), jobs[i].withLinks(gamma, roots.get(i)),
                    PhaseListener.NONE, null, null, System.nanoTime()));
        }
        return out;
    }

    /** Bundle {@code x} with these parts in place of its own (header, keys digest and links kept). */
    static Bundle withParts(Bundle x, List<Bundle.Part> parts) {
        return new Bundle(x.model(), x.keysDigest(), parts, x.links());
    }

    /** The key bundle with segment j's link site replaced by {@code site}. */
    static KeyBundle withSite(KeyBundle keys, int j, LinkTable.Site site) {
        List<LinkTable.Site> sites = new ArrayList<>(keys.links().sites());
        sites.set(j, site);
        return new KeyBundle(keys.model(), keys.entries(), new LinkTable(sites));
    }
}
