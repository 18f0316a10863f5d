package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.compile.TraceLayout;
import dev.zkscope.compile.Trace;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Poseidon2;

import java.util.ArrayList;
import java.util.List;

/**
 * The sponge of {@link Poseidon2#hash} computed in the circuit: a salt and a message absorbed, a 4-element digest
 * out. One row per round, the state of the next round on the next row:
 * <pre>
 *   columns         a[0..12) the state s entering the row; a[12..24) auxiliary cells
 *   p2_iv      s_i - k_i = 0  (i = 8..11)                      first row: the capacity is (domain, n, 0, 0)
 *   p2_absorb  s'_j - sum_i M_E[j][i] w_i = 0                  w = (a[12..20), s_8..s_11): the block overwrites the
 *                                                              rate, then the permutation's first M_E layer
 *   p2_full    c_i - (s_i + k_i)^3 = 0                         full round: 12 cubes in a[12..24)
 *              sum_i M_E^-1[j][i] s'_i - (s_j + k_j) c_j^2 = 0  x^7 = x * (x^3)^2, then M_E (as M_E^-1 s' = y)
 *   p2_partR   c_j - (L_j(s, y) + k_j)^3 = 0                   R partial rounds in one row (R = 6 or 4): for round j
 *              y_j - (L_j(s, y) + k_j) c_j^2 = 0               the cube c_j in a[12 + 2j], the S-box output y_j in
 *              s' - A_R s - sum_j B_Rj y_j = 0                 a[13 + 2j]
 * </pre>
 * k_i are fixed columns holding the round constants (and the initial capacity on the first row), s' the state
 * columns at the next row. A partial round changes element 0 only by the S-box and then applies the linear M_I =
 * 1 + diag(D), so within a row of R partial rounds the S-box input of round j is a linear form L_j in the row's state
 * and the earlier rounds' outputs y_0..y_{j-1}, and the state after R rounds is A_R s + sum_j B_Rj y_j; the forms and
 * the matrices are derived here from M_I (symbolically, by running the rounds on coefficient vectors) and are the
 * same in every row, the round constants entering only through k_j (the idea of plonky2's Poseidon gate). Every gate
 * has degree 4 with its selector (an x^3 cell keeps x^7 at degree 3 in the cells), within the degree 5 of the
 * standard preset. A permutation takes 13 rows: the absorb row, 4 full rounds, the 22 partial rounds in rows of
 * 6, 6, 6 and 4, and 4 full rounds; the next block's absorb row holds its output state, and a last row (no gate)
 * holds the final state, whose first four elements are the digest. The absorbed cells are the message cells themselves: the caller uses them as the
 * weights (or input) cells, or copies values into them.
 *
 * <p>Witness generation reads the salt and message cells (signed integers or field elements as {@link Trace} holds
 * them) and writes every state and cube as a field element in signed form ({@link Goldilocks#toSigned}).
 */
public final class Poseidon2Gadget {
    private Poseidon2Gadget() {}

    /** Advice columns a hashing row uses: 12 state cells, 12 auxiliary cells. */
    public static final int COLUMNS = 2 * Poseidon2.WIDTH;

    /** Rows of one permutation. */
    public static final int ROWS_PER_PERMUTATION = 1 + Poseidon2.FULL_ROUNDS + 4;

    /** Partial rounds per partial row, in order (22 = 6 + 6 + 6 + 4): 2R auxiliary cells fit the 12 columns. */
    private static final int[] PARTIAL_ROWS = {6, 6, 6, 4};

    /**
     * The linear forms of R partial rounds in one row, over the variables (s_0..s_11, y_0..y_{R-1}), as canonical
     * coefficients: {@code input[j]} is L_j (the S-box input of round j without its constant), {@code out[i]} the
     * next state's element i.
     */
    private record PartialForms(long[][] input, long[][] out) {
        static PartialForms of(int r) {
            int nv = W + r;
            long[][] st = new long[W][nv];
            for (int i = 0; i < W; i++) {
                st[i][i] = 1;
            }
            long[][] in = new long[r][];
            for (int j = 0; j < r; j++) {
                in[j] = st[0].clone();
                st[0] = new long[nv];
                st[0][W + j] = 1;
                long[] sum = new long[nv];
                for (int i = 0; i < W; i++) {
                    for (int v = 0; v < nv; v++) {
                        sum[v] = Goldilocks.add(sum[v], st[i][v]);
                    }
                }
                for (int i = 0; i < W; i++) {
                    for (int v = 0; v < nv; v++) {
                        st[i][v] = Goldilocks.add(Goldilocks.mul(st[i][v], Poseidon2.internalDiagMinus1(i)), sum[v]);
                    }
                }
            }
            return new PartialForms(in, st);
        }

        Expr expr(long[] form) {
            List<Expr> terms = new ArrayList<>();
            for (int v = 0; v < form.length; v++) {
                if (form[v] != 0) {
                    Expr var = v < W ? s(v) : aux(2 * (v - W) + 1);
                    terms.add(form[v] == 1 ? var : var.times(c(form[v])));
                }
            }
            return Expr.sum(terms);
        }
    }

    private static final int W = Poseidon2.WIDTH;

    /** M_E^-1 over the field, canonical entries (M_E = circ(2 M4, M4, M4) is invertible: it is MDS). */
    static final long[][] EXTERNAL_INVERSE = externalInverse();

    private static long[][] externalInverse() {
        long[][] a = new long[W][2 * W];
        for (int r = 0; r < W; r++) {
            for (int c = 0; c < W; c++) {
                a[r][c] = Poseidon2.externalEntry(r, c);
            }
            a[r][W + r] = 1;
        }
        for (int col = 0; col < W; col++) {
            int piv = col;
            while (a[piv][col] == 0) {
                piv++;
            }
            long[] t = a[piv];
            a[piv] = a[col];
            a[col] = t;
            long inv = Goldilocks.inv(a[col][col]);
            for (int c = 0; c < 2 * W; c++) {
                a[col][c] = Goldilocks.mul(a[col][c], inv);
            }
            for (int r = 0; r < W; r++) {
                if (r != col && a[r][col] != 0) {
                    long f = a[r][col];
                    for (int c = 0; c < 2 * W; c++) {
                        a[r][c] = Goldilocks.sub(a[r][c], Goldilocks.mul(f, a[col][c]));
                    }
                }
            }
        }
        long[][] inv = new long[W][];
        for (int r = 0; r < W; r++) {
            inv[r] = java.util.Arrays.copyOfRange(a[r], W, 2 * W);
        }
        return inv;
    }

    /**
     * A placed hash.
     *
     * @param salt    the salt cells (private; the caller's witness sets them)
     * @param message the message cells, in absorption order
     * @param digest  the 4 digest cells
     * @param rows    rows placed
     */
    public record Hashed(Cell[] salt, Cell[] message, Cell[] digest, int rows) {
    }

    /** Rows that hashing {@code saltLength + n} elements takes. */
    public static long rows(int saltLength, long n) {
        return (long) Poseidon2.permutations(saltLength, n) * ROWS_PER_PERMUTATION + 1;
    }

    private static Expr s(int i) {
        return Column.advice(i).cur();
    }

    private static Expr sNext(int i) {
        return Column.advice(i).next();
    }

    private static Expr aux(int i) {
        return Column.advice(W + i).cur();
    }

    private static Expr k(TraceLayout l, int i) {
        return l.fixedExpr("p2_k" + i);
    }

    private static Expr c(long canonical) {
        return Expr.constant(Goldilocks.toSigned(canonical));
    }

    private static void gates(TraceLayout l) {
        for (int i = Poseidon2.RATE; i < W; i++) {
            final int ii = i;
            l.gate("p2_iv" + i, () -> l.selector("p2_iv").times(s(ii).minus(k(l, ii))));
        }
        for (int j = 0; j < W; j++) {
            final int jj = j;
            l.gate("p2_absorb" + j, () -> {
                List<Expr> terms = new ArrayList<>();
                for (int i = 0; i < W; i++) {
                    Expr w = i < Poseidon2.RATE ? aux(i) : s(i);
                    terms.add(w.times(Poseidon2.externalEntry(jj, i)));
                }
                return l.selector("p2_absorb").times(sNext(jj).minus(Expr.sum(terms)));
            });
        }
        for (int i = 0; i < W; i++) {
            final int ii = i;
            l.gate("p2_full_cube" + i, () -> {
                Expr u = s(ii).plus(k(l, ii));
                return l.selector("p2_full").times(aux(ii).minus(u.times(u).times(u)));
            });
        }
        // s' = M_E y with y_i = (s_i + k_i) c_i^2, written as (M_E^-1 s')_j = y_j: each constraint computes one S-box
        // output instead of all twelve (the quotient shares no subexpressions between constraints), the same
        // constraints up to an invertible linear combination.
        for (int j = 0; j < W; j++) {
            final int jj = j;
            l.gate("p2_full" + j, () -> {
                List<Expr> terms = new ArrayList<>();
                for (int i = 0; i < W; i++) {
                    terms.add(sNext(i).times(c(EXTERNAL_INVERSE[jj][i])));
                }
                Expr y = s(jj).plus(k(l, jj)).times(aux(jj)).times(aux(jj));
                return l.selector("p2_full").times(Expr.sum(terms).minus(y));
            });
        }
        for (int r : new int[] {6, 4}) {
            PartialForms f = PartialForms.of(r);
            String sel = "p2_part" + r;
            for (int j = 0; j < r; j++) {
                final int jj = j;
                l.gate(sel + "_cube" + j, () -> {
                    Expr u = f.expr(f.input()[jj]).plus(k(l, jj));
                    return l.selector(sel).times(aux(2 * jj).minus(u.times(u).times(u)));
                });
                l.gate(sel + "_sbox" + j, () -> {
                    Expr u = f.expr(f.input()[jj]).plus(k(l, jj));
                    return l.selector(sel).times(aux(2 * jj + 1).minus(u.times(aux(2 * jj)).times(aux(2 * jj))));
                });
            }
            for (int i = 0; i < W; i++) {
                final int ii = i;
                l.gate(sel + "_out" + i, () -> l.selector(sel).times(sNext(ii).minus(f.expr(f.out()[ii]))));
            }
        }
    }

    /**
     * The sponge over {@code saltLength} salt cells and {@code n} message cells, all fresh advice cells of this region
     * (the rate cells of the absorb rows), that the caller fills before this gadget's filler runs (in
     * {@link TraceLayout#fill}'s inputs): a private input that is hashed.
     *
     * @param domain {@link Poseidon2#DOMAIN_WEIGHTS}, {@link Poseidon2#DOMAIN_INPUT} or {@link Poseidon2#DOMAIN_OUTPUT}
     */
    public static Hashed place(TraceLayout l, long domain, int saltLength, int n) {
        return place(l, domain, saltLength, n, null, null);
    }

    /** The sponge over message cells that hold {@code values} (private weights: these cells are the weights' cells). */
    public static Hashed placeValues(TraceLayout l, long domain, int saltLength, long[] values) {
        return place(l, domain, saltLength, values.length, null, values.clone());
    }

    /** The sponge over message cells copy-constrained to {@code sources} (a hashed output). */
    public static Hashed placeOver(TraceLayout l, long domain, int saltLength, Cell[] sources) {
        Hashed h = place(l, domain, saltLength, sources.length, sources.clone(), null);
        for (int i = 0; i < sources.length; i++) {
            l.copy(sources[i], h.message()[i]);
        }
        return h;
    }

    private static Hashed place(TraceLayout l, long domain, int saltLength, int n, Cell[] sources, long[] values) {
        if (l.width() < COLUMNS) {
            throw new IllegalStateException("Poseidon2 rows need " + COLUMNS + " advice columns, the layout has "
                    + l.width() + " (Geometry.hashing)");
        }
        gates(l);
        int perms = Poseidon2.permutations(saltLength, n);
        int rows = perms * ROWS_PER_PERMUTATION + 1;
        int start = l.allocRows(rows, "poseidon2");
        long total = (long) saltLength + n;

        l.enable("p2_iv", start);
        l.setFixed("p2_k" + Poseidon2.RATE, start, domain);
        l.setFixed("p2_k" + (Poseidon2.RATE + 1), start, total);
        for (int i = Poseidon2.RATE; i < W; i++) {
            l.advice(i, start);
        }
        Cell[] absorbed = new Cell[perms * Poseidon2.RATE];
        for (int p = 0; p < perms; p++) {
            int a = start + p * ROWS_PER_PERMUTATION;
            l.enable("p2_absorb", a);
            for (int j = 0; j < Poseidon2.RATE; j++) {
                absorbed[p * Poseidon2.RATE + j] = l.advice(W + j, a);
            }
            int row = a + 1;
            int half = Poseidon2.FULL_ROUNDS / 2;
            for (int fr = 0; fr < Poseidon2.FULL_ROUNDS; fr++) {
                if (fr == half) {
                    int pr = 0;
                    for (int r : PARTIAL_ROWS) {
                        markState(l, row);
                        l.enable("p2_part" + r, row);
                        for (int j = 0; j < r; j++) {
                            l.setFixed("p2_k" + j, row, Goldilocks.toSigned(Poseidon2.partialRoundConstant(pr + j)));
                            l.advice(W + 2 * j, row);
                            l.advice(W + 2 * j + 1, row);
                        }
                        pr += r;
                        row++;
                    }
                }
                markState(l, row);
                l.enable("p2_full", row);
                for (int i = 0; i < W; i++) {
                    l.setFixed("p2_k" + i, row, Goldilocks.toSigned(Poseidon2.fullRoundConstant(fr, i)));
                    l.advice(W + i, row);
                }
                row++;
            }
            for (int i = 0; i < W; i++) {
                l.advice(i, a + ROWS_PER_PERMUTATION);
            }
        }
        // Padding cells (past salt and message) are part of the absorbed block, so they must be zero: constants.
        Cell[] salt = new Cell[saltLength];
        Cell[] message = new Cell[n];
        for (int k = 0; k < absorbed.length; k++) {
            if (k < saltLength) {
                salt[k] = absorbed[k];
            } else if (k < total) {
                message[k - saltLength] = absorbed[k];
            } else {
                l.copy(l.constant(0), absorbed[k]);
            }
        }
        int last = start + rows - 1;
        Cell[] digest = new Cell[Poseidon2.DIGEST];
        for (int i = 0; i < digest.length; i++) {
            digest[i] = new Cell(Column.advice(i), last);
        }
        final int first = start;
        l.filler(t -> {
            for (int i = 0; i < n; i++) {
                if (values != null) {
                    t.set(message[i], values[i]);
                } else if (sources != null) {
                    t.set(message[i], t.get(sources[i]));
                }
            }
            fill(t, first, perms, domain, total, absorbed);
        });
        return new Hashed(salt, message, digest, rows);
    }

    /** Witness generation: runs the permutation round by round and writes every row. */
    private static void fill(Trace t, int start, int perms, long domain, long total, Cell[] absorbed) {
        long[] s = new long[W];
        s[Poseidon2.RATE] = domain;
        s[Poseidon2.RATE + 1] = Goldilocks.fromSigned(total);
        for (int p = 0; p < perms; p++) {
            int a = start + p * ROWS_PER_PERMUTATION;
            writeState(t, a, s);
            long[] w = s.clone();
            for (int j = 0; j < Poseidon2.RATE; j++) {
                int k = p * Poseidon2.RATE + j;
                w[j] = k < total ? Goldilocks.fromSigned(t.get(absorbed[k])) : 0;
                t.set(absorbed[k], Goldilocks.toSigned(w[j]));
            }
            Poseidon2.externalLinear(w);
            s = w;
            int row = a + 1;
            int half = Poseidon2.FULL_ROUNDS / 2;
            for (int fr = 0; fr < Poseidon2.FULL_ROUNDS; fr++) {
                if (fr == half) {
                    int pr = 0;
                    for (int r : PARTIAL_ROWS) {
                        writeState(t, row, s);
                        for (int j = 0; j < r; j++) {
                            long u = Goldilocks.add(s[0], Poseidon2.partialRoundConstant(pr + j));
                            long cube = Goldilocks.mul(Goldilocks.square(u), u);
                            t.set(W + 2 * j, row, Goldilocks.toSigned(cube));
                            t.set(W + 2 * j + 1, row, Goldilocks.toSigned(Goldilocks.mul(Goldilocks.square(cube), u)));
                            Poseidon2.partialRound(s, pr + j);
                        }
                        pr += r;
                        row++;
                    }
                }
                writeState(t, row, s);
                for (int i = 0; i < W; i++) {
                    long u = Goldilocks.add(s[i], Poseidon2.fullRoundConstant(fr, i));
                    t.set(W + i, row, Goldilocks.toSigned(Goldilocks.mul(Goldilocks.square(u), u)));
                }
                Poseidon2.fullRound(s, fr);
                row++;
            }
        }
        writeState(t, start + perms * ROWS_PER_PERMUTATION, s);
    }

    private static void markState(TraceLayout l, int row) {
        for (int i = 0; i < W; i++) {
            l.advice(i, row);
        }
    }

    private static void writeState(Trace t, int row, long[] s) {
        for (int i = 0; i < W; i++) {
            t.set(i, row, Goldilocks.toSigned(s[i]));
        }
    }
}
