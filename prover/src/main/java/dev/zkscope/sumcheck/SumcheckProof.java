package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;

/**
 * The prover's messages of one sumcheck: for each round (highest variable first) the round polynomial's values at
 * 0, 1, ..., degree. The verifier checks p(0) + p(1) against the running claim and carries p(r) forward.
 */
public record SumcheckProof(Fp2[][] rounds) {
    public int numVars() {
        return rounds.length;
    }
}
