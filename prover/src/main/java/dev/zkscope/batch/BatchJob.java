package dev.zkscope.batch;

import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.ModelLoadException;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.Target;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a prover of a batch needs, as bytes that any JVM can turn back into the same circuit: the model's ONNX
 * bytes, the import options, the settings, the calibration inputs and (for hashed weights) the weights' salt.
 *
 * <p>The proving key itself does not travel: it is a deterministic function of the circuit and the parameters, and it
 * is far larger than what it is derived from (the fixed columns' low-degree extensions and Merkle tree: the blowup
 * times the trace's fixed cells, against a model file of kilobytes to megabytes). Every prover derives it once from
 * these bytes; {@link BatchProver} then compares the verifying key it derived with the driver's, so a worker running
 * another zkscope (or another JVM whose floating point calibrated differently) fails the batch instead of proving
 * under another key.
 *
 * @param name        the model's display name (the file name without .onnx)
 * @param modelFile   the model file's name, for messages only
 * @param modelBytes  the ONNX file
 * @param importOpts  --batch, --dim, --shape
 * @param settings    quantization, compile options and proof parameters
 * @param calibration the calibration inputs (they fix the scales, the lookup ranges and the input domain)
 * @param weightsSalt the weights' salt for hashed weights (4 canonical field elements), or null
 */
public record BatchJob(String name, String modelFile, byte[] modelBytes, ImportOptions importOpts,
                       Pipeline.Settings settings, List<List<Tensor>> calibration, long[] weightsSalt) {
    private static final int MAGIC = 0x5A4B534A; // "ZKSJ"
    private static final int VERSION = 1;

    public BatchJob {
        if (modelBytes == null || modelBytes.length == 0) {
            throw new IllegalArgumentException("the model bytes are empty");
        }
        if (weightsSalt != null && weightsSalt.length != dev.zkscope.compile.Salts.LENGTH) {
            throw new IllegalArgumentException("a weights salt has " + dev.zkscope.compile.Salts.LENGTH + " elements");
        }
        calibration = List.copyOf(calibration);
    }

    /** Imports the model from the job's bytes. */
    public Graph graph() throws ModelLoadException {
        return new OnnxImporter().load(modelBytes, Path.of(modelFile), importOpts);
    }

    /** Imports, calibrates and compiles the model as the driver did (the same code on the same inputs). */
    public Pipeline.Prepared prepare() throws ModelLoadException {
        Graph g = graph();
        g.requireSupported("proving");
        return Pipeline.prepare(name, g, calibration, settings, PhaseListener.NONE);
    }

    /** The job as bytes (see {@link #decode}). */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(name);
            out.writeUTF(modelFile);
            out.writeInt(modelBytes.length);
            out.write(modelBytes);
            out.writeInt(importOpts.batch());
            out.writeInt(importOpts.dims().size());
            for (Map.Entry<String, Integer> e : importOpts.dims().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
            out.writeInt(importOpts.shapes().size());
            for (Map.Entry<String, int[]> e : importOpts.shapes().entrySet()) {
                out.writeUTF(e.getKey());
                writeInts(out, e.getValue());
            }
            QuantOptions q = settings.quant();
            out.writeUTF(q.target().name());
            writeNullable(out, q.inputScale());
            writeNullable(out, q.paramScale());
            out.writeDouble(q.rangeMargin());
            CompileOptions c = settings.compile();
            out.writeInt(c.innerCols());
            out.writeUTF(c.weights().name());
            out.writeUTF(c.input().name());
            out.writeUTF(c.output().name());
            out.writeInt(c.reservedRows());
            out.writeInt(c.rangeCols());
            out.writeInt(c.limbBits());
            out.writeInt(c.fnLanes());
            out.writeInt(c.minLogN());
            out.writeInt(c.maxLogN());
            out.writeDouble(c.inputAbsMax());
            ProofParameters p = settings.params();
            out.writeUTF(p.name());
            out.writeInt(p.logBlowup());
            out.writeInt(p.numQueries());
            out.writeInt(p.grindingBits());
            out.writeInt(p.logFoldingArity());
            out.writeInt(p.logFinalPolyLen());
            out.writeBoolean(p.zeroKnowledge());
            out.writeInt(p.smallLogLde());
            out.writeInt(calibration.size());
            for (List<Tensor> sample : calibration) {
                writeTensors(out, sample);
            }
            out.writeBoolean(weightsSalt != null);
            if (weightsSalt != null) {
                for (long v : weightsSalt) {
                    out.writeLong(v);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return bytes.toByteArray();
    }

    /** A job from {@link #encode()}'s bytes; anything else is an {@link IllegalArgumentException}. */
    public static BatchJob decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IllegalArgumentException("not a zkscope batch job of version " + VERSION
                        + " (a worker running another zkscope version?)");
            }
            String name = in.readUTF();
            String file = in.readUTF();
            byte[] model = in.readNBytes(count(in, data.length));
            int batch = in.readInt();
            Map<String, Integer> dims = new LinkedHashMap<>();
            for (int i = count(in, 1 << 16); i > 0; i--) {
                dims.put(in.readUTF(), in.readInt());
            }
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (int i = count(in, 1 << 16); i > 0; i--) {
                shapes.put(in.readUTF(), readInts(in));
            }
            QuantOptions q = new QuantOptions(Target.valueOf(in.readUTF()), readNullable(in), readNullable(in),
                    in.readDouble());
            CompileOptions c = new CompileOptions(in.readInt(), CompileOptions.Visibility.valueOf(in.readUTF()),
                    CompileOptions.Visibility.valueOf(in.readUTF()), CompileOptions.Visibility.valueOf(in.readUTF()),
                    in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readDouble());
            ProofParameters p = new ProofParameters(in.readUTF(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                    in.readInt(), in.readBoolean(), in.readInt());
            List<List<Tensor>> cal = new ArrayList<>();
            for (int i = count(in, data.length); i > 0; i--) {
                cal.add(readTensors(in));
            }
            long[] salt = null;
            if (in.readBoolean()) {
                salt = new long[dev.zkscope.compile.Salts.LENGTH];
                for (int i = 0; i < salt.length; i++) {
                    salt[i] = in.readLong();
                }
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("batch job has trailing bytes");
            }
            return new BatchJob(name, file, model, new ImportOptions(batch, dims, shapes), new Pipeline.Settings(q, c, p),
                    cal, salt);
        } catch (IOException e) {
            throw new IllegalArgumentException("batch job is truncated or damaged: " + e.getMessage());
        }
    }

    static void writeTensors(DataOutputStream out, List<Tensor> tensors) throws IOException {
        out.writeInt(tensors.size());
        for (Tensor t : tensors) {
            writeInts(out, t.shape());
            out.writeUTF(t.dtype().name());
            double[] d = t.data();
            out.writeInt(d.length);
            for (double v : d) {
                out.writeDouble(v);
            }
        }
    }

    static List<Tensor> readTensors(DataInputStream in) throws IOException {
        int n = count(in, 1 << 16);
        List<Tensor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] shape = readInts(in);
            Tensor.DType type = Tensor.DType.valueOf(in.readUTF());
            double[] d = new double[count(in, Integer.MAX_VALUE - 8)];
            for (int k = 0; k < d.length; k++) {
                d[k] = in.readDouble();
            }
            out.add(Tensor.of(shape, d, type));
        }
        return out;
    }

    private static void writeInts(DataOutputStream out, int[] v) throws IOException {
        out.writeInt(v.length);
        for (int x : v) {
            out.writeInt(x);
        }
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int[] v = new int[count(in, 64)];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readInt();
        }
        return v;
    }

    private static void writeNullable(DataOutputStream out, Integer v) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeInt(v);
        }
    }

    private static Integer readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readInt() : null;
    }

    private static int count(DataInputStream in, long max) throws IOException {
        int c = in.readInt();
        if (c < 0 || c > max) {
            throw new IOException("bad count " + c);
        }
        return c;
    }
}
