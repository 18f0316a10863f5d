package dev.zkscope.plonk;

import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.ColumnKind;
import dev.zkscope.circuit.Expr;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Canonical little-endian byte encodings shared by proofs and keys. Reading never throws anything but {@link Malformed}. */
final class Codec {
    private Codec() {}

    /** A byte string that does not decode; names the section being read. */
    static final class Malformed extends Exception {
        final String section;

        Malformed(String section, String reason) {
            super(reason);
            this.section = section;
        }
    }

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

        Writer string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u16(b.length);
            return bytes(b);
        }

        Writer expr(Expr e) {
            if (e instanceof Expr.Const c) {
                u8(0).u64(c.value());
            } else if (e instanceof Expr.Var v) {
                u8(1).u8(v.column().kind().ordinal()).u32(v.column().index()).u8(v.rotation());
            } else if (e instanceof Expr.Sum s) {
                u8(2).expr(s.a()).expr(s.b());
            } else if (e instanceof Expr.Product p) {
                u8(3).expr(p.a()).expr(p.b());
            } else if (e instanceof Expr.Neg n) {
                u8(4).expr(n.a());
            } else {
                throw new IllegalArgumentException("unknown expression " + e);
            }
            return this;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }

    static final class Reader {
        private final byte[] b;
        private int pos;
        String section = "header";

        Reader(byte[] b) {
            this.b = b;
        }

        private void need(int k) throws Malformed {
            if (k < 0 || pos + k > b.length) {
                throw new Malformed(section, "truncated: needed " + k + " bytes at offset " + pos + ", have " + (b.length - pos));
            }
        }

        int u8() throws Malformed {
            need(1);
            return b[pos++] & 0xFF;
        }

        int u16() throws Malformed {
            return u8() | (u8() << 8);
        }

        int u32() throws Malformed {
            need(4);
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v |= (b[pos++] & 0xFF) << (8 * i);
            }
            return v;
        }

        long u64() throws Malformed {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (long) (b[pos++] & 0xFF) << (8 * i);
            }
            return v;
        }

        /** A canonical field element. */
        long felt() throws Malformed {
            long v = u64();
            if (!Goldilocks.isCanonical(v)) {
                throw new Malformed(section, "non-canonical field element " + Long.toUnsignedString(v) + " at offset " + (pos - 8));
            }
            return v;
        }

        Fp2 fp2() throws Malformed {
            long a = felt();
            long c = felt();
            return new Fp2(a, c);
        }

        byte[] bytes(int k) throws Malformed {
            need(k);
            byte[] r = java.util.Arrays.copyOfRange(b, pos, pos + k);
            pos += k;
            return r;
        }

        String string() throws Malformed {
            int len = u16();
            byte[] s = bytes(len);
            String str = new String(s, StandardCharsets.UTF_8);
            if (!java.util.Arrays.equals(str.getBytes(StandardCharsets.UTF_8), s)) {
                throw new Malformed(section, "string is not canonical UTF-8");
            }
            return str;
        }

        Expr expr(int depth) throws Malformed {
            if (depth > 10_000) {
                throw new Malformed(section, "expression nested too deeply");
            }
            int tag = u8();
            switch (tag) {
                case 0: return new Expr.Const(felt());
                case 1: {
                    int kind = u8();
                    int index = u32();
                    int rot = u8();
                    if (kind >= ColumnKind.values().length || index < 0 || rot > 1) {
                        throw new Malformed(section, "bad variable encoding");
                    }
                    return new Expr.Var(new Column(ColumnKind.values()[kind], index), rot);
                }
                case 2: return new Expr.Sum(expr(depth + 1), expr(depth + 1));
                case 3: return new Expr.Product(expr(depth + 1), expr(depth + 1));
                case 4: return new Expr.Neg(expr(depth + 1));
                default: throw new Malformed(section, "unknown expression tag " + tag);
            }
        }

        void expectEnd() throws Malformed {
            if (pos != b.length) {
                throw new Malformed(section, (b.length - pos) + " trailing bytes");
            }
        }

        int position() {
            return pos;
        }

        /** The whole byte string being read (not copied), for a decoder that continues from {@link #position()}. */
        byte[] bytes() {
            return b;
        }
    }
}
