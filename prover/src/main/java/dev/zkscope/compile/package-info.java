/**
 * The model circuit compiler: quantized graph to Plonkish circuit, with an exact per-layer cost ledger.
 *
 * <p>{@link dev.zkscope.compile.ModelCompiler} lowers a {@link dev.zkscope.quant.QuantizedGraph} to the layer IR
 * ({@link dev.zkscope.compile.model.QModel}: integer steps with the quantized evaluator's semantics) and places each
 * step's gadgets ({@code compile.gadget}) on a {@link dev.zkscope.compile.TraceLayout}: a row allocator over a fixed column
 * plan ({@link dev.zkscope.compile.Geometry}) that records regions, copies, selectors, lookup tags and tables, and
 * counts all of it per layer as it places it. The same layout builds the {@link dev.zkscope.circuit.Circuit} and the
 * {@link dev.zkscope.compile.CostLedger}, and replays its gadgets' fillers to produce the witness
 * ({@link dev.zkscope.compile.CompiledModel#witness}). {@code compile.estimate} prices the same layer IR under R1CS,
 * EZKL's halo2 layout and sumcheck/GKR. See docs/compiler.md for the layout, the gates and the formulas.
 */
package dev.zkscope.compile;
