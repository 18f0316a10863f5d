package dev.zkscope.circuit;

import dev.zkscope.field.Goldilocks;

import java.util.Set;
import java.util.TreeSet;

/**
 * A polynomial expression over trace cells, written once and interpreted several ways: degree counting
 * ({@link #degree()}), row checking ({@link #evaluate(RowValues)}), and by the prover's quotient evaluator, which walks
 * the same tree over low-degree extensions. Nobody writes a constraint twice.
 */
public sealed interface Expr permits Expr.Const, Expr.Var, Expr.Sum, Expr.Product, Expr.Neg {

    /** Reads the value of a column at a rotation relative to the row being evaluated. */
    @FunctionalInterface
    interface RowValues {
        long value(Column column, int rotation);
    }

    /** A field constant (canonical). */
    record Const(long value) implements Expr {
        public Const {
            if (!Goldilocks.isCanonical(value)) {
                throw new IllegalArgumentException("constant is not a canonical field element: " + Long.toUnsignedString(value));
            }
        }

        @Override public int degree() { return 0; }
        @Override public long evaluate(RowValues row) { return value; }
        @Override public boolean usesOnly(ColumnKind kind) { return true; }
        @Override public void collectVariables(Set<Var> out) { }
    }

    /** A column at rotation 0 (current row) or 1 (next row). */
    record Var(Column column, int rotation) implements Expr {
        public Var {
            if (column == null) {
                throw new IllegalArgumentException("variable column is null");
            }
            if (rotation != 0 && rotation != 1) {
                throw new IllegalArgumentException("rotation must be 0 (current row) or 1 (next row), got " + rotation);
            }
        }

        @Override public int degree() { return 1; }
        @Override public long evaluate(RowValues row) { return row.value(column, rotation); }
        @Override public boolean usesOnly(ColumnKind kind) { return column.kind() == kind; }
        @Override public void collectVariables(Set<Var> out) { out.add(this); }
    }

    record Sum(Expr a, Expr b) implements Expr {
        @Override public int degree() { return Math.max(a.degree(), b.degree()); }
        @Override public long evaluate(RowValues row) { return Goldilocks.add(a.evaluate(row), b.evaluate(row)); }
        @Override public boolean usesOnly(ColumnKind kind) { return a.usesOnly(kind) && b.usesOnly(kind); }
        @Override public void collectVariables(Set<Var> out) { a.collectVariables(out); b.collectVariables(out); }
    }

    record Product(Expr a, Expr b) implements Expr {
        @Override public int degree() { return a.degree() + b.degree(); }
        @Override public long evaluate(RowValues row) { return Goldilocks.mul(a.evaluate(row), b.evaluate(row)); }
        @Override public boolean usesOnly(ColumnKind kind) { return a.usesOnly(kind) && b.usesOnly(kind); }
        @Override public void collectVariables(Set<Var> out) { a.collectVariables(out); b.collectVariables(out); }
    }

    record Neg(Expr a) implements Expr {
        @Override public int degree() { return a.degree(); }
        @Override public long evaluate(RowValues row) { return Goldilocks.neg(a.evaluate(row)); }
        @Override public boolean usesOnly(ColumnKind kind) { return a.usesOnly(kind); }
        @Override public void collectVariables(Set<Var> out) { a.collectVariables(out); }
    }

    /** Total degree in the trace columns (constants have degree 0, each column variable degree 1). */
    int degree();

    /** Evaluates this expression in the base field at one row. */
    long evaluate(RowValues row);

    /** True when every variable of this expression is a column of the given kind. */
    boolean usesOnly(ColumnKind kind);

    /** Adds the variables this expression reads to {@code out}. */
    void collectVariables(Set<Var> out);

    static Expr constant(long signedValue) {
        return new Const(Goldilocks.fromSigned(signedValue));
    }

    static Expr add(Expr a, Expr b) {
        return new Sum(a, b);
    }

    static Expr sub(Expr a, Expr b) {
        return new Sum(a, new Neg(b));
    }

    static Expr mul(Expr a, Expr b) {
        return new Product(a, b);
    }

    /** Sum of several expressions (zero when empty). */
    static Expr sum(Iterable<? extends Expr> terms) {
        Expr acc = null;
        for (Expr t : terms) {
            acc = acc == null ? t : new Sum(acc, t);
        }
        return acc == null ? new Const(0) : acc;
    }

    default Expr plus(Expr o) {
        return new Sum(this, o);
    }

    default Expr minus(Expr o) {
        return new Sum(this, new Neg(o));
    }

    default Expr times(Expr o) {
        return new Product(this, o);
    }

    default Expr times(long signedConstant) {
        return new Product(this, constant(signedConstant));
    }

    /** The variables (column, rotation) this expression reads, in a stable order. */
    default Set<Var> variables() {
        Set<Var> out = new TreeSet<>((x, y) -> {
            int c = x.column().compareTo(y.column());
            return c != 0 ? c : Integer.compare(x.rotation(), y.rotation());
        });
        collectVariables(out);
        return out;
    }
}
