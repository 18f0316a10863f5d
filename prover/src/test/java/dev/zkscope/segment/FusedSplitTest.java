package dev.zkscope.segment;

import dev.zkscope.compile.model.QModel;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.TestModels;
import dev.zkscope.plonk.VerifyingKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Element-wise layers fused into the parts of a split layer, as in a residual block: x -> Gemm -> Relu (r1, the
 * skip) -> Gemm -> Relu (r2) -> Gemm (h3) -> Add(h3, r1) -> Relu -> Gemm -> y. Where the third Gemm is split, the
 * Add and the Relu after it are computed in its parts (h3 and the Add's output never cross a boundary), and each part
 * takes of the skip r1 only the pieces that hold the elements its Add reads (its Gemm still takes r2 whole). The
 * bundle proves and verifies and attests the model's integer output; every segment's counted ledger is its compiled
 * one; and a fused part proved on an edited slice, a dropped or swapped fused part, a slice re-pointed at another
 * producer in the link table, and a part whose slice is shifted are rejected or refused.
 */
class FusedSplitTest {
    static SegmentFixture fx;
    static SegmentSetup setup;
    static List<List<Tensor>> inputs;
    static SegmentPlan plan;
    static SegmentedProof.Result a;
    static List<VerifyingKey> vks;
    /** A fused part that takes a slice of one of its input tensors, and which input that is. */
    static int fused;
    static int sliced;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void prove() throws Exception {
        int n = 256;
        byte[] onnx = TestModels.opset(13).input("x", 1, n)
                .initRandom("w1", 1, n, n).initRandom("b1", 2, n)
                .initRandom("w2", 3, n, n).initRandom("b2", 4, n)
                .initRandom("w3", 5, n, n).initRandom("b3", 6, n)
                .initRandom("w4", 7, 10, n).initRandom("b4", 8, 10)
                .op("Gemm", "h1", TestModels.in("x", "w1", "b1"), TestModels.attr("transB", 1L))
                .op("Relu", "r1", TestModels.in("h1"))
                .op("Gemm", "h2", TestModels.in("r1", "w2", "b2"), TestModels.attr("transB", 1L))
                .op("Relu", "r2", TestModels.in("h2"))
                .op("Gemm", "h3", TestModels.in("r2", "w3", "b3"), TestModels.attr("transB", 1L))
                .op("Add", "s3", TestModels.in("h3", "r1"))
                .op("Relu", "r3", TestModels.in("s3"))
                .op("Gemm", "y", TestModels.in("r3", "w4", "b4"), TestModels.attr("transB", 1L))
                .output("y").bytes();
        inputs = SegmentFixture.randomInputs(11, 10, 1, n);
        fx = SegmentFixture.of("block", onnx, tmp, inputs.subList(1, 10));
        setup = fx.setup;
        // the largest budget with a fused part that takes a slice: the first such part, and the last input it slices
        plan = fx.largestBudget("fuses the Add and Relu into the split Gemm's parts, with a slice",
                p -> p.segments().stream().anyMatch(FusedSplitTest::fusedWithASlice));
        SegmentPlan.Segment s = plan.segments().stream().filter(FusedSplitTest::fusedWithASlice).findFirst()
                .orElseThrow();
        int[] slices = fx.slicedInputs(s);
        fused = s.index();
        sliced = slices[slices.length - 1];
        a = fx.prove(plan, inputs.get(0), tmp.resolve("a"));
        vks = a.keys().keys();
    }

    static boolean fusedWithASlice(SegmentPlan.Segment s) {
        return s.isPart() && s.layers() > 1 && fx.slicedInputs(s).length > 0;
    }

    static BundleVerifier.Result verify(Bundle x) throws Exception {
        return BundleVerifier.verify(a.keys(), vks, x);
    }

    @Test
    void plan_fusesTheElementWiseLayers_andTakesOnlyThePiecesTheyRead() {
        SegmentPlan.Segment s = plan.segment(fused);
        QModel m = setup.model();
        assertThat(s.span()).startsWith("layers ").contains(", part " + (s.part() + 1) + "/" + s.parts());
        assertThat(s.lastLayer()).isNotEqualTo(s.firstLayer());
        // the fused part gives its own outputs of the last fused layer, not of the split one
        assertThat(m.steps().get(s.toStep() - 1).out()).isEqualTo(s.partTensor());
        // the slice holds every element its steps read, and is made of whole pieces of the producer's output groups
        int t = s.inputs()[sliced];
        assertThat(s.inFrom()[sliced]).isLessThanOrEqualTo(s.partFrom());
        assertThat(s.inTo()[sliced]).isGreaterThanOrEqualTo(s.partTo());
        assertThat(s.inTo()[sliced] - s.inFrom()[sliced]).isLessThan(m.size(t));
        long groups = 0;
        for (int g : s.site().inSizes()) {
            groups += g;
        }
        assertThat(groups).isEqualTo(s.inputValues(m::size));
        assertThat(LinkTable.of(plan).check()).isNull();
        // no segment takes the split layer's own output (h3): it never crosses a boundary
        int h3 = m.steps().get(plan.segment(fused).fromStep()).out();
        for (SegmentPlan.Segment x : plan.segments()) {
            assertThat(x.inputs()).doesNotContain(h3);
        }
    }

    @Test
    void bundle_verifies_andAttestsTheModelsIntegerOutput() throws Exception {
        assertThat(a.verdict().accepted()).isTrue();
        long[] q = setup.quantizeInput(inputs.get(0));
        QModel m = setup.model();
        BundleVerifier.Accepted acc = (BundleVerifier.Accepted) verify(Bundle.decode(a.bundle()));
        assertThat(acc.output()).containsExactly(m.evaluate(q)[m.outputTensor()]);
    }

    @Test
    void countedLedger_equalsTheCompiledOne_forEverySegment() {
        for (int i = 0; i < plan.count(); i++) {
            fx.assertCountedLedgerIsCompiled(plan, i);
        }
    }

    @Test
    void fusedPartProvedOnAnEditedSlice_isRejectedAtItsLink() throws Exception {
        Bundle x = Bundle.decode(a.bundle());
        SegmentPlan.Segment s = plan.segment(fused);
        long[] in = fx.segmentInput(inputs.get(0), s);
        int sliceAt = 0;
        for (int k = 0; k < sliced; k++) {
            sliceAt += s.inTo()[k] - s.inFrom()[k];
        }
        int sliceEnd = sliceAt + s.inTo()[sliced] - s.inFrom()[sliced];
        for (int at : new int[] {sliceAt, sliceEnd - 1}) {
            long[] forgedIn = in.clone();
            forgedIn[at] += 1;
            BundleError e = SegmentedProofTest.rejected(verify(fx.withPartProvedOn(plan, x, tmp.resolve("a"), fused,
                    forgedIn)));
            assertThat(e).as("slice value %d changed", at).isInstanceOf(BundleError.LinkMismatch.class);
            assertThat(e.segment()).isEqualTo(fused);
        }
    }

    @Test
    void droppedOrSwappedFusedPart_isRejected() throws Exception {
        Bundle x = Bundle.decode(a.bundle());
        SegmentPlan.Segment s = plan.segment(fused);
        List<Bundle.Part> dropped = new ArrayList<>(x.parts());
        dropped.remove(fused);
        BundleError e = SegmentedProofTest.rejected(verify(SegmentFixture.withParts(x, dropped)));
        assertThat(e).isInstanceOf(BundleError.CountMismatch.class);
        int sibling = s.part() == 0 ? fused + 1 : fused - 1;
        List<Bundle.Part> sw = new ArrayList<>(x.parts());
        sw.set(fused, x.parts().get(sibling));
        sw.set(sibling, x.parts().get(fused));
        assertThat(SegmentedProofTest.rejected(verify(SegmentFixture.withParts(x, sw))).segment())
                .isIn(fused, sibling);
    }

    @Test
    void aSliceRepointedInTheLinkTable_noLongerMatchesTheBundle() throws Exception {
        KeyBundle keys = a.keys();
        LinkTable table = keys.links();
        LinkTable.Site site = table.site(fused);
        int[] fs = site.inFromSegment();
        int[] fg = site.inFromGroup();
        int[] sz = site.inSizes();
        // point the part's first input group at another output group of the same size, made before the part
        int h = 0;
        boolean moved = false;
        for (int j = 0; j < fused && !moved; j++) {
            int[] outs = table.site(j).outSizes();
            for (int g = 0; g < outs.length && !moved; g++) {
                if (outs[g] == sz[h] && (j != fs[h] || g != fg[h])) {
                    fs[h] = j;
                    fg[h] = g;
                    moved = true;
                }
            }
        }
        assertThat(moved).as("another output group of the slice's size").isTrue();
        KeyBundle edited = SegmentFixture.withSite(keys, fused, new LinkTable.Site(sz, fs, fg, site.outSizes()));
        assertThat(SegmentedProofTest.rejected(BundleVerifier.verify(edited, vks, a.bundle())))
                .isInstanceOf(BundleError.KeysMismatch.class);
    }

    @Test
    void aPartWhoseSliceIsShifted_isRefused() {
        SegmentPlan.Segment s = plan.segment(fused);
        int[] from = s.inFrom();
        int[] to = s.inTo();
        // the same number of values taken one element later: the first element the Add reads is no longer taken
        from[sliced] += 1;
        to[sliced] += to[sliced] < setup.model().size(s.inputs()[sliced]) ? 1 : 0;
        SegmentPlan.Segment shifted = new SegmentPlan.Segment(s.index(), s.fromStep(), s.toStep(), s.firstLayer(),
                s.lastLayer(), s.layers(), s.inputs(), s.outputs(), s.params(), s.estimatedRows(), s.estimatedLogN(),
                s.linkRows(), s.part(), s.parts(), s.partTensor(), s.partFrom(), s.partTo(), s.partialIn(),
                s.site(), from, to);
        assertThatThrownBy(() -> LayerSplit.partModel(setup.model(), setup.model().bounds(), shifted, "shifted"))
                .hasMessageContaining("outside the range");
    }
}
