package dev.zkscope.compile.model;

import java.util.function.LongUnaryOperator;

/**
 * A unary integer function to be looked up: its identity (name, shared by every node that uses the same function at
 * the same scales), a readable description, the integer map, and the calibrated input range [lo, hi].
 */
public record TableSpec(String name, String function, LongUnaryOperator f, long lo, long hi) {
    public TableSpec {
        if (lo > hi) {
            throw new IllegalArgumentException("table " + name + " has an empty input range [" + lo + ", " + hi + "]");
        }
    }

    /**
     * The circuit's name for a quantizer's table: its function at its input and output scales ("sigmoid_s7_s7"), so
     * that layers using the same function at the same scales share one table. Views match tables by this name.
     */
    public static String nameOf(dev.zkscope.quant.LookupTable t) {
        return (t.name() + "_s" + t.inScale() + "_s" + t.outScale()).replace(',', ';');
    }
}
