package dev.zkscope.compile;

import dev.zkscope.ir.Op;

/** Which op kinds the compiler lowers to circuit steps (the op registry's LOWERING stage). */
public final class Lowerings {
    private Lowerings() {}

    /** Whether op kind {@code op} has a lowering; a node of a kind without one is refused when compiling. */
    public static boolean has(Class<? extends Op> op) {
        return QuantizedLowering.hasLowering(op);
    }
}
