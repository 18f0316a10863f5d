package dev.zkscope.circuit;

/**
 * A polynomial constraint: {@code poly} must evaluate to zero on every row of the trace.
 * The compiler multiplies each gate by a selector (a fixed column), so that it is off on rows where it does not
 * apply, including the rows that the prover reserves for blinding.
 *
 * @param name  a label that names the gate kind (e.g. "dot4", "rescale"); used by the ledger and by violations
 * @param poly  the expression that must vanish
 */
public record Gate(String name, Expr poly) {
    public Gate {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("gate needs a name");
        }
        if (poly == null) {
            throw new IllegalArgumentException("gate " + name + " has no expression");
        }
    }

    public int degree() {
        return poly.degree();
    }
}
