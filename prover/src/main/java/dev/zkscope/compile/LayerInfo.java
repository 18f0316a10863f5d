package dev.zkscope.compile;

import dev.zkscope.compile.model.Step;

/**
 * What the compiler knows of one layer besides its cost: its op, how many steps it lowered to, the output size, and
 * the arithmetization-independent work (for the estimates).
 */
public record LayerInfo(String layer, String op, int steps, int outputs, Step.Work work) {
}
