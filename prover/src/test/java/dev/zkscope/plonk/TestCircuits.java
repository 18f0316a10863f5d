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
 * Seeded random circuits with a valid witness: a degree-3 multiplication gate, a degree-5 power gate, a next-row
 * accumulation gate, a public-value gate, a range lookup and a tuple lookup (x, x^2), and copy constraints across
 * rows and columns. Row kinds cycle mul, pow, lookup, accumulate.
 */
final class TestCircuits {
    static final int TABLE = 16;

    record Instance(Circuit circuit, Witness witness, List<Integer> mulRows, List<Integer> lookupRows,
                    List<Copy> breakableCopies) { }

    private TestCircuits() {}

    static Instance random(long seed, int logN, int reserved) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 1 << logN;
        int u = n - reserved;
        if (u < 1) {
            throw new IllegalArgumentException("too small");
        }
        Column a0 = Column.advice(0), a1 = Column.advice(1), a2 = Column.advice(2), a3 = Column.advice(3);
        Column qMul = Column.fixed(0), qPow = Column.fixed(1), qLook = Column.fixed(2), qAcc = Column.fixed(3);
        Column tab = Column.fixed(4), tab2 = Column.fixed(5);
        Column i0 = Column.instance(0);
        long[][] fixed = new long[6][n];
        long[][] adv = new long[4][n];
        long[][] inst = new long[1][n];
        List<Copy> copies = new ArrayList<>();
        List<Copy> breakable = new ArrayList<>();
        List<Integer> mulRows = new ArrayList<>();
        List<Integer> lookRows = new ArrayList<>();
        for (int r = 0; r < u; r++) {
            int t = r % TABLE;
            fixed[4][r] = t;
            fixed[5][r] = (long) t * t;
        }
        int lastMul = -1;
        int lastAcc = -1;
        for (int r = 0; r < u; r++) {
            for (int c = 0; c < 4; c++) {
                if (adv[c][r] == 0) {
                    adv[c][r] = rnd.nextLong() >>> 1;
                }
            }
            switch (r % 4) {
                case 0:
                    fixed[0][r] = 1;
                    if (lastMul >= 0 && rnd.nextBoolean()) {
                        adv[0][r] = adv[2][lastMul];
                        copies.add(new Copy(new Cell(a2, lastMul), new Cell(a0, r)));
                    }
                    adv[2][r] = Goldilocks.mul(adv[0][r], adv[1][r]);
                    mulRows.add(r);
                    lastMul = r;
                    break;
                case 1:
                    fixed[1][r] = 1;
                    adv[3][r] = Goldilocks.pow(adv[0][r], 4);
                    inst[0][r] = adv[3][r];
                    copies.add(new Copy(new Cell(i0, r), new Cell(a3, r)));
                    break;
                case 2:
                    fixed[2][r] = 1;
                    long x = rnd.nextInt(Math.min(TABLE, u));
                    adv[1][r] = x;
                    adv[2][r] = x * x;
                    lookRows.add(r);
                    break;
                default:
                    if (lastAcc >= 0) {
                        adv[0][r] = adv[0][lastAcc];
                        Copy cp = new Copy(new Cell(a0, lastAcc), new Cell(a0, r));
                        copies.add(cp);
                        breakable.add(cp);
                    }
                    lastAcc = r;
                    if (r + 1 < u) {
                        fixed[3][r] = 1;
                        adv[3][r + 1] = Goldilocks.add(adv[3][r], adv[1][r]);
                    }
            }
        }
        // Public value gate: on pow rows the instance equals a3 (also copied, to exercise instance columns in both).
        List<Gate> gates = List.of(
                new Gate("mul", qMul.cur().times(a0.cur().times(a1.cur()).minus(a2.cur()))),
                new Gate("pow4", qPow.cur().times(a0.cur().times(a0.cur()).times(a0.cur()).times(a0.cur()).minus(a3.cur()))),
                new Gate("acc", qAcc.cur().times(a3.next().minus(a3.cur()).minus(a1.cur()))),
                new Gate("public", qPow.cur().times(a3.cur().minus(i0.cur()))));
        List<Lookup> lookups = List.of(
                new Lookup("range", List.of(qLook.cur().times(a1.cur())), List.of(tab.cur())),
                new Lookup("square", List.of(qLook.cur().times(a1.cur()), qLook.cur().times(a2.cur())),
                        List.of(tab.cur(), tab2.cur())));
        Circuit c = new Circuit("random-" + seed, logN, u, 4, 1, fixed, gates, lookups, copies, List.of());
        return new Instance(c, new Witness(adv, inst), mulRows, lookRows, breakable);
    }

    static long[][] copy(long[][] a) {
        long[][] out = new long[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
