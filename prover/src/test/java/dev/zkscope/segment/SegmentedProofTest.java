package dev.zkscope.segment;

import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompileException;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The residual sample (its Add reads the stem's ReLU three layers later: a skip across a cut) cut into three
 * segments, proved and verified as one bundle; then every tamper the issue lists, each rejected with a typed error
 * naming the segment; and a cancelled run resumed from its finished segments.
 */
class SegmentedProofTest {
    static SegmentSetup setup;
    static Segmenter.Measured measured;
    static List<List<Tensor>> inputs;
    static SegmentPlan plan;
    static SegmentedProof.Result a;
    static SegmentedProof.Result b;
    static SegmentedProof.Result other;
    static List<VerifyingKey> vks;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void prove() throws Exception {
        Path model = Path.of("../samples/residual.onnx");
        Graph g = new OnnxImporter().load(model);
        InputFiles.Samples s = InputFiles.calibrationSamples(g, model, null);
        inputs = s.inputs();
        setup = SegmentSetup.of("residual", g, inputs.subList(0, 20),
                Pipeline.Settings.defaults().withParams(ProofParameters.testing()), PhaseListener.NONE);
        measured = Segmenter.measure(setup.model(), setup.settings().compile(), setup.settings().params(),
                PhaseListener.NONE);
        // layers: 0 stem conv, 1 relu, 2 conv1, 3 relu, 4 conv2, 5 add (reads layer 1), 6 relu, 7 pad, 8 pool, ...
        plan = Segmenter.planWithCuts(measured, new int[] {3, 6}, 13);
        a = run(plan, inputs.get(0), tmp.resolve("a"), false, null);
        b = run(plan, inputs.get(1), tmp.resolve("b"), false, null);
        other = run(Segmenter.planWithCuts(measured, new int[] {4, 7}, 13), inputs.get(0), tmp.resolve("c"), false, null);
        vks = a.keys().keys();
    }

    static SegmentedProof.Result run(SegmentPlan p, List<Tensor> in, Path parts, boolean resume,
                                     java.util.function.BooleanSupplier cancelled) {
        return SegmentedProof.run(new SegmentedProof.Request(setup.model(), p, setup.context(),
                setup.quantizeInput(in), null, null, parts, resume), PhaseListener.NONE, null, cancelled,
                SegmentedProof.Progress.NONE);
    }

    static BundleVerifier.Result verify(Bundle x) {
        return BundleVerifier.verify(a.keys(), vks, x);
    }

    static BundleVerifier.Result verify(byte[] x) {
        return BundleVerifier.verify(a.keys(), vks, x);
    }

    static BundleError rejected(BundleVerifier.Result r) {
        assertThat(r.accepted()).as("tampered bundle must be rejected").isFalse();
        return ((BundleVerifier.Rejected) r).error();
    }

    static Bundle decode(byte[] x) throws Bundle.FormatError {
        return Bundle.decode(x);
    }

    @Test
    void warmUp_provesTheSmallestSegmentOnce_andKeepsNothing() throws Exception {
        Path parts = tmp.resolve("warm");
        SegmentedProof.Request r = new SegmentedProof.Request(setup.model(), plan, setup.context(),
                setup.quantizeInput(inputs.get(0)), null, null, parts, false);
        SegmentedProof.WarmUp w = SegmentedProof.warmUp(r, null);
        int smallest = 0;
        for (int i = 1; i < plan.count(); i++) {
            if (plan.segment(i).estimatedRows() < plan.segment(smallest).estimatedRows()) {
                smallest = i;
            }
        }
        assertThat(w.segment()).isEqualTo(smallest);
        assertThat(w.seconds()).isPositive();
        // its evaluation is the model's on the request's input, which run then takes instead of evaluating again
        assertThat(w.tensors()).isDeepEqualTo(setup.model().evaluate(r.input()));
        // nothing of it is written for --resume, and a cancelled warm-up stops like a cancelled segment
        assertThat(parts).doesNotExist();
        assertThatThrownBy(() -> SegmentedProof.warmUp(r, () -> true))
                .isInstanceOf(java.util.concurrent.CancellationException.class);
    }

    @Test
    void run_takesTheWarmUpsEvaluation_andProvesTheSameOutput() {
        SegmentedProof.Request r = new SegmentedProof.Request(setup.model(), plan, setup.context(),
                setup.quantizeInput(inputs.get(0)), null, null, tmp.resolve("evaluated"), false);
        long[][] evaluated = setup.model().evaluate(r.input());
        SegmentedProof.Result again = SegmentedProof.run(r, evaluated, PhaseListener.NONE, null, null,
                SegmentedProof.Progress.NONE, null);
        assertThat(again.verdict().accepted()).isTrue();
        assertThat(again.output()).containsExactly(a.output());
    }

    @Test
    void plan_carriesTheSkipAcrossTheCut_andNamesTheLayers() {
        assertThat(plan.count()).isEqualTo(3);
        SegmentPlan.Segment second = plan.segment(1);
        // the second segment takes conv1's output and, for the residual Add, the stem ReLU's output
        assertThat(second.inputs()).hasSize(2);
        assertThat(plan.segment(0).outputs()).containsExactly(second.inputs());
        assertThat(second.firstLayer()).isEqualTo("/Relu_1");
        assertThat(second.lastLayer()).isEqualTo("/Add");
        assertThat(plan.segment(2).outputs()).containsExactly(setup.model().outputTensors().get(0));
    }

    @Test
    void plan_refusesALayerThatCannotFitTheBudget_beforeProving_withTheFigures() {
        assertThatThrownBy(() -> Segmenter.plan(measured, 8))
                .isInstanceOf(CompileException.class)
                .hasMessageContaining("refused before proving")
                .hasMessageContaining("rows alone")
                .hasMessageContaining("budget of 2^8")
                .hasMessageContaining("--max-rows");
        assertThatThrownBy(() -> Segmenter.plan(measured, 3)).isInstanceOf(CompileException.class);
        // the height it names (tables counted) is the one it asks for, and at that budget the layer is planned
        String why = org.assertj.core.api.Assertions.catchThrowableOfType(() -> Segmenter.plan(measured, 8),
                CompileException.class).getMessage();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("layer (\\S+) \\(\\w+\\) needs 2\\^(\\d+) rows alone"
                + ".*raise --max-rows to 2\\^(\\d+) or more").matcher(why);
        assertThat(m.find()).as(why).isTrue();
        assertThat(m.group(2)).isEqualTo(m.group(3));
        int asked = Integer.parseInt(m.group(3));
        assertThat(asked).isGreaterThan(8);
        try {
            Segmenter.plan(measured, asked);
        } catch (CompileException e) {
            assertThat(e.getMessage()).as("refused again for the same layer").doesNotContain("layer " + m.group(1) + " ");
        }
    }

    @Test
    void plan_minimisesTotalHeight_andEverySegmentFitsItsBudget() {
        SegmentPlan p = Segmenter.plan(measured, 13);
        for (SegmentPlan.Segment s : p.segments()) {
            assertThat(s.estimatedLogN()).isLessThanOrEqualTo(13);
        }
        // every layer in exactly one segment, in order
        assertThat(p.segment(0).fromStep()).isZero();
        for (int i = 1; i < p.count(); i++) {
            assertThat(p.segment(i).fromStep()).isEqualTo(p.segment(i - 1).toStep());
        }
        assertThat(p.segment(p.count() - 1).toStep()).isEqualTo(setup.model().steps().size());
    }

    @Test
    void bundle_verifies_andAttestsTheModelsIntegerOutput() throws Exception {
        assertThat(a.verdict().accepted()).as("%s", a.verdict()).isTrue();
        assertThat(verify(a.bundle()).accepted()).isTrue();
        // the keys and the bundle survive their files
        KeyBundle keys = KeyBundle.decode(a.keys().encode());
        assertThat(BundleVerifier.verify(keys, keys.keys(), a.bundle()).accepted()).isTrue();
        long[] q = setup.quantizeInput(inputs.get(0));
        QModel m = setup.model();
        long[] expected = m.evaluate(q)[m.outputTensor()];
        BundleVerifier.Accepted acc = (BundleVerifier.Accepted) verify(a.bundle());
        assertThat(acc.output()).containsExactly(expected);
        assertThat(a.output()).containsExactly(expected);
        // each boundary's link rows are charged to its segments
        assertThat(a.parts().get(1).key().linkRows()).isPositive();
        assertThat(a.parts().get(0).measure().timeline()).extracting(dev.zkscope.api.ProveRun.Phase::name)
                .contains("compile", "keygen", "witness", "quotient", "fri");
    }

    @Test
    void droppedOrDuplicatedSegment_isRejected() throws Exception {
        Bundle x = decode(a.bundle());
        Bundle dropped = new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0), x.parts().get(2)),
                List.of(x.links().get(0)));
        BundleError e = rejected(verify(dropped));
        assertThat(e).isInstanceOf(BundleError.CountMismatch.class);
        assertThat(e.describe()).contains("dropped");
        Bundle dup = new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0), x.parts().get(1),
                x.parts().get(1), x.parts().get(2)), List.of(x.links().get(0), x.links().get(1), x.links().get(1)));
        assertThat(rejected(verify(dup))).isInstanceOf(BundleError.CountMismatch.class);
        // duplicated in place of another (count kept): the header names the segment
        Bundle dupInPlace = new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0), x.parts().get(1),
                x.parts().get(1)), x.links());
        BundleError d = rejected(verify(dupInPlace));
        assertThat(d.segment()).isEqualTo(2);
        assertThat(d.describe()).contains("segment 3 of 3");
    }

    @Test
    void reorderedSegments_areRejected_evenWithTheHeaderRewritten() throws Exception {
        Bundle x = decode(a.bundle());
        Bundle swapped = new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0), x.parts().get(2),
                x.parts().get(1)), x.links());
        BundleError e = rejected(verify(swapped));
        assertThat(e).isInstanceOf(BundleError.HeaderMismatch.class);
        assertThat(e.segment()).isEqualTo(1);
        // the header entries kept in place, only the segments' values and proofs moved
        List<Bundle.Part> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Bundle.Part h = x.parts().get(i);
            Bundle.Part body = x.parts().get(i == 0 ? 0 : 3 - i);
            ps.add(new Bundle.Part(h.logN(), h.usedRows(), h.circuitDigest(), body.publicValues(), body.proof()));
        }
        assertThat(rejected(verify(new Bundle(x.model(), x.keysDigest(), ps, x.links()))).segment()).isIn(1, 2);
    }

    @Test
    void segmentFromAnotherInput_isRejectedAtItsLink() throws Exception {
        Bundle x = decode(a.bundle());
        Bundle y = decode(b.bundle());
        assertThat(verify(b.bundle()).accepted()).isTrue();
        Bundle mixed = new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0), y.parts().get(1),
                x.parts().get(2)), x.links());
        BundleError e = rejected(verify(mixed));
        assertThat(e).isInstanceOf(BundleError.LinkMismatch.class);
        assertThat(e.describe()).contains("segment 2");
        // with the links copied from the other run too, the other link breaks
        Bundle mixed2 = new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0), y.parts().get(1),
                x.parts().get(2)), y.links());
        assertThat(rejected(verify(mixed2))).isInstanceOf(BundleError.LinkMismatch.class);
    }

    @Test
    void segmentFromAnotherModel_isRejected() throws Exception {
        // other cuts give other circuits: another model as far as the keys are concerned
        assertThat(rejected(verify(other.bundle()))).isInstanceOf(BundleError.KeysMismatch.class);
        Bundle x = decode(a.bundle());
        Bundle o = decode(other.bundle());
        Bundle mixed = new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0), o.parts().get(1),
                x.parts().get(2)), x.links());
        BundleError e = rejected(verify(mixed));
        assertThat(e.segment()).isEqualTo(1);
        // the other segment's values and proof under this segment's header entry
        Bundle.Part h = x.parts().get(1);
        Bundle.Part body = o.parts().get(1);
        Bundle mixed2 = new Bundle(x.model(), x.keysDigest(), List.of(x.parts().get(0), new Bundle.Part(h.logN(),
                h.usedRows(), h.circuitDigest(), body.publicValues(), body.proof()), x.parts().get(2)), x.links());
        assertThat(rejected(verify(mixed2)).segment()).isIn(0, 1);
    }

    /**
     * The strongest forger of a boundary value: the whole protocol run again, honestly except that segment 2 reads a
     * value changed by one, the challenge drawn from the new roots, every segment proved at it, the bundle assembled.
     * Every challenge agrees and every proof verifies; only the fingerprints can tell, and do, at the reader.
     */
    @Test
    void wholeRunRedoneOnAChangedBoundaryValue_isRejectedAtTheReadersFingerprint() throws Exception {
        PartsStore.Manifest mf = new PartsStore(tmp.resolve("a")).readManifest().orElseThrow();
        LinkTable table = a.keys().links();
        QModel m = setup.model();
        long[][] t = m.evaluate(setup.quantizeInput(inputs.get(0)));
        SegmentProver.Job[] jobs = new SegmentProver.Job[plan.count()];
        for (int i = 0; i < plan.count(); i++) {
            long[] in = SegmentProver.inputOf(t, plan.segment(i));
            if (i == 1) {
                in[5] += 1;
            }
            jobs[i] = SegmentedProof.job(plan, table, mf, i, in);
        }
        List<SegmentProver.Proved> parts = SegmentFixture.proveAtTheirChallenge(setup, plan, jobs);
        Bundle forged = SegmentedProof.assemble(a.keys(), vks, a.keys().digest(), parts);
        BundleError e = rejected(verify(forged));
        assertThat(e).isInstanceOf(BundleError.LinkMismatch.class);
        assertThat(e.segment()).isEqualTo(1);
        assertThat(e.describe()).contains("the fingerprint of input group");
        // the same run without the change is accepted: the forgery alone is what fails
        jobs[1] = SegmentedProof.job(plan, table, mf, 1, SegmentProver.inputOf(t, plan.segment(1)));
        List<SegmentProver.Proved> again = SegmentFixture.proveAtTheirChallenge(setup, plan, jobs);
        assertThat(verify(SegmentedProof.assemble(a.keys(), vks, a.keys().digest(), again)).accepted()).isTrue();
    }

    @Test
    void changedBoundaryValue_isRejected() throws Exception {
        Bundle x = decode(a.bundle());
        // each link edited: the error names the segment that made it
        LinkTable table = a.keys().links();
        assertThat(x.links()).hasSize(table.boundaries());
        for (int k = 0; k < x.links().size(); k++) {
            List<long[]> links = new ArrayList<>(x.links());
            long[] l = links.get(k).clone();
            l[1] = dev.zkscope.field.Goldilocks.add(l[1], 1);
            links.set(k, l);
            BundleError e = rejected(verify(new Bundle(x.model(), x.keysDigest(), x.parts(), links)));
            assertThat(e).isInstanceOf(BundleError.LinkMismatch.class);
            assertThat(e.segment()).isEqualTo(table.producer(k)[0]);
        }
        // a link dropped or added
        assertThat(rejected(verify(new Bundle(x.model(), x.keysDigest(), x.parts(),
                x.links().subList(1, x.links().size()))))).isInstanceOf(BundleError.LinkMismatch.class);
        // segment 2 proved honestly on a boundary value changed by one, with the boundary's real salts: its input
        // commitment is not segment 1's output commitment
        long[] q = setup.quantizeInput(inputs.get(0));
        long[][] t = setup.model().evaluate(q);
        long[] in = SegmentProver.inputOf(t, plan.segment(1));
        in[5] += 1;
        SegmentProver.Proved forged = SegmentFixture.provedOn(setup, plan, a.keys(), x, tmp.resolve("a"), 1, in);
        List<Bundle.Part> ps = new ArrayList<>(x.parts());
        Bundle.Part h = x.parts().get(1);
        ps.set(1, new Bundle.Part(h.logN(), h.usedRows(), h.circuitDigest(), forged.publicValues(), forged.proof()));
        BundleError f = rejected(verify(new Bundle(x.model(), x.keysDigest(), ps, x.links())));
        assertThat(f).isInstanceOf(BundleError.LinkMismatch.class);
        assertThat(f.segment()).isEqualTo(1);
        // a public value of a segment edited (its output commitment and the link together): its proof fails
        Bundle.Part p0 = x.parts().get(0);
        long[] pub = p0.publicValues().clone();
        pub[pub.length - 1] += 1;
        List<long[]> links2 = new ArrayList<>(x.links());
        int lastOfFirst = table.boundary(0, table.site(0).outSizes().length - 1);
        long[] l0 = links2.get(lastOfFirst).clone();
        l0[1] = dev.zkscope.field.Goldilocks.fromSigned(pub[pub.length - 1]);
        links2.set(lastOfFirst, l0);
        // segment 2's input commitment no longer matches either; make the first failure the proof by editing only
        // what segment 1 publishes and its link: the link check runs before the proofs
        BundleError g = rejected(verify(new Bundle(x.model(), x.keysDigest(), List.of(new Bundle.Part(p0.logN(),
                p0.usedRows(), p0.circuitDigest(), pub, p0.proof()), x.parts().get(1), x.parts().get(2)), links2)));
        assertThat(g.segment()).isIn(0, 1);
    }

    @Test
    void byteFlips_inEveryPart_areRejected_namingThePart() throws Exception {
        byte[] good = a.bundle();
        Bundle.Sections s = Bundle.sections(good);
        List<Integer> header = new ArrayList<>();
        for (int i = 0; i < s.headerEnd(); i++) {
            header.add(i);
        }
        for (int i : header) {
            rejected(verify(flip(good, i)));
        }
        for (int i = s.headerEnd(); i < s.linksEnd(); i++) {
            BundleError e = rejected(verify(flip(good, i)));
            assertThat(e.describe()).as("flip at %d in the links", i).contains("link");
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(17);
        for (int seg = 0; seg < 3; seg++) {
            int from = s.segmentStart()[seg];
            int to = s.segmentEnd()[seg];
            List<Integer> at = new ArrayList<>();
            for (int k = 0; k < 24; k++) {
                at.add(from + k);
                at.add(to - 1 - k);
                at.add(from + rnd.nextInt(to - from));
            }
            for (int i : at) {
                BundleError e = rejected(verify(flip(good, i)));
                String name = "segment " + (seg + 1);
                assertThat(e.describe()).as("flip at %d in %s: %s", i, name, e.describe()).contains(name);
            }
        }
        // truncated and extended
        rejected(verify(Arrays.copyOf(good, good.length - 1)));
        rejected(verify(Arrays.copyOf(good, good.length + 1)));
        rejected(verify(new byte[0]));
    }

    @Test
    void severalBadSegments_theFirstInBundleOrderIsReported_thoughTheyAreVerifiedInParallel() throws Exception {
        byte[] good = a.bundle();
        Bundle.Sections s = Bundle.sections(good);
        int mid2 = (s.segmentStart()[1] + s.segmentEnd()[1]) / 2;
        int mid3 = (s.segmentStart()[2] + s.segmentEnd()[2]) / 2;
        BundleError third = rejected(verify(flip(good, mid3)));
        assertThat(third).isInstanceOf(BundleError.SegmentRejected.class);
        assertThat(third.describe()).contains("segment 3");
        for (int run = 0; run < 5; run++) { // whichever thread finishes first
            BundleError both = rejected(verify(flip(flip(good, mid3), mid2)));
            assertThat(both).isInstanceOf(BundleError.SegmentRejected.class);
            assertThat(both.describe()).contains("segment 2").doesNotContain("segment 3");
        }
        BundleVerifier.Accepted ok = (BundleVerifier.Accepted) verify(good);
        assertThat(ok.verifyNanos()).hasSize(3);
        assertThat(Arrays.stream(ok.verifyNanos()).allMatch(t -> t > 0)).isTrue();
        assertThat(ok.totalVerifyNanos()).as("the proofs' wall time, on every core").isPositive();
    }

    static byte[] flip(byte[] x, int at) {
        byte[] y = x.clone();
        y[at] ^= (byte) 0x20;
        return y;
    }

    @Test
    void cancelledRun_keepsItsFinishedSegments_andResumeFinishesIt(@TempDir Path dir) throws Exception {
        Path parts = dir.resolve("parts");
        boolean[] stop = {false};
        SegmentedProof.Progress stopAfterFirst = new SegmentedProof.Progress() {
            @Override public void segmentFinished(SegmentPlan p, SegmentProver.Proved proved) {
                stop[0] = true;
            }
        };
        assertThatThrownBy(() -> SegmentedProof.run(new SegmentedProof.Request(setup.model(), plan, setup.context(),
                setup.quantizeInput(inputs.get(2)), null, null, parts, false), PhaseListener.NONE, null,
                () -> stop[0], stopAfterFirst))
                .isInstanceOf(CancellationException.class)
                .hasMessageContaining("--resume");
        assertThat(Files.exists(parts.resolve("segment-0001.bin"))).isTrue();
        assertThat(Files.exists(parts.resolve("segment-0002.bin"))).isFalse();
        // another input cannot resume these parts
        assertThatThrownBy(() -> run(plan, inputs.get(3), parts, true, null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("another");
        SegmentedProof.Result r = run(plan, inputs.get(2), parts, true, null);
        assertThat(r.resumedFrom()).isEqualTo(1);
        assertThat(r.parts().get(0).resumed()).isTrue();
        assertThat(r.parts().get(1).resumed()).isFalse();
        assertThat(r.verdict().accepted()).isTrue();
        assertThat(verify(r.bundle()).accepted()).isTrue();
    }
}
