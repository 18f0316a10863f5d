package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.compile.Layout;
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
 *              s'_j - sum_i M_E[j][i] (s_i + k_i) c_i^2 = 0    x^7 = x * (x^3)^2, then M_E
 *   p2_part    c_0 - (s_0 + k_0)^3 = 0                         partial round: one cube in a[12]
 *              s'_j - D_j v_j - sum_i v_i = 0                  v = ((s_0 + k_0) c_0^2, s_1, ..., s_11), M_I = 1 + diag(D)
 * </pre>
 * k_i are fixed columns holding the round constants (and the initial capacity on the first row), s' the state
 * columns at the next row. Every gate has degree 4 with its selector (an x^3 cell keeps x^7 at degree 3 in the
 * cells), within the degree 5 of the standard preset. A permutation takes 31 rows: the absorb row and 30 rounds; the
 * next block's absorb row holds its output state, and a last row (no gate) holds the final state, whose first four
 * elements are the digest. The absorbed cells are the message cells themselves: the caller uses them as the
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
    public static final int ROWS_PER_PERMUTATION = 1 + Poseidon2.FULL_ROUNDS + Poseidon2.PARTIAL_ROUNDS;

    private static final int W = Poseidon2.WIDTH;

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

    private static Expr k(Layout l, int i) {
        return l.fixedExpr("p2_k" + i);
    }

    private static Expr c(long canonical) {
        return Expr.constant(Goldilocks.toSigned(canonical));
    }

    private static void gates(Layout l) {
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
        for (int j = 0; j < W; j++) {
            final int jj = j;
            l.gate("p2_full" + j, () -> {
                List<Expr> terms = new ArrayList<>();
                for (int i = 0; i < W; i++) {
                    Expr y = s(i).plus(k(l, i)).times(aux(i)).times(aux(i));
                    terms.add(y.times(Poseidon2.externalEntry(jj, i)));
                }
                return l.selector("p2_full").times(sNext(jj).minus(Expr.sum(terms)));
            });
        }
        l.gate("p2_part_cube", () -> {
            Expr u = s(0).plus(k(l, 0));
            return l.selector("p2_part").times(aux(0).minus(u.times(u).times(u)));
        });
        for (int j = 0; j < W; j++) {
            final int jj = j;
            l.gate("p2_part" + j, () -> {
                List<Expr> v = new ArrayList<>();
                v.add(s(0).plus(k(l, 0)).times(aux(0)).times(aux(0)));
                for (int i = 1; i < W; i++) {
                    v.add(s(i));
                }
                Expr diag = v.get(jj).times(c(Poseidon2.internalDiagMinus1(jj)));
                return l.selector("p2_part").times(sNext(jj).minus(diag).minus(Expr.sum(v)));
            });
        }
    }

    /**
     * The sponge over {@code saltLength} salt cells and {@code n} message cells, all fresh advice cells of this region
     * (the rate cells of the absorb rows), that the caller fills before this gadget's filler runs (in
     * {@link Layout#fill}'s inputs): a private input that is hashed.
     *
     * @param domain {@link Poseidon2#DOMAIN_WEIGHTS}, {@link Poseidon2#DOMAIN_INPUT} or {@link Poseidon2#DOMAIN_OUTPUT}
     */
    public static Hashed place(Layout l, long domain, int saltLength, int n) {
        return place(l, domain, saltLength, n, null, null);
    }

    /** The sponge over message cells that hold {@code values} (private weights: these cells are the weights' cells). */
    public static Hashed placeValues(Layout l, long domain, int saltLength, long[] values) {
        return place(l, domain, saltLength, values.length, null, values.clone());
    }

    /** The sponge over message cells copy-constrained to {@code sources} (a hashed output). */
    public static Hashed placeOver(Layout l, long domain, int saltLength, Cell[] sources) {
        Hashed h = place(l, domain, saltLength, sources.length, sources.clone(), null);
        for (int i = 0; i < sources.length; i++) {
            l.copy(sources[i], h.message()[i]);
        }
        return h;
    }

    private static Hashed place(Layout l, long domain, int saltLength, int n, Cell[] sources, long[] values) {
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
            for (int r = 0; r < Poseidon2.FULL_ROUNDS + Poseidon2.PARTIAL_ROUNDS; r++) {
                int row = a + 1 + r;
                for (int i = 0; i < W; i++) {
                    l.advice(i, row);
                }
                int half = Poseidon2.FULL_ROUNDS / 2;
                if (r < half || r >= half + Poseidon2.PARTIAL_ROUNDS) {
                    int fr = r < half ? r : r - Poseidon2.PARTIAL_ROUNDS;
                    l.enable("p2_full", row);
                    for (int i = 0; i < W; i++) {
                        l.setFixed("p2_k" + i, row, Goldilocks.toSigned(Poseidon2.fullRoundConstant(fr, i)));
                        l.advice(W + i, row);
                    }
                } else {
                    l.enable("p2_part", row);
                    l.setFixed("p2_k0", row, Goldilocks.toSigned(Poseidon2.partialRoundConstant(r - half)));
                    l.advice(W, row);
                }
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
            int half = Poseidon2.FULL_ROUNDS / 2;
            for (int r = 0; r < Poseidon2.FULL_ROUNDS + Poseidon2.PARTIAL_ROUNDS; r++) {
                int row = a + 1 + r;
                writeState(t, row, s);
                if (r < half || r >= half + Poseidon2.PARTIAL_ROUNDS) {
                    int fr = r < half ? r : r - Poseidon2.PARTIAL_ROUNDS;
                    for (int i = 0; i < W; i++) {
                        long u = Goldilocks.add(s[i], Poseidon2.fullRoundConstant(fr, i));
                        t.set(W + i, row, Goldilocks.toSigned(Goldilocks.mul(Goldilocks.square(u), u)));
                    }
                    Poseidon2.fullRound(s, fr);
                } else {
                    long u = Goldilocks.add(s[0], Poseidon2.partialRoundConstant(r - half));
                    t.set(W, row, Goldilocks.toSigned(Goldilocks.mul(Goldilocks.square(u), u)));
                    Poseidon2.partialRound(s, r - half);
                }
            }
        }
        writeState(t, start + perms * ROWS_PER_PERMUTATION, s);
    }

    private static void writeState(Trace t, int row, long[] s) {
        for (int i = 0; i < W; i++) {
            t.set(i, row, Goldilocks.toSigned(s[i]));
        }
    }
}
