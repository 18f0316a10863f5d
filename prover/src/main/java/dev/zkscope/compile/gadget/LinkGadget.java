package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.compile.Trace;
import dev.zkscope.compile.TraceLayout;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.util.ArrayList;
import java.util.List;

/**
 * A segment boundary's fingerprint: a group of m values, preceded by two mask elements (s_0, s_1), read as the
 * stream b = (s_0, s_1, v_0 .. v_{m-1}, 0 ..) padded to whole rows of {@link #VALUES} and folded by Horner's rule at a
 * challenge gamma in F_p2: F = sum_j b_j gamma^(L-1-j), L the padded length. The stream sits in advice columns
 * [0, VALUES), which a segment's circuit commits in their own tree before gamma is drawn (docs/segments.md, "Links").
 * <pre>
 *   columns    a[0..7) stream values; a[7..21) gamma^1 .. gamma^7 (each two cells, F_p2); a[21], a[22] acc
 *   link_start  acc = 0                                                        first row of a group
 *   link_row    pow_{k+1} = pow_k * pow_1 (k = 1..6)                          every stream row
 *               acc' = acc * pow_7 + sum_c b_c * pow_{6-c}  (pow_0 = 1)       acc' on the next row
 *   link_chain  pow_1' = pow_1                                                 every stream row but the last
 * </pre>
 * The row after a group's last stream row holds F in its acc cells; the caller publishes them. The first row's pow_1
 * cells are copied from the segment's public gamma, and the chain carries them down the group. All gates have degree
 * 3 with their selector. The stream cells need no other constraint: every one of them (padding included) is committed
 * before gamma, so two different streams give the same F with probability at most L / p^2.
 */
public final class LinkGadget {
    private LinkGadget() {}

    /** Stream values per row (the separately committed columns). */
    public static final int VALUES = 7;

    /** Advice columns a link row uses. */
    public static final int COLUMNS = 3 * VALUES + 2;

    /** The mask elements heading each stream (the first two elements of the boundary's salt). */
    public static final int MASK = 2;

    private static final int ACC = 3 * VALUES;

    /**
     * A placed group.
     *
     * @param mask    the two mask cells
     * @param values  the m value cells (the segment's input cells, or copies of its output cells)
     * @param gamma   the first row's gamma cells (copy them from the public gamma)
     * @param result  the two cells of F
     * @param rows    rows claimed
     */
    public record Linked(Cell[] mask, Cell[] values, Cell[] gamma, Cell[] result, int rows) {
    }

    /** Rows of a group of {@code m} values: its stream rows and the row holding F. */
    public static int rows(long m) {
        return (int) ((MASK + m + VALUES - 1) / VALUES) + 1;
    }

    private static Expr b(int c) {
        return Column.advice(c).cur();
    }

    private static Expr pow(int k, int part) {
        return Column.advice(VALUES + 2 * (k - 1) + part).cur();
    }

    private static Expr powNext(int k, int part) {
        return Column.advice(VALUES + 2 * (k - 1) + part).next();
    }

    private static Expr acc(int part, boolean next) {
        return next ? Column.advice(ACC + part).next() : Column.advice(ACC + part).cur();
    }

    /** Real and X parts of (a0 + a1 X)(b0 + b1 X), X^2 = W. */
    private static Expr[] mul(Expr a0, Expr a1, Expr b0, Expr b1) {
        return new Expr[] {a0.times(b0).plus(a1.times(b1).times(Fp2.W)), a0.times(b1).plus(a1.times(b0))};
    }

    private static void gates(TraceLayout l) {
        for (int part = 0; part < 2; part++) {
            final int p = part;
            l.gate("link_start" + p, () -> l.selector("link_start").times(acc(p, false)));
            l.gate("link_chain" + p, () -> l.selector("link_chain").times(powNext(1, p).minus(pow(1, p))));
        }
        for (int k = 1; k < VALUES; k++) {
            for (int part = 0; part < 2; part++) {
                final int kk = k;
                final int p = part;
                l.gate("link_pow" + (k + 1) + "_" + p, () -> {
                    Expr[] m = mul(pow(kk, 0), pow(kk, 1), pow(1, 0), pow(1, 1));
                    return l.selector("link_row").times(pow(kk + 1, p).minus(m[p]));
                });
            }
        }
        for (int part = 0; part < 2; part++) {
            final int p = part;
            l.gate("link_horner" + p, () -> {
                Expr[] m = mul(acc(0, false), acc(1, false), pow(VALUES, 0), pow(VALUES, 1));
                List<Expr> terms = new ArrayList<>();
                terms.add(m[p]);
                for (int c = 0; c < VALUES; c++) {
                    int k = VALUES - 1 - c;
                    if (k == 0) {
                        if (p == 0) {
                            terms.add(b(c));
                        }
                    } else {
                        terms.add(b(c).times(pow(k, p)));
                    }
                }
                return l.selector("link_row").times(acc(p, true).minus(Expr.sum(terms)));
            });
        }
    }

    /**
     * Places a group of {@code m} values. With {@code sources} (a segment's outputs) the value cells are copied from
     * them; without, the value cells are the group's own (a segment's inputs, which its steps read).
     */
    public static Linked place(TraceLayout l, int m, Cell[] sources) {
        if (l.width() < COLUMNS) {
            throw new IllegalStateException("link rows need " + COLUMNS + " advice columns, the layout has "
                    + l.width() + " (Geometry.hashing)");
        }
        gates(l);
        int rows = rows(m);
        int streamRows = rows - 1;
        int start = l.allocRows(rows, "link");
        Cell[] stream = new Cell[streamRows * VALUES];
        for (int r = 0; r < streamRows; r++) {
            int row = start + r;
            l.enable("link_row", row);
            if (r == 0) {
                l.enable("link_start", row);
            }
            if (r + 1 < streamRows) {
                l.enable("link_chain", row);
            }
            for (int c = 0; c < VALUES; c++) {
                stream[r * VALUES + c] = l.advice(c, row);
            }
            for (int c = VALUES; c < ACC + 2; c++) {
                l.advice(c, row);
            }
        }
        Cell[] result = {l.advice(ACC, start + streamRows), l.advice(ACC + 1, start + streamRows)};
        Cell[] mask = {stream[0], stream[1]};
        Cell[] values = new Cell[m];
        System.arraycopy(stream, MASK, values, 0, m);
        Cell[] gamma = {new Cell(Column.advice(VALUES), start), new Cell(Column.advice(VALUES + 1), start)};
        if (sources != null) {
            for (int i = 0; i < m; i++) {
                l.copy(sources[i], values[i]);
            }
        }
        final int first = start;
        l.filler(t -> {
            if (sources != null) {
                for (int i = 0; i < m; i++) {
                    t.set(values[i], t.get(sources[i]));
                }
            }
            fill(t, first, streamRows, stream.length, MASK + m);
        });
        return new Linked(mask, values, gamma, result, rows);
    }

    /** Witness generation: powers of gamma (read from the first row's cells) and the Horner accumulator. */
    private static void fill(Trace t, int start, int streamRows, int streamLength, int used) {
        Fp2 g = new Fp2(Goldilocks.fromSigned(t.get(VALUES, start)), Goldilocks.fromSigned(t.get(VALUES + 1, start)));
        Fp2[] pow = new Fp2[VALUES + 1];
        pow[0] = Fp2.ONE;
        for (int k = 1; k <= VALUES; k++) {
            pow[k] = pow[k - 1].mul(g);
        }
        Fp2 acc = Fp2.ZERO;
        for (int r = 0; r < streamRows; r++) {
            int row = start + r;
            for (int k = 1; k <= VALUES; k++) {
                t.set(VALUES + 2 * (k - 1), row, Goldilocks.toSigned(pow[k].c0()));
                t.set(VALUES + 2 * (k - 1) + 1, row, Goldilocks.toSigned(pow[k].c1()));
            }
            t.set(ACC, row, Goldilocks.toSigned(acc.c0()));
            t.set(ACC + 1, row, Goldilocks.toSigned(acc.c1()));
            Fp2 next = acc.mul(pow[VALUES]);
            for (int c = 0; c < VALUES; c++) {
                int j = r * VALUES + c;
                long v = j < used ? Goldilocks.fromSigned(t.get(c, row)) : 0;
                if (j >= used) {
                    t.set(c, row, 0);
                }
                next = next.add(pow[VALUES - 1 - c].mul(v));
            }
            acc = next;
        }
        t.set(ACC, start + streamRows, Goldilocks.toSigned(acc.c0()));
        t.set(ACC + 1, start + streamRows, Goldilocks.toSigned(acc.c1()));
    }

    /**
     * The fingerprint of a group outside the circuit: the same stream and fold ({@code mask}: the salt, of which the
     * first two elements are used; {@code values} signed).
     */
    public static Fp2 fingerprint(long[] mask, long[] values, Fp2 gamma) {
        int len = ((MASK + values.length + VALUES - 1) / VALUES) * VALUES;
        Fp2 acc = Fp2.ZERO;
        for (int j = 0; j < len; j++) {
            long v = j < MASK ? mask[j] : j - MASK < values.length ? Goldilocks.fromSigned(values[j - MASK]) : 0;
            acc = acc.mul(gamma).add(Fp2.of(v));
        }
        return acc;
    }
}
