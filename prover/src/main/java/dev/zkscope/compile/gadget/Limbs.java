package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.compile.CompileException;
import dev.zkscope.compile.Geometry;
import dev.zkscope.compile.TraceLayout;
import dev.zkscope.compile.Trace;
import dev.zkscope.compile.WitnessException;

import java.util.ArrayList;
import java.util.List;

/**
 * Range checks of wide values by limb decomposition against small range tables. The range columns are split in two
 * halves of {@code H = rangeCols/2} limbs each; a value v in [0, 2^bits) is written in half h as
 * v = sum_i 2^(b*i) * limb_i with limb i looked up in the table [0, 2^w_i), w_i = clamp(bits - b*i, 0, b). Every
 * limb of the half is looked up (width 0 means the limb must be 0), so no unchecked limb can shift the sum. A value
 * wider than H*b bits does not fit one half and is a compile error naming the layer.
 */
public final class Limbs {
    private Limbs() {}

    /** The number of bits needed to hold every integer in [0, maxValue]. */
    public static int bitsFor(long maxValue) {
        if (maxValue < 0) {
            throw new IllegalArgumentException("negative bound " + maxValue);
        }
        return 64 - Long.numberOfLeadingZeros(maxValue);
    }

    /** Limbs of the given width holding every integer up to a bound (at least one limb, for a bound of 0 too). */
    public static int count(long bound, int bits) {
        return Math.max(1, (bitsFor(Math.max(1, bound)) + bits - 1) / bits);
    }

    /** The recomposition sum_i 2^(b*i) * a[h*H + i] at a rotation (0 this row, 1 next row). */
    public static Expr recompose(Geometry g, int half, int rotation) {
        List<Expr> terms = new ArrayList<>();
        for (int i = 0; i < g.halfLimbs(); i++) {
            Column c = Column.advice(half * g.halfLimbs() + i);
            Expr v = rotation == 0 ? c.cur() : c.next();
            terms.add(i == 0 ? v : v.times(1L << (g.limbBits() * i)));
        }
        return Expr.sum(terms);
    }

    /** Places the lookups of one decomposition of a {@code bits}-wide value at (half, row); counts one range check. */
    public static void place(TraceLayout l, int half, int row, int bits) {
        Geometry g = l.geometry();
        if (bits > g.halfBits()) {
            throw new CompileException("layer " + l.currentLayer() + " needs a " + bits + "-bit range check but "
                    + g.halfLimbs() + " limbs of " + g.limbBits() + " bits hold " + g.halfBits()
                    + ": raise rangeCols or limbBits");
        }
        for (int i = 0; i < g.halfLimbs(); i++) {
            int col = half * g.halfLimbs() + i;
            l.advice(col, row);
            l.rangeLookup(col, row, Math.max(0, Math.min(g.limbBits(), bits - g.limbBits() * i)));
        }
        l.countRangeCheck();
    }

    /** Writes the limbs of {@code value}; a value outside [0, 2^bits) is a {@link WitnessException}. */
    public static void fill(Trace t, Geometry g, int half, int row, long value, int bits, String layer, String what) {
        if (value < 0 || (bits < 63 && value >= (1L << bits))) {
            throw new WitnessException(layer, value, what + " " + value + " is outside the range-checked [0, 2^" + bits + ")");
        }
        long mask = (1L << g.limbBits()) - 1;
        long v = value;
        for (int i = 0; i < g.halfLimbs(); i++) {
            t.set(half * g.halfLimbs() + i, row, v & mask);
            v >>>= g.limbBits();
        }
    }
}
