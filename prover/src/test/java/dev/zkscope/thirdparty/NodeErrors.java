package dev.zkscope.thirdparty;

import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a third-party model's float inference departs from ONNX Runtime: per node, the largest |zkscope - ORT| of its
 * output when zkscope runs the whole model ("global") and when the node's own kernel runs on ORT's values of its
 * inputs ("local"), next to the largest |ORT output|. A kernel that is wrong shows a local error far above float32
 * rounding (about 1e-7 of the output); a global error with small local ones is ORT's float32 rounding carried through
 * the network. ORT's values come from {@code samples/thirdparty/intermediates.sh NAME DIR}; nodes whose output ORT
 * did not give (rewritten at import, or non-float) are listed without figures.
 *
 * <pre>java -cp prover/target/zkscope.jar:prover/target/test-classes dev.zkscope.thirdparty.NodeErrors \
 *     samples/thirdparty mlsd_tiny DIR</pre>
 */
public final class NodeErrors {
    private NodeErrors() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String name = args[1];
        Path ortDir = Path.of(args[2]);
        ThirdPartyCheck.Model m = ThirdPartyCheck.models(dir).stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " is not in models.tsv"));
        Path models = dir.resolve("models");
        Graph g = new OnnxImporter().load(models.resolve(name + ".onnx"), m.importOptions());
        Map<String, Tensor> ort = read(ortDir);
        List<Tensor> in = ThirdPartyCheck.readInput(m, models, g);
        Map<String, Tensor> values = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            values.put(g.inputs().get(i).name(), in.get(i));
        }
        Map<String, Tensor> zk = new FloatEvaluator(g).runAll(in);
        for (Node n : g.nodes()) {
            String out = n.outputs().get(0);
            Tensor want = ort.get(out);
            if (want == null) {
                System.out.println(n.describe() + ": no ORT value");
                continue;
            }
            List<Tensor> ins = new ArrayList<>();
            for (String i : n.inputs()) {
                Tensor t = g.isWeight(i) ? g.weights().get(i) : ort.containsKey(i) ? ort.get(i) : values.get(i);
                if (t == null) {
                    ins = null;
                    break;
                }
                ins.add(t);
            }
            String local = ins == null ? "-" : String.format(Locale.ROOT, "%.3g", err(n.op().eval(ins).get(0), want));
            System.out.printf(Locale.ROOT, "%-40s %-18s global %.3g  local %s  max |ORT| %.3g%n", clip(n.name()),
                    n.op().kind(), err(zk.get(out), want), local, maxAbs(want));
        }
    }

    private static Map<String, Tensor> read(Path dir) throws Exception {
        Map<String, Tensor> out = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("index.tsv"))) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            String[] ds = f[2].isEmpty() ? new String[0] : f[2].split(",");
            int[] shape = new int[ds.length];
            for (int i = 0; i < ds.length; i++) {
                shape[i] = Integer.parseInt(ds[i]);
            }
            FloatBuffer fb = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(f[0] + ".bin")))
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            double[] d = new double[fb.remaining()];
            for (int i = 0; i < d.length; i++) {
                d[i] = fb.get(i);
            }
            out.put(f[1], Tensor.of(shape, d));
        }
        return out;
    }

    private static String clip(String s) {
        return s.length() > 40 ? "..." + s.substring(s.length() - 37) : s;
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (double v : t.data()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double err(Tensor x, Tensor y) {
        if (x == null || x.size() != y.size()) {
            return Double.NaN;
        }
        double m = 0;
        for (int i = 0; i < x.size(); i++) {
            m = Math.max(m, Math.abs(x.get(i) - y.get(i)));
        }
        return m;
    }
}
