package dev.zkscope.segment;

import dev.zkscope.compile.CompileException;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.TestModels;
import dev.zkscope.plonk.VerifyingKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One layer larger than the budget split along its outputs: a wide MLP (512 -> 512 -> 10) at the largest budget its
 * first Gemm (whose input is the model's own, which every part must take) does not fit alone; the plan splits it into
 * parts, each its own segment; the bundle proves and verifies and attests the model's integer output; every segment's counted ledger is
 * its compiled one; and a dropped, duplicated, swapped or foreign part, a part proved on a changed boundary value
 * and byte flips in the parts are rejected with a typed error naming the segment.
 */
class LayerSplitTest {
    static SegmentFixture fx;
    static SegmentSetup setup;
    static Segmenter.Measured measured;
    static List<List<Tensor>> inputs;
    static SegmentPlan plan;
    static SegmentedProof.Result a;
    static SegmentedProof.Result b;
    static List<VerifyingKey> vks;
    /** The index of the first part of the split layer, and how many parts it has. */
    static int first;
    static int parts;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void prove() throws Exception {
        // 512 inputs -> Gemm 512x512 -> Relu -> Gemm 10x512: the first Gemm's 262,144 products (4,096 rows at 64
        // per row) outweigh hashing what crosses its cuts (about 1.6 rows per value), so splitting it pays
        byte[] onnx = TestModels.opset(13).input("x", 1, 512)
                .initRandom("w1", 1, 512, 512).initRandom("b1", 2, 512)
                .initRandom("w2", 3, 10, 512).initRandom("b2", 4, 10)
                .op("Gemm", "h", TestModels.in("x", "w1", "b1"), TestModels.attr("transB", 1L))
                .op("Relu", "r", TestModels.in("h"))
                .op("Gemm", "y", TestModels.in("r", "w2", "b2"), TestModels.attr("transB", 1L))
                .output("y").bytes();
        inputs = SegmentFixture.randomInputs(5, 12, 1, 512);
        fx = SegmentFixture.of("wide", onnx, tmp, inputs.subList(2, 12));
        setup = fx.setup;
        measured = fx.measured;
        // the largest budget at which some layer no longer fits alone: the fewest segments with a split
        plan = fx.largestBudget("splits a layer", p -> p.segments().stream().anyMatch(SegmentPlan.Segment::isPart));
        for (SegmentPlan.Segment x : plan.segments()) {
            if (x.isPart() && x.part() == 0) {
                first = x.index();
                parts = x.parts();
                break;
            }
        }
        a = fx.prove(plan, inputs.get(0), tmp.resolve("a"));
        b = fx.prove(plan, inputs.get(1), tmp.resolve("b"));
        vks = a.keys().keys();
    }

    static BundleVerifier.Result verify(Bundle x) {
        return BundleVerifier.verify(a.keys(), vks, x);
    }

    static BundleVerifier.Result verify(byte[] x) {
        return BundleVerifier.verify(a.keys(), vks, x);
    }

    static BundleError rejected(BundleVerifier.Result r) {
        return SegmentedProofTest.rejected(r);
    }

    @Test
    void plan_splitsTheLayerThatExceedsTheBudget_intoPartsThatEachFit() {
        SegmentPlan.Segment p0 = plan.segment(first);
        QModel m = setup.model();
        int n = m.size(p0.partTensor());
        // the layer does not fit the budget alone, so the planner had to split it
        long alone = measured.layers().stream().filter(l -> l.name().equals(p0.firstLayer())).findFirst()
                .orElseThrow().rows();
        assertThat(alone + p0.linkRows()).isGreaterThan(1L << (plan.logBudget() - 2));
        assertThat(parts).isGreaterThanOrEqualTo(2);
        int expectFrom = 0;
        for (int q = 0; q < parts; q++) {
            SegmentPlan.Segment s = plan.segment(first + q);
            assertThat(s.isPart()).isTrue();
            assertThat(s.part()).isEqualTo(q);
            assertThat(s.fromStep()).isEqualTo(p0.fromStep());
            assertThat(s.toStep()).isEqualTo(p0.toStep());
            assertThat(s.partFrom()).isEqualTo(expectFrom);
            assertThat(s.estimatedLogN()).isLessThanOrEqualTo(plan.logBudget());
            assertThat(s.span()).contains("part " + (q + 1) + "/" + parts);
            expectFrom = s.partTo();
            // a part gives only its own outputs (the first part of the first layer: and the model's input, once)
            int own = s.partTo() - s.partFrom();
            assertThat(s.site().outSizes()).endsWith(own);
            if (q > 0) {
                // and takes only what the layer reads, from the segment that made it (fan-out): not the parts'
                // outputs so far
                assertThat(s.inputValues(m::size)).isEqualTo(p0.inputValues(m::size) == 0
                        ? m.inputSize() : p0.inputValues(m::size));
                assertThat(s.site().inFromSegment()).doesNotContain(first + 1, first + q);
            }
        }
        assertThat(expectFrom).isEqualTo(n);
        // the link table is well formed and every input group comes from an earlier segment, of its size
        LinkTable table = LinkTable.of(plan);
        assertThat(table.check()).isNull();
        for (int i = 0; i < plan.count(); i++) {
            SegmentPlan.Segment s = plan.segment(i);
            assertThat(Arrays.stream(s.site().inSizes()).asLongStream().sum())
                    .isEqualTo(i == 0 ? 0 : s.inputValues(m::size));
            if (i + 1 < plan.count()) {
                assertThat(Arrays.stream(s.site().outSizes()).asLongStream().sum()).isEqualTo(s.outputValues(m::size));
            }
        }
        // fan-in: the segment after the split layer takes its output in one group per part, from each part
        int after = first + parts;
        if (after < plan.count()) {
            List<Integer> producers = new ArrayList<>();
            for (int f : plan.segment(after).site().inFromSegment()) {
                producers.add(f);
            }
            for (int q = 0; q < parts; q++) {
                assertThat(producers).contains(first + q);
            }
        }
    }

    @Test
    void plan_survivesJavaSerialization_asTheClusterShipsIt() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(plan);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            SegmentPlan back = (SegmentPlan) in.readObject();
            assertThat(back).isEqualTo(plan);
            assertThat(LinkTable.of(back)).isEqualTo(LinkTable.of(plan));
        }
    }

    @Test
    void bundle_verifies_andAttestsTheModelsIntegerOutput() throws Exception {
        assertThat(a.verdict().accepted()).isTrue();
        assertThat(verify(a.bundle()).accepted()).isTrue();
        assertThat(verify(b.bundle()).accepted()).isTrue();
        long[] q = setup.quantizeInput(inputs.get(0));
        QModel m = setup.model();
        long[] expected = m.evaluate(q)[m.outputTensor()];
        BundleVerifier.Accepted acc = (BundleVerifier.Accepted) verify(a.bundle());
        assertThat(acc.output()).containsExactly(expected);
        for (int k = 0; k < parts; k++) {
            KeyBundle.Entry e = a.keys().entries().get(first + k);
            assertThat(e.span()).contains("part " + (k + 1) + "/" + parts);
            assertThat(e.linkRows()).isPositive();
            assertThat(e.usedRows()).isLessThanOrEqualTo(1 << plan.logBudget());
        }
    }

    @Test
    void countedLedger_equalsTheCompiledOne_forEverySegmentOfTheSplitPlan() {
        for (int i = 0; i < plan.count(); i++) {
            CompiledModel filled = fx.assertCountedLedgerIsCompiled(plan, i);
            // the ledger shows the link cost of each part
            assertThat(filled.ledger().layers()).extracting(dev.zkscope.compile.LayerCost::layer)
                    .contains(i == 0 ? "input" : dev.zkscope.compile.ModelCompiler.LINK_INPUT);
        }
    }

    @Test
    void droppedDuplicatedOrSwappedPart_isRejected_namingTheSegment() throws Exception {
        Bundle x = Bundle.decode(a.bundle());
        int n = x.parts().size();
        List<Bundle.Part> dropped = new ArrayList<>(x.parts());
        dropped.remove(first + 1);
        BundleError e = rejected(verify(SegmentFixture.withParts(x, dropped)));
        assertThat(e).isInstanceOf(BundleError.CountMismatch.class);
        assertThat(e.describe()).contains("dropped");
        // a part in place of its sibling (count kept): the header names it
        List<Bundle.Part> dup = new ArrayList<>(x.parts());
        dup.set(first + 1, x.parts().get(first));
        BundleError d = rejected(verify(SegmentFixture.withParts(x, dup)));
        assertThat(d.segment()).isEqualTo(first + 1);
        assertThat(d.describe()).contains("segment " + (first + 2) + " of " + n);
        // two parts swapped, also with the header entries kept in place
        List<Bundle.Part> sw = new ArrayList<>(x.parts());
        sw.set(first, x.parts().get(first + 1));
        sw.set(first + 1, x.parts().get(first));
        BundleError s = rejected(verify(SegmentFixture.withParts(x, sw)));
        assertThat(s.segment()).isIn(first, first + 1);
        List<Bundle.Part> sw2 = new ArrayList<>(x.parts());
        for (int k = 0; k < 2; k++) {
            Bundle.Part h = x.parts().get(first + k);
            Bundle.Part body = x.parts().get(first + 1 - k);
            sw2.set(first + k, new Bundle.Part(h.logN(), h.usedRows(), h.circuitDigest(), body.publicValues(),
                    body.proof()));
        }
        assertThat(rejected(verify(SegmentFixture.withParts(x, sw2))).segment())
                .isIn(first, first + 1);
    }

    @Test
    void partFromAnotherInput_isRejectedAtItsLink() throws Exception {
        Bundle x = Bundle.decode(a.bundle());
        Bundle y = Bundle.decode(b.bundle());
        List<Bundle.Part> mixed = new ArrayList<>(x.parts());
        mixed.set(first + 1, y.parts().get(first + 1));
        BundleError e = rejected(verify(SegmentFixture.withParts(x, mixed)));
        assertThat(e).isInstanceOf(BundleError.LinkMismatch.class);
        assertThat(e.segment()).isIn(first, first + 1);
    }

    @Test
    void partProvedOnAChangedBoundaryValue_isRejected() throws Exception {
        Bundle x = Bundle.decode(a.bundle());
        // a later part (its input: the layer's, from the first part) and the segment after the layer (its input:
        // the parts' outputs, one group per part), each proved honestly on an input changed by one
        for (int i : new int[] {first + 1, first + parts}) {
            long[] in = fx.segmentInput(inputs.get(0), plan.segment(i));
            for (int at : new int[] {3, in.length - 1}) {
                long[] forgedIn = in.clone();
                forgedIn[at] += 1;
                BundleError e = rejected(verify(fx.withPartProvedOn(plan, x, tmp.resolve("a"), i, forgedIn)));
                assertThat(e).as("changed input value %d", at).isInstanceOf(BundleError.LinkMismatch.class);
                assertThat(e.segment()).isEqualTo(i);
                assertThat(e.describe()).contains("segment " + (i + 1));
            }
        }
    }

    @Test
    void anEditedLinkTable_isRefused_orNoLongerMatchesTheBundle() throws Exception {
        KeyBundle keys = a.keys();
        LinkTable t = keys.links();
        // swap the producers of two input groups of the same size (two parts' outputs, taken in the other order)
        int j = first + parts;
        LinkTable.Site site = t.site(j);
        int[] sz = site.inSizes();
        int h1 = -1;
        int h2 = -1;
        for (int x = 0; x < sz.length && h2 < 0; x++) {
            for (int y = x + 1; y < sz.length && h2 < 0; y++) {
                if (sz[x] == sz[y]) {
                    h1 = x;
                    h2 = y;
                }
            }
        }
        assertThat(h2).as("two input groups of one size").isPositive();
        int[] fs = site.inFromSegment();
        int[] fg = site.inFromGroup();
        int s1 = fs[h1];
        int g1 = fg[h1];
        fs[h1] = fs[h2];
        fg[h1] = fg[h2];
        fs[h2] = s1;
        fg[h2] = g1;
        KeyBundle edited = SegmentFixture.withSite(keys, j, new LinkTable.Site(site.inSizes(), fs, fg,
                site.outSizes()));
        assertThat(edited.links().check()).isNull();
        BundleVerifier.Result r = BundleVerifier.verify(edited, vks, a.bundle());
        assertThat(rejected(r)).isInstanceOf(BundleError.KeysMismatch.class);
        // the edited key bundle as a file: its digest is not the bundle's either, and a table that takes an input
        // from a later segment or of another size does not even decode
        KeyBundle back = KeyBundle.decode(edited.encode());
        assertThat(rejected(BundleVerifier.verify(back, vks, a.bundle()))).isInstanceOf(BundleError.KeysMismatch.class);
        int[] later = site.inFromSegment();
        later[0] = j;
        KeyBundle forward = SegmentFixture.withSite(keys, j, new LinkTable.Site(site.inSizes(), later,
                site.inFromGroup(), site.outSizes()));
        assertThatThrownBy(() -> KeyBundle.decode(forward.encode()))
                .isInstanceOf(dev.zkscope.api.ArtifactFiles.FormatException.class)
                .hasMessageContaining("segment " + (j + 1));
        int[] sizes = site.inSizes();
        sizes[0] += 1;
        KeyBundle resized = SegmentFixture.withSite(keys, j, new LinkTable.Site(sizes, site.inFromSegment(),
                site.inFromGroup(), site.outSizes()));
        assertThatThrownBy(() -> KeyBundle.decode(resized.encode()))
                .isInstanceOf(dev.zkscope.api.ArtifactFiles.FormatException.class)
                .hasMessageContaining("values");
        // an input group left unlinked (dropped from the table) cannot be: the count is the segment's
        int[] none = new int[0];
        KeyBundle unlinked = SegmentFixture.withSite(keys, j, new LinkTable.Site(none, none, none, site.outSizes()));
        BundleVerifier.Result u = BundleVerifier.verify(unlinked, vks, a.bundle());
        assertThat(rejected(u)).isInstanceOf(BundleError.KeysMismatch.class);
    }

    @Test
    void version1Files_areRefused_withAClearError() throws Exception {
        byte[] b = a.bundle().clone();
        b[7] = 1;
        BundleError e = rejected(verify(b));
        assertThat(e.describe()).contains("version 1").contains("prove the model again");
        // version 2 linked by Poseidon2 digests: its links no longer read, and it says so
        b[7] = 2;
        assertThat(rejected(verify(b)).describe()).contains("version 2").contains("Poseidon2 digests")
                .contains("prove the model again");
        byte[] k = a.keys().encode();
        k[7] = 1;
        assertThatThrownBy(() -> KeyBundle.decode(k)).isInstanceOf(dev.zkscope.api.ArtifactFiles.FormatException.class)
                .hasMessageContaining("version 1").hasMessageContaining("prove the model again");
    }

    @Test
    void byteFlips_inTheParts_areRejected_namingThePart() throws Exception {
        byte[] good = a.bundle();
        Bundle.Sections s = Bundle.sections(good);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(29);
        for (int seg = first; seg < first + parts; seg++) {
            int from = s.segmentStart()[seg];
            int to = s.segmentEnd()[seg];
            for (int k = 0; k < 12; k++) {
                for (int at : new int[] {from + k, to - 1 - k, from + rnd.nextInt(to - from)}) {
                    BundleError e = rejected(verify(SegmentedProofTest.flip(good, at)));
                    assertThat(e.describe()).as("flip at %d", at).contains("segment " + (seg + 1));
                }
            }
        }
        rejected(verify(Arrays.copyOf(good, good.length - 1)));
    }

    @Test
    void aLayerThatCannotBeSplitToFit_isRefusedBeforeProving_withTheFigures() {
        assertThatThrownBy(() -> Segmenter.plan(measured, Segmenter.MIN_LOG_BUDGET))
                .isInstanceOf(CompileException.class)
                .hasMessageContaining("refused before proving")
                .hasMessageContaining("split along its outputs into")
                .hasMessageContaining("--max-rows");
    }
}
