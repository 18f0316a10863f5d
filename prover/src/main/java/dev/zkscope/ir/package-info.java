/**
 * The model graph with static shapes ({@link dev.zkscope.ir.Graph}, {@link dev.zkscope.ir.Node}, the sealed
 * {@link dev.zkscope.ir.Op} with one record per op kind and its shape contract), tensors, and the float reference
 * evaluator. Input files in EZKL's format are read here too, so that the CLI and the app share them.
 */
package dev.zkscope.ir;
