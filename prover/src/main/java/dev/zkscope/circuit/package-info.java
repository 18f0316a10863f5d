/**
 * The circuit description in the middle: plain data that the model compiler builds and the proof system proves.
 *
 * <p>A Plonkish circuit is a trace of {@code n = 1 << logN} rows over fixed columns (selectors, constants, lookup
 * tables; part of the circuit), advice columns (the witness) and instance columns (public values). It is constrained by
 * <ul>
 *   <li>{@link dev.zkscope.circuit.Gate}s: polynomial expressions over cells at rotation 0 (this row) or 1 (next row)
 *       that must vanish on every row;</li>
 *   <li>{@link dev.zkscope.circuit.Lookup}s: on every row, a tuple of input expressions must equal the tuple of table
 *       expressions on some row;</li>
 *   <li>{@link dev.zkscope.circuit.Copy} constraints: two cells hold equal values.</li>
 * </ul>
 * The frontend (compiler) depends only on this package; so does the backend (prover). Neither sees the other.
 * {@link dev.zkscope.circuit.Checker} is the mock prover: it evaluates every constraint on a filled trace.
 */
package dev.zkscope.circuit;
