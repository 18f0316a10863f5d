package dev.zkscope.circuit;

import dev.zkscope.field.Goldilocks;

/**
 * Evaluates an {@link Expr} on a run of consecutive rows of a filled trace at once, on primitive arrays: the checker's
 * fast path (one tree walk per block of rows instead of one per row, no interface call per cell). Rotation 1 wraps
 * cyclically as in {@link Expr#evaluate}; the values are the same field elements the row-by-row walk gives.
 */
final class RowBlocks {
    private final Circuit circuit;
    private final Witness witness;
    private final int mask;
    private final int len;
    /** Temporaries, one per depth of right operands below the root (allocated on first use). */
    private long[][] scratch = new long[8][];

    /** A block evaluator over rows of at most {@code len} (one per thread: it owns its temporaries). */
    RowBlocks(Circuit circuit, Witness witness, int len) {
        this.circuit = circuit;
        this.witness = witness;
        this.mask = circuit.n() - 1;
        this.len = len;
    }

    /** The column's values, fixed ones read from the circuit. */
    static long[] column(Circuit circuit, Witness witness, Column c) {
        return switch (c.kind()) {
            case FIXED -> circuit.fixed()[c.index()];
            case ADVICE -> witness.advice()[c.index()];
            case INSTANCE -> witness.instance()[c.index()];
        };
    }

    /** out[k] = e at row from + k, for k &lt; count (count at most this evaluator's block length). */
    void eval(Expr e, int from, int count, long[] out) {
        eval(e, from, count, out, 0);
    }

    private long[] temp(int depth) {
        if (depth >= scratch.length) {
            scratch = java.util.Arrays.copyOf(scratch, Math.max(depth + 1, 2 * scratch.length));
        }
        if (scratch[depth] == null) {
            scratch[depth] = new long[len];
        }
        return scratch[depth];
    }

    private void eval(Expr e, int from, int count, long[] out, int depth) {
        if (e instanceof Expr.Const c) {
            java.util.Arrays.fill(out, 0, count, c.value());
        } else if (e instanceof Expr.Var v) {
            long[] col = column(circuit, witness, v.column());
            int rot = v.rotation();
            if (rot == 0 && from + count <= col.length) {
                System.arraycopy(col, from, out, 0, count);
            } else {
                for (int k = 0; k < count; k++) {
                    out[k] = col[(from + k + rot) & mask];
                }
            }
        } else if (e instanceof Expr.Sum s) {
            eval(s.a(), from, count, out, depth);
            if (s.b() instanceof Expr.Var v && v.rotation() == 0) {
                long[] col = column(circuit, witness, v.column());
                for (int k = 0; k < count; k++) {
                    out[k] = Goldilocks.add(out[k], col[from + k]);
                }
            } else {
                long[] t = temp(depth);
                eval(s.b(), from, count, t, depth + 1);
                for (int k = 0; k < count; k++) {
                    out[k] = Goldilocks.add(out[k], t[k]);
                }
            }
        } else if (e instanceof Expr.Product p) {
            eval(p.a(), from, count, out, depth);
            if (allZero(out, count)) {
                // A gate's selector is zero outside its gadgets' rows: the product is zero without its other factor.
                return;
            }
            if (p.b() instanceof Expr.Var v && v.rotation() == 0) {
                long[] col = column(circuit, witness, v.column());
                for (int k = 0; k < count; k++) {
                    out[k] = Goldilocks.mul(out[k], col[from + k]);
                }
            } else {
                long[] t = temp(depth);
                eval(p.b(), from, count, t, depth + 1);
                for (int k = 0; k < count; k++) {
                    out[k] = Goldilocks.mul(out[k], t[k]);
                }
            }
        } else if (e instanceof Expr.Neg ng) {
            eval(ng.a(), from, count, out, depth);
            for (int k = 0; k < count; k++) {
                out[k] = Goldilocks.neg(out[k]);
            }
        } else {
            throw new IllegalStateException("unknown expression " + e);
        }
    }

    private static boolean allZero(long[] v, int count) {
        for (int k = 0; k < count; k++) {
            if (v[k] != 0) {
                return false;
            }
        }
        return true;
    }
}
