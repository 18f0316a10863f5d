package dev.zkscope.batch;

import dev.zkscope.ir.Tensor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One input of a batch.
 *
 * @param id     a stable name, unique in the batch, that names its proof file ({@code ID.proof}): the input file's name
 *               without extension, with {@code -ROW} when the file holds several inputs
 * @param source where it came from, for people ("mlp.testset.json row 7")
 * @param sha256 {@link #digest} of the values, so a rerun re-proves an input whose values changed
 * @param values the model's input tensors
 */
public record BatchInput(String id, String source, String sha256, List<Tensor> values) {
    public BatchInput {
        values = List.copyOf(values);
    }

    /** An input whose digest is computed from its values. */
    public static BatchInput of(String id, String source, List<Tensor> values) {
        return new BatchInput(id, source, digest(values), values);
    }

    /**
     * SHA-256 over each tensor's rank, dimensions, type and the IEEE-754 bits of its values (big-endian): the same
     * numbers in any input file format give the same digest.
     */
    public static String digest(List<Tensor> values) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(8);
            for (Tensor t : values) {
                md.update(ByteBuffer.allocate(4).putInt(t.rank()).array());
                for (int d : t.shape()) {
                    md.update(ByteBuffer.allocate(4).putInt(d).array());
                }
                md.update((byte) t.dtype().ordinal());
                for (double v : t.data()) {
                    b.clear();
                    md.update(b.putLong(Double.doubleToLongBits(v)).array());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The input as bytes, for shipping to a worker (see {@link #decode}). */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(id);
            out.writeUTF(source);
            out.writeUTF(sha256);
            BatchJob.writeTensors(out, values);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return bytes.toByteArray();
    }

    public static BatchInput decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            return new BatchInput(in.readUTF(), in.readUTF(), in.readUTF(), BatchJob.readTensors(in));
        } catch (IOException e) {
            throw new IllegalArgumentException("batch input is truncated or damaged: " + e.getMessage());
        }
    }
}
