import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.LayerCost;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.compile.TableInfo;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofShape;
import dev.zkscope.predict.CostModel;
import dev.zkscope.quant.Calibrator;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Rows of a GPT-2-width decoder by part, its columns, and the cost model's segment predictions (spark helper). */
public class Scale {
    public static void main(String[] a) throws Exception {
        Path p = Path.of(a[0]);
        Graph g = new OnnxImporter().load(p);
        var samples = InputFiles.calibrationSamples(g, p, null);
        Pipeline.Settings s = Pipeline.Settings.defaults();
        long t0 = System.nanoTime();
        var cal = Calibrator.calibrate(g, samples.inputs(), s.quant());
        System.out.printf("calibrated in %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, cal.fidelity());
        t0 = System.nanoTime();
        CompiledModel c = ModelCompiler.count(cal.graph(), s.compile().withMaxLogN(30));
        System.out.printf("counted in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Map<String, long[]> parts = new TreeMap<>();
        for (LayerCost l : c.ledger().layers()) {
            String n = l.layer();
            String part = n.startsWith("/blocks.0/") ? "block" : n.startsWith("/head") ? "head"
                    : n.startsWith("/wte") || n.startsWith("/wpe") ? "embed" : n.startsWith("/ln") ? "final-ln"
                    : n.equals("input") ? "input" : "other:" + n;
            long[] v = parts.computeIfAbsent(part, k -> new long[2]);
            v[0] += l.rows();
            v[1]++;
            System.out.printf("layer %s %s rows %d%n", n, l.op(), l.rows());
        }
        parts.forEach((k, v) -> System.out.printf("part %s rows %d layers %d%n", k, v[0], v[1]));
        System.out.printf("gadget rows %d%n", c.ledger().gadgetRows());
        for (TableInfo t : c.tables()) {
            System.out.printf("table %s rows %d%n", t.name(), t.size());
        }
        ProofShape sh = ProofShape.of(c.constraintSystem(), s.params());
        System.out.println("shape " + sh);
        CostModel cm = CostModel.loadOrCalibrate();
        for (int k = 18; k <= 22; k++) {
            ProofShape at = sh.atHeight(k);
            var pr = cm.predict(at);
            System.out.printf("predict 2^%d: %.1f s, heap %d MiB%n", k, pr.proveSeconds(), pr.heapBytesAboveBaseline() >> 20);
        }
    }
}
