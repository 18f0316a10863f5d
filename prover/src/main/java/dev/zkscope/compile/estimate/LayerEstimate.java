package dev.zkscope.compile.estimate;

/**
 * One layer's cost under the other arithmetizations (see {@link Estimates} for every formula).
 *
 * @param r1csConstraints rank-1 constraints as circom/Groth16 needs them
 * @param ezklRows        halo2 rows under EZKL's layout
 * @param ezklLookups     lookup inputs under EZKL's layout
 * @param gkrFieldMults   field multiplications of a sumcheck/GKR prover (leading terms)
 * @param gkrCommitted    field elements such a prover commits to
 */
public record LayerEstimate(String layer, String op, long r1csConstraints, long ezklRows, long ezklLookups,
                            long gkrFieldMults, long gkrCommitted) {
}
