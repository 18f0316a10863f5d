package dev.zkscope.plonk;

import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

/**
 * The prover's and verifier's interpretations of an {@link Expr} tree (the checker's is {@link Expr#evaluate}):
 * over a block of points of a low-degree extension in F_p (quotient evaluation), and at one point of F_p2 (the
 * verifier's out-of-domain check). Same tree, no second copy of any constraint.
 */
final class ExprEval {
    private ExprEval() {}

    /** Cell values at the out-of-domain point: column at rotation 0 (z) or 1 (z omega). */
    interface PointValues {
        Fp2 value(Column column, int rotation);
    }

    static Fp2 atPoint(Expr e, PointValues vals) {
        if (e instanceof Expr.Const c) {
            return Fp2.of(c.value());
        } else if (e instanceof Expr.Var v) {
            return vals.value(v.column(), v.rotation());
        } else if (e instanceof Expr.Sum s) {
            return atPoint(s.a(), vals).add(atPoint(s.b(), vals));
        } else if (e instanceof Expr.Product p) {
            return atPoint(p.a(), vals).mul(atPoint(p.b(), vals));
        } else if (e instanceof Expr.Neg ng) {
            return atPoint(ng.a(), vals).neg();
        }
        throw new IllegalArgumentException("unknown expression " + e);
    }

    /**
     * Column evaluations on a domain: the point with index i reads column array index (i * stride + rotation *
     * rotStep) mod length.
     */
    interface Columns {
        long[] column(Column c);
    }

    /** out[k] = e at point (from + k), for k &lt; len. */
    static void block(Expr e, Columns cols, int stride, int rotStep, int mask, int from, int len, long[] out) {
        block(e, cols, stride, rotStep, mask, from, len, out, 0);
    }

    /**
     * Scratch arrays per thread, one per depth of the expression tree below the root: the quotient evaluates every
     * constraint on every block of every coset, and a fresh array per tree node and block was most of its allocation.
     */
    private static final ThreadLocal<long[][]> SCRATCH = ThreadLocal.withInitial(() -> new long[0][]);

    /** Longer temporaries (a whole trace's column) are not kept per thread. */
    private static final int SCRATCH_MAX = 1 << 13;

    private static long[] scratch(int depth, int len) {
        if (len > SCRATCH_MAX) {
            return new long[len];
        }
        long[][] s = SCRATCH.get();
        if (depth >= s.length) {
            s = java.util.Arrays.copyOf(s, Math.max(depth + 1, 2 * s.length));
            SCRATCH.set(s);
        }
        long[] a = s[depth];
        if (a == null || a.length < len) {
            a = new long[len];
            s[depth] = a;
        }
        return a;
    }

    /**
     * The first array index of a read that needs neither the stride nor the wrap (stride 1, indices from + off to
     * from + off + len - 1 all inside [0, mask]): the points read a run of the column, copied or read in place with no
     * index arithmetic per point; -1 otherwise.
     */
    private static int contiguousStart(int stride, int off, int mask, int from, int len) {
        if (stride != 1) {
            return -1;
        }
        long start = (long) from + off;
        return start >= 0 && start + len <= (long) mask + 1 ? (int) start : -1;
    }

    /**
     * As {@link #block(Expr, Columns, int, int, int, int, int, long[])}, the temporaries of this subtree taken from
     * the calling thread's scratch arrays at depth and below. A right operand that is a column or a constant is read
     * in place (no copy into a temporary).
     */
    private static void block(Expr e, Columns cols, int stride, int rotStep, int mask, int from, int len, long[] out,
                              int depth) {
        if (e instanceof Expr.Const c) {
            java.util.Arrays.fill(out, 0, len, c.value());
        } else if (e instanceof Expr.Var v) {
            long[] col = cols.column(v.column());
            int off = v.rotation() * rotStep;
            int start = contiguousStart(stride, off, mask, from, len);
            if (start >= 0) {
                System.arraycopy(col, start, out, 0, len);
            } else {
                for (int k = 0; k < len; k++) {
                    out[k] = col[((from + k) * stride + off) & mask];
                }
            }
        } else if (e instanceof Expr.Sum s) {
            block(s.a(), cols, stride, rotStep, mask, from, len, out, depth);
            if (s.b() instanceof Expr.Const c) {
                long cv = c.value();
                for (int k = 0; k < len; k++) {
                    out[k] = Goldilocks.add(out[k], cv);
                }
            } else if (s.b() instanceof Expr.Var v) {
                long[] col = cols.column(v.column());
                int off = v.rotation() * rotStep;
                int start = contiguousStart(stride, off, mask, from, len);
                if (start >= 0) {
                    for (int k = 0; k < len; k++) {
                        out[k] = Goldilocks.add(out[k], col[start + k]);
                    }
                } else {
                    for (int k = 0; k < len; k++) {
                        out[k] = Goldilocks.add(out[k], col[((from + k) * stride + off) & mask]);
                    }
                }
            } else {
                long[] tmp = scratch(depth, len);
                block(s.b(), cols, stride, rotStep, mask, from, len, tmp, depth + 1);
                for (int k = 0; k < len; k++) {
                    out[k] = Goldilocks.add(out[k], tmp[k]);
                }
            }
        } else if (e instanceof Expr.Product p) {
            block(p.a(), cols, stride, rotStep, mask, from, len, out, depth);
            if (p.b() instanceof Expr.Const c) {
                long cv = c.value();
                for (int k = 0; k < len; k++) {
                    out[k] = Goldilocks.mul(out[k], cv);
                }
            } else if (p.b() instanceof Expr.Var v) {
                long[] col = cols.column(v.column());
                int off = v.rotation() * rotStep;
                int start = contiguousStart(stride, off, mask, from, len);
                if (start >= 0) {
                    for (int k = 0; k < len; k++) {
                        out[k] = Goldilocks.mul(out[k], col[start + k]);
                    }
                } else {
                    for (int k = 0; k < len; k++) {
                        out[k] = Goldilocks.mul(out[k], col[((from + k) * stride + off) & mask]);
                    }
                }
            } else {
                long[] tmp = scratch(depth, len);
                block(p.b(), cols, stride, rotStep, mask, from, len, tmp, depth + 1);
                for (int k = 0; k < len; k++) {
                    out[k] = Goldilocks.mul(out[k], tmp[k]);
                }
            }
        } else if (e instanceof Expr.Neg ng) {
            block(ng.a(), cols, stride, rotStep, mask, from, len, out, depth);
            for (int k = 0; k < len; k++) {
                out[k] = Goldilocks.neg(out[k]);
            }
        } else {
            throw new IllegalArgumentException("unknown expression " + e);
        }
    }
}
