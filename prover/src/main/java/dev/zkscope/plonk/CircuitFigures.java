package dev.zkscope.plonk;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Lookup;

import java.util.Arrays;
import java.util.List;

/**
 * The figures of a circuit under a preset that its soundness depends on, read off the proof system's own
 * {@link ArgumentLayout} (the one prover and verifier build), so they are the proved circuit's, not estimates. Read-only: it
 * changes nothing in proving or verifying.
 *
 * @param name               the circuit's name
 * @param logN               the trace has n = 2^logN rows; every committed polynomial has degree &lt; n
 * @param usableRows         u: rows covered by the constraints and by the LogUp and permutation sums
 * @param logBlowup          the extension has n 2^logBlowup points (Reed-Solomon rate 2^-logBlowup)
 * @param maxDegree          the largest constraint degree (gates and the proof system's own constraints)
 * @param constraints        constraints combined by powers of one challenge alpha into the quotient
 * @param committedColumns   base-field columns committed in Merkle trees (fixed, advice, aux, quotient chunks)
 * @param treeWidths         committed columns per tree, in commitment order of {@link ArgumentLayout#TREE_NAMES}
 * @param openingPoints      out-of-domain points (z and z*omega)
 * @param openedPairs        (column, point) pairs batched into the one DEEP quotient that FRI tests: each column at
 *                           the points its constraints read it ({@link ArgumentLayout#openings()})
 * @param lookups            lookup arguments (each adds an input fraction and a table fraction per row)
 * @param maxLookupTuple     largest compressed tuple of a lookup, tag included (the degree of gamma in a denominator
 *                           is one less)
 * @param equalityColumns    columns in the permutation argument (each adds two fractions per row)
 * @param friRounds          log2 of each FRI folding round's arity
 * @param logFinalPolyLen    FRI sends the last polynomial in clear, with 2^logFinalPolyLen coefficients
 */
public record CircuitFigures(String name, int logN, int usableRows, int logBlowup, int maxDegree, int constraints,
                             int committedColumns, int[] treeWidths, int openingPoints, int lookups,
                             int maxLookupTuple, int equalityColumns, int[] friRounds, int logFinalPolyLen,
                             long openedPairs) {

    public CircuitFigures {
        treeWidths = treeWidths.clone();
        friRounds = friRounds.clone();
    }

    /** The figures of a circuit under the given parameters (with no advice committed apart). */
    public static CircuitFigures of(Circuit circuit, ProofParameters params) {
        return of(ConstraintSystem.of(circuit), params);
    }

    /**
     * The figures of a constraint system under the given parameters. Throws IllegalArgumentException when the
     * parameters cannot prove it (too few free rows, degree above the blowup), as keygen would.
     */
    public static CircuitFigures of(ConstraintSystem cs, ProofParameters params) {
        return of(new ArgumentLayout(cs, params));
    }

    static CircuitFigures of(ArgumentLayout lay) {
        int tuple = 0;
        for (Lookup l : lay.cs.lookups()) {
            tuple = Math.max(tuple, 1 + l.arity());
        }
        return new CircuitFigures(lay.cs.name(), lay.logN, lay.u, lay.params.logBlowup(), lay.maxDegree,
                lay.numConstraints(), lay.totalColumns, lay.widths, 2, lay.cs.lookups().size(), tuple,
                lay.cs.equalityColumns().size(), lay.friConfig().rounds(), lay.friConfig().logFinalLen(),
                Arrays.stream(lay.openings()).mapToLong(c -> c.length).sum());
    }

    /** The trace length n = 2^logN. */
    public long n() {
        return 1L << logN;
    }

    /** Fractions in the LogUp sum: an input and a table fraction per lookup and usable row. */
    public long lookupFractions() {
        return 2L * lookups * usableRows;
    }

    /** Fractions in the permutation sum: an id and a sigma fraction per equality column and usable row. */
    public long permutationFractions() {
        return 2L * equalityColumns * usableRows;
    }

    public List<String> treeNames() {
        return List.of(ArgumentLayout.TREE_NAMES);
    }

    @Override
    public int[] treeWidths() {
        return treeWidths.clone();
    }

    @Override
    public int[] friRounds() {
        return friRounds.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CircuitFigures f && name.equals(f.name) && logN == f.logN && usableRows == f.usableRows
                && logBlowup == f.logBlowup && maxDegree == f.maxDegree && constraints == f.constraints
                && committedColumns == f.committedColumns && Arrays.equals(treeWidths, f.treeWidths)
                && openingPoints == f.openingPoints && lookups == f.lookups && maxLookupTuple == f.maxLookupTuple
                && equalityColumns == f.equalityColumns && Arrays.equals(friRounds, f.friRounds)
                && logFinalPolyLen == f.logFinalPolyLen;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(treeWidths) + 7 * logN + constraints;
    }

    @Override
    public String toString() {
        return name + ": 2^" + logN + " rows (" + usableRows + " usable), degree " + maxDegree + ", " + constraints
                + " constraints, " + committedColumns + " committed columns, " + lookups + " lookups, "
                + equalityColumns + " equality columns, FRI rounds " + Arrays.toString(friRounds);
    }
}
