package dev.zkscope.pcs;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Canonical little-endian encodings of opening proofs, the same conventions as the proof's other sections
 * ({@code plonk.Codec}): u8/u16/u32/u64 little-endian, field elements as canonical u64s.
 */
final class Wire {
    private Wire() {}

    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer u8(int v) {
            out.write(v);
            return this;
        }

        Writer u16(int v) {
            out.write(v);
            out.write(v >>> 8);
            return this;
        }

        Writer u32(int v) {
            for (int i = 0; i < 4; i++) {
                out.write(v >>> (8 * i));
            }
            return this;
        }

        Writer u64(long v) {
            for (int i = 0; i < 8; i++) {
                out.write((int) (v >>> (8 * i)));
            }
            return this;
        }

        Writer fp2(Fp2 v) {
            return u64(v.c0()).u64(v.c1());
        }

        Writer bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }

    /** Reads from an offset to the end; throws only {@link Pcs.MalformedOpening}, naming the current section. */
    static final class Reader {
        private final byte[] b;
        private int pos;
        String section = "openings";

        Reader(byte[] b, int offset) {
            this.b = b;
            this.pos = offset;
        }

        private void need(int k) throws Pcs.MalformedOpening {
            if (k < 0 || pos + k > b.length) {
                throw new Pcs.MalformedOpening(section, "truncated: needed " + k + " bytes at offset " + pos + ", have "
                        + (b.length - pos));
            }
        }

        int u8() throws Pcs.MalformedOpening {
            need(1);
            return b[pos++] & 0xFF;
        }

        int u16() throws Pcs.MalformedOpening {
            return u8() | (u8() << 8);
        }

        int u32() throws Pcs.MalformedOpening {
            need(4);
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v |= (b[pos++] & 0xFF) << (8 * i);
            }
            return v;
        }

        long u64() throws Pcs.MalformedOpening {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (long) (b[pos++] & 0xFF) << (8 * i);
            }
            return v;
        }

        long felt() throws Pcs.MalformedOpening {
            long v = u64();
            if (!Goldilocks.isCanonical(v)) {
                throw new Pcs.MalformedOpening(section, "non-canonical field element " + Long.toUnsignedString(v)
                        + " at offset " + (pos - 8));
            }
            return v;
        }

        Fp2 fp2() throws Pcs.MalformedOpening {
            long a = felt();
            long c = felt();
            return new Fp2(a, c);
        }

        byte[] bytes(int k) throws Pcs.MalformedOpening {
            need(k);
            byte[] r = Arrays.copyOfRange(b, pos, pos + k);
            pos += k;
            return r;
        }

        void expectEnd() throws Pcs.MalformedOpening {
            if (pos != b.length) {
                throw new Pcs.MalformedOpening(section, (b.length - pos) + " trailing bytes");
            }
        }
    }
}
