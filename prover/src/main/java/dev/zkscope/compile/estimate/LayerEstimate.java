package dev.zkscope.compile.estimate;

/**
 * One layer's cost under the other arithmetizations (see {@link Estimates} for every formula).
 *
 * @param r1csConstraints rank-1 constraints as circom/Groth16 needs them
 * @param ezklRows        halo2 rows under EZKL's layout
 * @param ezklLookups     lookup inputs under EZKL's layout
 * @param gkrFieldMults   field multiplications of a sumcheck/GKR prover (leading terms)
 * @param gkrCommitted    field elements such a prover commits to
 * @param gkrLookupEntries entries of the layer's range-checked columns in the LogUp-GKR lookup area
 * @param gkrWitnessClaims claims the layer makes on the committed witness (each one costs an opening row combination)
 * @param gkrHelperEntries values the layer adds to the sumcheck backend's lookup helpers H (a function table's
 *                         h and g, two coordinates each, and their mask slots), opened in H's batched opening
 */
public record LayerEstimate(String layer, String op, long r1csConstraints, long ezklRows, long ezklLookups,
                            long gkrFieldMults, long gkrCommitted, long gkrLookupEntries, long gkrWitnessClaims,
                            long gkrHelperEntries) {
    /** Without function-table helpers. */
    public LayerEstimate(String layer, String op, long r1csConstraints, long ezklRows, long ezklLookups,
                         long gkrFieldMults, long gkrCommitted, long gkrLookupEntries, long gkrWitnessClaims) {
        this(layer, op, r1csConstraints, ezklRows, ezklLookups, gkrFieldMults, gkrCommitted, gkrLookupEntries,
                gkrWitnessClaims, 0);
    }

    /** Without the sumcheck backend's lookup and claim counts. */
    public LayerEstimate(String layer, String op, long r1csConstraints, long ezklRows, long ezklLookups,
                         long gkrFieldMults, long gkrCommitted) {
        this(layer, op, r1csConstraints, ezklRows, ezklLookups, gkrFieldMults, gkrCommitted, 0, 0, 0);
    }
}
