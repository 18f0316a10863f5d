package dev.zkscope.segment;

import dev.zkscope.compile.model.QModel;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.TestModels;
import dev.zkscope.plonk.VerifyingKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MobileNetV2 block (1x1 expand Conv, ReLU6 Clip, 3x3 depthwise Conv, ReLU6 Clip, 1x1 project Conv) at a budget
 * where the expanded tensor is too large for any part to take whole: the expand Conv is split, and the Clip and the
 * depthwise Conv after it are split into parts that each take only the pieces of their input their own outputs read
 * (the Clip its own range, the depthwise Conv its channels' planes). The bundle verifies and attests the model's
 * integer output; every segment's counted ledger is its compiled one; a sliced part proved honestly on a changed
 * value of its slice is rejected at its link.
 */
class SlicedPartsTest {
    static SegmentFixture fx;
    static SegmentSetup setup;
    static SegmentPlan plan;
    static SegmentedProof.Result a;
    static List<Tensor> input;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void prove() throws Exception {
        byte[] onnx = TestModels.opset(13).input("x", 1, 4, 12, 12)
                .initRandom("we", 1, 24, 4, 1, 1).initRandom("be", 2, 24)
                .initRandom("wd", 3, 24, 1, 3, 3).initRandom("bd", 4, 24)
                .initRandom("wp", 5, 4, 24, 1, 1).initRandom("bp", 6, 4)
                .init("lo", new int[] {}, 0f).init("hi", new int[] {}, 6f)
                .op("Conv", "e", TestModels.in("x", "we", "be"))
                .op("Clip", "e6", TestModels.in("e", "lo", "hi"))
                .op("Conv", "d", TestModels.in("e6", "wd", "bd"), TestModels.attr("group", 24L),
                        TestModels.ints("pads", 1, 1, 1, 1))
                .op("Clip", "d6", TestModels.in("d", "lo", "hi"))
                .op("Conv", "y", TestModels.in("d6", "wp", "bp"))
                .output("y").bytes();
        List<List<Tensor>> cal = SegmentFixture.randomInputs(9, 9, 1, 4, 12, 12);
        input = cal.get(0);
        fx = SegmentFixture.of("block", onnx, tmp, cal.subList(1, 9));
        setup = fx.setup;
        plan = fx.largestBudget("gives a part a slice of its input",
                p -> p.segments().stream().anyMatch(s -> s.isPart() && sliced(s)));
        a = fx.prove(plan, input, tmp.resolve("a"));
    }

    /** Whether segment s takes a slice of some input tensor (not the whole tensor). */
    static boolean sliced(SegmentPlan.Segment s) {
        return fx.slicedInputs(s).length > 0;
    }

    @Test
    void partsTakeOnlyThePiecesTheirOutputsRead_andTheirGroupsMatchTheProducers() {
        QModel m = setup.model();
        int sliced = 0;
        for (SegmentPlan.Segment s : plan.segments()) {
            if (!sliced(s)) {
                continue;
            }
            sliced++;
            assertThat(s.isPart()).isTrue();
            int[] ins = s.inputs();
            long whole = 0;
            for (int k = 0; k < ins.length; k++) {
                assertThat(s.inFrom()[k]).isBetween(0, m.size(ins[k]) - 1);
                assertThat(s.inTo()[k]).isLessThanOrEqualTo(m.size(ins[k]));
                whole += m.size(ins[k]);
            }
            assertThat(s.inputValues(m::size)).isLessThan(whole);
            // the groups it takes are the producers' groups, of their sizes, and add up to the slices
            assertThat(java.util.Arrays.stream(s.site().inSizes()).asLongStream().sum())
                    .isEqualTo(s.inputValues(m::size));
            for (int h = 0; h < s.site().inSizes().length; h++) {
                SegmentPlan.Segment from = plan.segment(s.site().inFromSegment()[h]);
                assertThat(from.site().outSizes()[s.site().inFromGroup()[h]]).isEqualTo(s.site().inSizes()[h]);
            }
        }
        assertThat(sliced).isGreaterThanOrEqualTo(2);
        // the depthwise Conv's parts (their first step a dot product) take only their channels' planes
        assertThat(plan.segments().stream().filter(s -> s.isPart() && sliced(s)
                && m.steps().get(s.fromStep()) instanceof dev.zkscope.compile.model.Steps.Dot).count())
                .as("sliced dot-product parts").isGreaterThanOrEqualTo(2);
        assertThat(LinkTable.of(plan).check()).isNull();
    }

    @Test
    void bundle_verifies_andAttestsTheModelsIntegerOutput() throws Exception {
        assertThat(a.verdict().accepted()).isTrue();
        List<VerifyingKey> vks = a.keys().keys();
        BundleVerifier.Result r = BundleVerifier.verify(a.keys(), vks, a.bundle());
        assertThat(r.accepted()).isTrue();
        QModel m = setup.model();
        long[] expected = m.evaluate(setup.quantizeInput(input))[m.outputTensor()];
        assertThat(((BundleVerifier.Accepted) r).output()).containsExactly(expected);
    }

    @Test
    void countedLedger_equalsTheCompiledOne_forEverySlicedPart() {
        for (int i = 0; i < plan.count(); i++) {
            if (sliced(plan.segment(i))) {
                fx.assertCountedLedgerIsCompiled(plan, i);
            }
        }
    }

    @Test
    void aSlicedPartProvedOnAChangedValueOfItsSlice_isRejectedAtItsLink() throws Exception {
        Bundle x = Bundle.decode(a.bundle());
        int checked = 0;
        for (int i = 0; i < plan.count() && checked < 2; i++) {
            SegmentPlan.Segment s = plan.segment(i);
            if (!sliced(s)) {
                continue;
            }
            checked++;
            long[] in = fx.segmentInput(input, s);
            long[] forgedIn = in.clone();
            forgedIn[in.length / 2] += 1;
            BundleError e = SegmentedProofTest.rejected(BundleVerifier.verify(a.keys(), a.keys().keys(),
                    fx.withPartProvedOn(plan, x, tmp.resolve("a"), i, forgedIn)));
            assertThat(e).isInstanceOf(BundleError.LinkMismatch.class);
            assertThat(e.segment()).isEqualTo(i);
        }
        assertThat(checked).isEqualTo(2);
    }
}
