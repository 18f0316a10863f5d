package dev.zkscope.plonk;

import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.ColumnKind;
import dev.zkscope.circuit.Expr;
import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;

/**
 * The canonical encoding of a constraint {@link Expr} in verifying keys, on top of the shared byte encoding of
 * {@link dev.zkscope.codec}: a tag byte per node, then constants as field elements, variables as column kind, index
 * and rotation.
 */
final class Codec {
    private Codec() {}

    static ByteWriter expr(ByteWriter w, Expr e) {
        if (e instanceof Expr.Const c) {
            w.u8(0).u64(c.value());
        } else if (e instanceof Expr.Var v) {
            w.u8(1).u8(v.column().kind().ordinal()).u32(v.column().index()).u8(v.rotation());
        } else if (e instanceof Expr.Sum s) {
            expr(expr(w.u8(2), s.a()), s.b());
        } else if (e instanceof Expr.Product p) {
            expr(expr(w.u8(3), p.a()), p.b());
        } else if (e instanceof Expr.Neg n) {
            expr(w.u8(4), n.a());
        } else {
            throw new IllegalArgumentException("unknown expression " + e);
        }
        return w;
    }

    static Expr expr(ByteReader r, int depth) throws Malformed {
        if (depth > 10_000) {
            throw r.malformed("expression nested too deeply");
        }
        int tag = r.u8();
        switch (tag) {
            case 0: return new Expr.Const(r.felt());
            case 1: {
                int kind = r.u8();
                int index = r.u32();
                int rot = r.u8();
                if (kind >= ColumnKind.values().length || index < 0 || rot > 1) {
                    throw r.malformed("bad variable encoding");
                }
                return new Expr.Var(new Column(ColumnKind.values()[kind], index), rot);
            }
            case 2: return new Expr.Sum(expr(r, depth + 1), expr(r, depth + 1));
            case 3: return new Expr.Product(expr(r, depth + 1), expr(r, depth + 1));
            case 4: return new Expr.Neg(expr(r, depth + 1));
            default: throw r.malformed("unknown expression tag " + tag);
        }
    }
}
