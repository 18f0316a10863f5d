package dev.zkscope.onnx;

import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.proto.Onnx;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes an ONNX TensorProto (float, double, int64, int32, int16, int8, uint8, bool; raw_data little-endian or the
 * typed fields) into a {@link Tensor}, checking dims and data length before allocating anything.
 */
final class TensorDecoder {
    private TensorDecoder() {}

    static Tensor decode(Onnx.TensorProto t, String name) {
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new IllegalArgumentException("tensor '" + name + "' is stored as external data, which zkscope does "
                    + "not read; re-save the model with its weights inside (onnx.save(model, path, "
                    + "save_as_external_data=False))");
        }
        if (t.hasSegment()) {
            throw new IllegalArgumentException("tensor '" + name + "' is segmented, which is not supported");
        }
        int[] shape = new int[t.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Tensor.MAX_ELEMENTS) {
                throw new IllegalArgumentException("tensor '" + name + "' has invalid dimension " + d);
            }
            shape[i] = (int) d;
        }
        long count = Tensor.elementCount(shape);
        if (count > Tensor.MAX_ELEMENTS) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Tensor.shapeString(shape)
                    + ", more than the limit of 2^28 elements");
        }
        int n = (int) count;
        int type = t.getDataType();
        boolean raw = t.hasRawData();
        ByteBuffer rb = raw ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        double[] d;
        Tensor.DType dtype = Tensor.DType.INT64;
        switch (type) {
            case 1: // FLOAT
                dtype = Tensor.DType.FLOAT;
                d = raw ? rawValues(rb, n, 4, name, type) : checkCount(t.getFloatDataCount(), n, name, new double[0]);
                if (!raw) {
                    d = new double[n];
                    for (int i = 0; i < n; i++) {
                        d[i] = t.getFloatData(i);
                    }
                }
                break;
            case 11: // DOUBLE
                dtype = Tensor.DType.FLOAT;
                d = raw ? rawValues(rb, n, 8, name, type) : checkCount(t.getDoubleDataCount(), n, name, new double[0]);
                if (!raw) {
                    d = new double[n];
                    for (int i = 0; i < n; i++) {
                        d[i] = t.getDoubleData(i);
                    }
                }
                break;
            case 7: // INT64
                d = raw ? rawValues(rb, n, 8, name, type) : checkCount(t.getInt64DataCount(), n, name, new double[0]);
                if (!raw) {
                    d = new double[n];
                    for (int i = 0; i < n; i++) {
                        d[i] = t.getInt64Data(i);
                    }
                }
                break;
            case 6: // INT32
            case 5: // INT16
            case 3: // INT8
            case 2: // UINT8
            case 9: // BOOL
                int width = type == 6 ? 4 : type == 5 ? 2 : 1;
                d = raw ? rawValues(rb, n, width, name, type) : checkCount(t.getInt32DataCount(), n, name, new double[0]);
                if (!raw) {
                    d = new double[n];
                    for (int i = 0; i < n; i++) {
                        d[i] = t.getInt32Data(i);
                    }
                }
                break;
            default:
                throw new IllegalArgumentException("tensor '" + name + "' has ONNX element type " + type
                        + ", which is not supported (float, double, int64, int32, int16, int8, uint8 and bool are)");
        }
        return Tensor.of(shape, d, dtype);
    }

    private static double[] checkCount(int have, int n, String name, double[] empty) {
        if (have != n) {
            throw new IllegalArgumentException("tensor '" + name + "' declares " + n + " elements but holds " + have);
        }
        return empty;
    }

    private static double[] rawValues(ByteBuffer b, int n, int width, String name, int type) {
        if ((long) n * width != b.remaining()) {
            throw new IllegalArgumentException("tensor '" + name + "' declares " + n + " elements (" + (long) n * width
                    + " bytes) but its raw_data holds " + b.remaining() + " bytes");
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            switch (type) {
                case 1: d[i] = b.getFloat(); break;
                case 11: d[i] = b.getDouble(); break;
                case 7: d[i] = b.getLong(); break;
                case 6: d[i] = b.getInt(); break;
                case 5: d[i] = b.getShort(); break;
                case 3: d[i] = b.get(); break;
                default: d[i] = b.get() & 0xff; break;
            }
        }
        return d;
    }
}
