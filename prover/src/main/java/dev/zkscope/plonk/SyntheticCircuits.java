package dev.zkscope.plonk;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Copy;
import dev.zkscope.circuit.Expr;
import dev.zkscope.circuit.Gate;
import dev.zkscope.circuit.Lookup;
import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Goldilocks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The synthetic benchmark circuit of any height (the mix of BENCHMARKS.md, which the JMH benchmarks prove too):
 * 16 advice columns, 2 fixed; five degree-3 gates q (a_3k a_3k+1 - a_3k+2); an 8-bit range lookup of a15 gated by q;
 * copies a2[r] = a0[r + 1] on every other row. For measuring the prover's time and memory at heights no model reaches
 * ({@code zkscope bench --synthetic K}).
 */
public final class SyntheticCircuits {
    private SyntheticCircuits() {}

    /** A circuit with its satisfying witness. */
    public record Instance(Circuit circuit, Witness witness) { }

    /** The mix at 2^logN rows, the last {@code reserved} left free for the prover's blinding. Seeded by logN. */
    public static Instance mix(int logN, int reserved) {
        if (logN < 4 || logN > VerifyingKey.MAX_LOG_N || (1 << logN) <= reserved) {
            throw new IllegalArgumentException("synthetic circuit height 2^" + logN + " must be in 2^4 .. 2^"
                    + VerifyingKey.MAX_LOG_N + " and above the " + reserved + " reserved rows");
        }
        int n = 1 << logN;
        int u = n - reserved;
        SplittableRandom rnd = new SplittableRandom(logN);
        long[][] fixed = new long[2][n];
        long[][] a = new long[16][n];
        for (int r = 0; r < u; r++) {
            fixed[0][r] = 1;
            fixed[1][r] = r & 255;
        }
        List<Copy> copies = new ArrayList<>();
        for (int r = 0; r < u; r++) {
            for (int c = 0; c < 15; c++) {
                if (a[c][r] == 0) {
                    a[c][r] = Goldilocks.reduce(rnd.nextLong());
                }
            }
            for (int k = 0; k < 5; k++) {
                a[3 * k + 2][r] = Goldilocks.mul(a[3 * k][r], a[3 * k + 1][r]);
            }
            a[15][r] = rnd.nextInt(256);
            if ((r & 1) == 0 && r + 1 < u) {
                a[0][r + 1] = a[2][r];
                copies.add(new Copy(new Cell(Column.advice(2), r), new Cell(Column.advice(0), r + 1)));
            }
        }
        List<Gate> gates = new ArrayList<>();
        Expr q = Column.fixed(0).cur();
        for (int k = 0; k < 5; k++) {
            gates.add(new Gate("mul" + k, q.times(Column.advice(3 * k).cur().times(Column.advice(3 * k + 1).cur())
                    .minus(Column.advice(3 * k + 2).cur()))));
        }
        List<Lookup> lookups = List.of(new Lookup("range8", List.of(q.times(Column.advice(15).cur())),
                List.of(Column.fixed(1).cur())));
        Circuit c = new Circuit("synthetic-mix-" + logN, logN, u, 16, 0, fixed, gates, lookups, copies, List.of());
        return new Instance(c, new Witness(a, new long[0][]));
    }
}
