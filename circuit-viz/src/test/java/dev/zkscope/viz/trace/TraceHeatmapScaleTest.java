package dev.zkscope.viz.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.circuit.Region;
import dev.zkscope.viz.LayerSelection;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The heatmap at scale: a trace of 10,000 layers draws with a virtualized legend (a few dozen nodes, not 10,000),
 * and a pixel's used-cell count comes from the column's block summary, equal to counting the bits.
 */
@ExtendWith(ApplicationExtension.class)
class TraceHeatmapScaleTest {
    private final LayerSelection selection = new LayerSelection();
    private TraceHeatmap heatmap;

    @Start
    void start(Stage stage) {
        heatmap = new TraceHeatmap(selection);
        stage.setScene(new Scene(heatmap, 1000, 700));
        stage.show();
    }

    /** A trace of {@code layers} layers of 12 rows each in 2^logN rows, with 6 advice columns half used. */
    static TraceMap synthetic(int layers, int logN) {
        int n = 1 << logN;
        List<Region> regions = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            regions.add(new Region("layer" + i, "dot", i * 12, 12));
        }
        List<TraceMap.ColumnInfo> cols = new ArrayList<>();
        Random rnd = new Random(1);
        for (int c = 0; c < 6; c++) {
            BitSet b = new BitSet(n);
            for (int r = 0; r < layers * 12; r++) {
                if (rnd.nextBoolean()) {
                    b.set(r);
                }
            }
            cols.add(new TraceMap.ColumnInfo("a" + c, TraceMap.Kind.ADVICE, b));
        }
        return new TraceMap(n, n - 16, cols, regions);
    }

    @Test
    void usedIn_fromTheBlockSummary_equalsCountingTheBits() {
        TraceMap m = synthetic(10_000, 17);
        Random rnd = new Random(7);
        for (TraceMap.ColumnInfo c : m.columns()) {
            for (int k = 0; k < 200; k++) {
                int a = rnd.nextInt(m.n());
                int b = a + rnd.nextInt(m.n() - a + 1);
                assertThat(c.usedIn(a, b)).as(c.name() + " [" + a + ", " + b + ")")
                        .isEqualTo(c.used().get(a, b).cardinality());
            }
            assertThat(c.usedIn(0, m.n())).isEqualTo(c.used().cardinality());
            assertThat(c.usedIn(5, 5)).isZero();
        }
    }

    @Test
    void tenThousandLayers_drawWithAVirtualizedLegend_andZoomToALayer(FxRobot robot) {
        TraceMap m = synthetic(10_000, 17);
        robot.interact(() -> heatmap.setTrace(m));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(heatmap.legendLines()).hasSize(10_003).startsWith("layer0", "layer1");
        javafx.scene.control.ListView<?> legend = robot.lookup("#heatmapLegend").queryAs(
                javafx.scene.control.ListView.class);
        long cells = legend.lookupAll(".list-cell").size();
        assertThat(cells).as("legend nodes for 10,003 lines").isLessThan(200);
        boolean[] zoomed = new boolean[1];
        robot.interact(() -> {
            selection.select("layer9000");
            zoomed[0] = heatmap.zoomToLayer("layer9000");
        });
        assertThat(zoomed[0]).isTrue();
        assertThat(heatmap.firstRow()).isLessThanOrEqualTo(9000 * 12);
        assertThat(heatmap.firstRow() + heatmap.rowCount()).isGreaterThanOrEqualTo(9000 * 12 + 12);
    }
}
