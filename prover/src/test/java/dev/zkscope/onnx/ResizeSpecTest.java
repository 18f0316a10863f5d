package dev.zkscope.onnx;

import static dev.zkscope.onnx.TestModels.attr;
import static dev.zkscope.onnx.TestModels.in;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resize in the form mlsd_tiny (tf2onnx, opset 11) uses: mode linear, coordinate_transformation_mode half_pixel,
 * empty roi and scales, the output sizes given, against values worked out by hand from the ONNX specification:
 * x_original = (x_resized + 0.5) / scale - 0.5 with scale = output size / input size; a coordinate outside [0, n - 1]
 * reads the edge value (the reference implementation pads with the edge, ONNX Runtime clamps: the same values); the
 * value is (1 - f)·x[i] + f·x[i + 1] with i = floor(x_original), f its fraction; n-linear is that per axis.
 */
class ResizeSpecTest {
    private static Graph resize(int[] inShape, long... sizes) throws Exception {
        return TestModels.opset(11).input("x", inShape).init("roi", new int[] {0}).init("scales", new int[] {0})
                .initLongs("sizes", sizes).op("Resize", "y", in("x", "roi", "scales", "sizes"), attr("mode", "linear"),
                        attr("coordinate_transformation_mode", "half_pixel"), attr("nearest_mode", "floor"))
                .output("y").load();
    }

    private static double[] run(Graph g, int[] shape, double... x) {
        return new FloatEvaluator(g).run(List.of(Tensor.of(shape, x))).get(0).data();
    }

    @Test
    void halfPixelLinear_upsampleByTwo_2d() throws Exception {
        // Per axis, scale 2: o = 0..3 -> x_original -0.25 (edge), 0.25, 0.75, 1.25 (edge):
        // [1, 2] -> [1, 1.25, 1.75, 2]; rows the same between [1, 2] and [3, 4].
        Graph g = resize(new int[] {1, 1, 2, 2}, 1, 1, 4, 4);
        double[] y = run(g, new int[] {1, 1, 2, 2}, 1, 2, 3, 4);
        assertThat(y).containsExactly(
                1.0, 1.25, 1.75, 2.0,
                1.5, 1.75, 2.25, 2.5,
                2.5, 2.75, 3.25, 3.5,
                3.0, 3.25, 3.75, 4.0);
    }

    @Test
    void halfPixelLinear_sizesNotAMultiple_1d() throws Exception {
        // 3 -> 5: scale 5/3, x_original = (o + 0.5)·0.6 - 0.5 = -0.2 (edge: x[0]), 0.4, 1.0, 1.6, 2.2 (edge: x[2]).
        // The scale is the float32 5/3 (as ONNX Runtime computes it from the sizes), so the fractions are off by
        // about 1e-8: within 1e-6 of the exact values.
        Graph g = resize(new int[] {1, 1, 1, 3}, 1, 1, 1, 5);
        double[] y = run(g, new int[] {1, 1, 1, 3}, 0, 10, 20);
        assertThat(y).hasSize(5);
        double[] want = {0, 0.6 * 0 + 0.4 * 10, 10, 0.4 * 10 + 0.6 * 20, 20};
        for (int i = 0; i < want.length; i++) {
            assertThat(y[i]).as("output %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void halfPixelLinear_downsample_1d() throws Exception {
        // 4 -> 2: scale 0.5, x_original = (o + 0.5)·2 - 0.5 = 0.5, 2.5: means of neighbours (no antialias in opset 11).
        Graph g = resize(new int[] {1, 1, 1, 4}, 1, 1, 1, 2);
        double[] y = run(g, new int[] {1, 1, 1, 4}, 1, 3, 7, 15);
        assertThat(y).containsExactly(2.0, 11.0);
    }
}
