package dev.zkscope.codec;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads canonical little-endian encodings (see the package note) from an offset to the end of a byte string. Every
 * failure is a {@link Malformed} naming the current section, which the decoder sets as it goes.
 */
public final class ByteReader {
    private final byte[] b;
    private int pos;
    private String section = "header";

    public ByteReader(byte[] b) {
        this(b, 0);
    }

    public ByteReader(byte[] b, int offset) {
        this.b = b;
        this.pos = offset;
    }

    /** Names the section that the following reads belong to, for error messages. */
    public void section(String name) {
        section = name;
    }

    public String section() {
        return section;
    }

    /** A decoding failure in the current section. */
    public Malformed malformed(String reason) {
        return new Malformed(section, reason);
    }

    private void need(int k) throws Malformed {
        if (k < 0 || pos + k > b.length) {
            throw malformed("truncated: needed " + k + " bytes at offset " + pos + ", have " + (b.length - pos));
        }
    }

    public int u8() throws Malformed {
        need(1);
        return b[pos++] & 0xFF;
    }

    public int u16() throws Malformed {
        return u8() | (u8() << 8);
    }

    public int u32() throws Malformed {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (b[pos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    public long u64() throws Malformed {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) (b[pos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    /** A canonical field element. */
    public long felt() throws Malformed {
        long v = u64();
        if (!Goldilocks.isCanonical(v)) {
            throw malformed("non-canonical field element " + Long.toUnsignedString(v) + " at offset " + (pos - 8));
        }
        return v;
    }

    public Fp2 fp2() throws Malformed {
        long a = felt();
        long c = felt();
        return new Fp2(a, c);
    }

    public byte[] bytes(int k) throws Malformed {
        need(k);
        byte[] r = Arrays.copyOfRange(b, pos, pos + k);
        pos += k;
        return r;
    }

    public String string() throws Malformed {
        int len = u16();
        byte[] s = bytes(len);
        String str = new String(s, StandardCharsets.UTF_8);
        if (!Arrays.equals(str.getBytes(StandardCharsets.UTF_8), s)) {
            throw malformed("string is not canonical UTF-8");
        }
        return str;
    }

    public void expectEnd() throws Malformed {
        if (pos != b.length) {
            throw malformed((b.length - pos) + " trailing bytes");
        }
    }

    public int position() {
        return pos;
    }

    /** The whole byte string being read (not copied), for a decoder that continues from {@link #position()}. */
    public byte[] source() {
        return b;
    }
}
