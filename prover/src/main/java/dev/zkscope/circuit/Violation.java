package dev.zkscope.circuit;

import java.util.List;
import java.util.Map;

/**
 * A constraint that does not hold on a filled trace, with enough context to find the cause: the row, the region
 * (layer and gadget) that placed it, and the cell values involved. Values are shown as signed integers.
 */
public sealed interface Violation {

    /** The region (layer, gadget) of the row where the violation occurs, or null outside every region. */
    Region region();

    /** A one-line human description. */
    String describe();

    /** A gate that does not vanish. {@code cells} maps each variable ("a3", "a3'" for next row) to its value. */
    record GateFailure(String gate, int row, Region region, long value, Map<String, Long> cells) implements Violation {
        @Override
        public String describe() {
            return "gate '" + gate + "' fails at row " + row + where(region) + ": evaluates to " + value + ", cells " + cells;
        }
    }

    /** A lookup whose input tuple is in no table row. */
    record LookupFailure(String lookup, int row, Region region, List<Long> input) implements Violation {
        @Override
        public String describe() {
            return "lookup '" + lookup + "' fails at row " + row + where(region) + ": input " + input + " is not in the table";
        }
    }

    /** Two cells that a copy constraint says are equal but are not. */
    record CopyFailure(Cell a, Cell b, Region region, long valueA, long valueB) implements Violation {
        @Override
        public String describe() {
            return "copy " + a + " = " + b + " fails" + where(region) + ": " + valueA + " != " + valueB;
        }
    }

    /** A witness value that is not a canonical field element. */
    record NonCanonical(Cell cell, Region region, long raw) implements Violation {
        @Override
        public String describe() {
            return "cell " + cell + where(region) + " holds " + Long.toUnsignedString(raw) + ", not a canonical field element";
        }
    }

    private static String where(Region r) {
        return r == null ? "" : " (layer " + r.layer() + ", " + r.gadget() + ")";
    }
}
