package dev.zkscope.predict;

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
 * Synthetic circuits that exercise every part of the prover in proportions like the model compiler's output: packed
 * products with a selector (degree 3), an 8-bit range lookup, and copies between rows. Honest witnesses, so the
 * calibration runs measure real proofs.
 */
final class CalibrationCircuits {
    private CalibrationCircuits() {}

    record Instance(Circuit circuit, Witness witness) { }

    /**
     * A circuit of 2^logN rows over {@code width} advice columns (a multiple of 3, plus one range column).
     *
     * @param reserved rows left free for the prover's blinding
     */
    static Instance mix(int logN, int width, int reserved) {
        if (width % 3 != 0 || width < 3) {
            throw new IllegalArgumentException("width must be a positive multiple of 3, got " + width);
        }
        int n = 1 << logN;
        int u = n - reserved;
        int numAdvice = width + 1;
        SplittableRandom rnd = new SplittableRandom(31L * logN + width);
        // Besides the selector and the range table, 3 x width fixed columns of constants: compiled models carry many
        // fixed columns (weights, coefficients, tags), and every column costs in the openings and the DEEP/FRI phase.
        long[][] fixed = new long[2 + 3 * width][n];
        long[][] a = new long[numAdvice][n];
        List<Copy> copies = new ArrayList<>();
        for (int r = 0; r < u; r++) {
            fixed[0][r] = 1;
            fixed[1][r] = r & 255;
            for (int c = 2; c < fixed.length; c++) {
                fixed[c][r] = Goldilocks.reduce(rnd.nextLong());
            }
            for (int k = 0; k < width / 3; k++) {
                if (a[3 * k][r] == 0) {
                    a[3 * k][r] = Goldilocks.reduce(rnd.nextLong());
                }
                a[3 * k + 1][r] = Goldilocks.reduce(rnd.nextLong());
                a[3 * k + 2][r] = Goldilocks.mul(a[3 * k][r], a[3 * k + 1][r]);
            }
            a[width][r] = rnd.nextInt(256);
            if ((r & 1) == 0 && r + 1 < u) {
                a[0][r + 1] = a[2][r];
                copies.add(new Copy(new Cell(Column.advice(2), r), new Cell(Column.advice(0), r + 1)));
            }
        }
        List<Gate> gates = new ArrayList<>();
        Expr q = Column.fixed(0).cur();
        for (int k = 0; k < width / 3; k++) {
            gates.add(new Gate("mul" + k, q.times(Column.advice(3 * k).cur().times(Column.advice(3 * k + 1).cur())
                    .minus(Column.advice(3 * k + 2).cur()))));
        }
        List<Lookup> lookups = List.of(new Lookup("range8", List.of(q.times(Column.advice(width).cur())),
                List.of(Column.fixed(1).cur())));
        Circuit c = new Circuit("calibration-" + logN + "x" + width, logN, u, numAdvice, 0, fixed, gates, lookups,
                copies, List.of());
        return new Instance(c, new Witness(a, new long[0][]));
    }
}
