package dev.zkscope.codec;

import dev.zkscope.field.Fp2;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends canonical little-endian encodings (see the package note) to a growable array: a proof of a million bytes is
 * written one field element at a time, and a {@code ByteArrayOutputStream} took a lock and a capacity check per byte.
 */
public final class ByteWriter {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf = new byte[256];
    private int size;

    /** Room for n more bytes. */
    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    public ByteWriter u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    public ByteWriter u16(int v) {
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    public ByteWriter u32(int v) {
        ensure(4);
        INT_LE.set(buf, size, v);
        size += 4;
        return this;
    }

    public ByteWriter u64(long v) {
        ensure(8);
        LONG_LE.set(buf, size, v);
        size += 8;
        return this;
    }

    public ByteWriter fp2(Fp2 v) {
        return u64(v.c0()).u64(v.c1());
    }

    public ByteWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    public ByteWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u16(b.length);
        return bytes(b);
    }

    public byte[] toBytes() {
        return Arrays.copyOf(buf, size);
    }
}
