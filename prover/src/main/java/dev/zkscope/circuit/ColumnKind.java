package dev.zkscope.circuit;

/** The three kinds of trace column. */
public enum ColumnKind {
    /** Known when the circuit is built: selectors, constants, lookup tables. Committed in the verifying key. */
    FIXED,
    /** Filled by the prover: the private witness. */
    ADVICE,
    /** Public values, known to the verifier. */
    INSTANCE
}
