package dev.zkscope.ir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy's {@code .npy} format (version 1 to 3): the magic string "\x93NUMPY", two version bytes, the header
 * length (2 bytes little-endian in version 1, 4 bytes after), a Python dict literal with 'descr' (the element type),
 * 'fortran_order' and 'shape', then the raw data. Little-endian floats (f2 is refused, f4, f8) and integers (i1, u1,
 * i2, u2, i4, u4, i8, u8) in C order are read; anything else is refused by name.
 */
final class Npy {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    static List<List<Tensor>> samples(Path file, Graph graph) throws InputFileException {
        return InputFiles.rowsOf(file, read(file), graph);
    }

    /** The array's values in C order, as doubles. */
    static double[] read(Path file) throws InputFileException {
        byte[] b;
        try {
            long size = Files.size(file);
            if (size > InputFiles.MAX_BYTES) {
                throw new InputFileException("calibration file " + file + " is " + size + " bytes, above the 256 MiB limit");
            }
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InputFileException("calibration file " + file + " cannot be read: " + e.getMessage());
        }
        String what = "calibration file " + file + " ";
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || !new String(b, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new InputFileException(what + "is not a NumPy .npy file (no \\x93NUMPY magic)");
        }
        int major = b[6];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) {
                throw new InputFileException(what + "is truncated in its header");
            }
            headerLen = bb.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            throw new InputFileException(what + "has .npy version " + major + "; versions 1 to 3 are read");
        }
        if (start + headerLen > b.length) {
            throw new InputFileException(what + "is truncated in its header");
        }
        String header = new String(b, start, (int) headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new InputFileException(what + "has a header without descr, fortran_order and shape: " + header.strip());
        }
        if (f.group(1).equals("True")) {
            throw new InputFileException(what + "is in Fortran order; save it in C order (np.ascontiguousarray)");
        }
        char order = d.group(1).charAt(0);
        char kind = d.group(2).charAt(0);
        int width = Integer.parseInt(d.group(3));
        String type = d.group(1) + d.group(2) + d.group(3);
        if (order == '>' && width > 1) {
            throw new InputFileException(what + "is big-endian (" + type + "); save it little-endian");
        }
        boolean known = (kind == 'f' && (width == 4 || width == 8)) || ((kind == 'i' || kind == 'u')
                && (width == 1 || width == 2 || width == 4 || width == 8));
        if (!known) {
            throw new InputFileException(what + "has element type " + type + "; float32/64 and integer arrays are read");
        }
        long count = 1;
        for (String part : s.group(1).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                count = Math.multiplyExact(count, Long.parseLong(part.strip()));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new InputFileException(what + "has a malformed shape (" + s.group(1) + ")");
            }
        }
        long dataStart = start + headerLen;
        if (count < 0 || dataStart + count * width != b.length) {
            throw new InputFileException(what + "holds " + (b.length - dataStart) + " data bytes; shape (" + s.group(1)
                    + ") of " + type + " needs " + count * width);
        }
        double[] out = new double[(int) count];
        int p = (int) dataStart;
        for (int i = 0; i < out.length; i++, p += width) {
            switch (kind * 100 + width) {
                case 'f' * 100 + 4: out[i] = bb.getFloat(p); break;
                case 'f' * 100 + 8: out[i] = bb.getDouble(p); break;
                case 'i' * 100 + 1: out[i] = b[p]; break;
                case 'u' * 100 + 1: out[i] = b[p] & 0xff; break;
                case 'i' * 100 + 2: out[i] = bb.getShort(p); break;
                case 'u' * 100 + 2: out[i] = bb.getShort(p) & 0xffff; break;
                case 'i' * 100 + 4: out[i] = bb.getInt(p); break;
                case 'u' * 100 + 4: out[i] = bb.getInt(p) & 0xffffffffL; break;
                case 'i' * 100 + 8: out[i] = bb.getLong(p); break;
                default: {
                    long v = bb.getLong(p);
                    out[i] = v >= 0 ? v : (double) (v >>> 1) * 2.0;
                }
            }
        }
        return out;
    }
}
