package dev.zkscope.codec;

import dev.zkscope.field.Fp2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Appends canonical little-endian encodings (see the package note). */
public final class ByteWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ByteWriter u8(int v) {
        out.write(v);
        return this;
    }

    public ByteWriter u16(int v) {
        out.write(v);
        out.write(v >>> 8);
        return this;
    }

    public ByteWriter u32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
        return this;
    }

    public ByteWriter u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    public ByteWriter fp2(Fp2 v) {
        return u64(v.c0()).u64(v.c1());
    }

    public ByteWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public ByteWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u16(b.length);
        return bytes(b);
    }

    public byte[] toBytes() {
        return out.toByteArray();
    }
}
