/**
 * The proof system: a transparent Plonkish argument over Goldilocks with LogUp lookups, a log-derivative
 * permutation argument for copy constraints, DEEP-ALI openings and FRI.
 *
 * <p>Public surface: {@link dev.zkscope.plonk.ProofSystem} (keygen, prove, verify, reservedRows),
 * {@link dev.zkscope.plonk.ProofParameters} (named presets with their conjectured security),
 * {@link dev.zkscope.plonk.ProvingKey}, {@link dev.zkscope.plonk.VerifyingKey} (serializable),
 * {@link dev.zkscope.plonk.Proof} (versioned binary format), {@link dev.zkscope.plonk.VerifyResult} and
 * {@link dev.zkscope.plonk.VerifyError}. Everything else is package-private.
 *
 * <h2>Protocol</h2>
 * <ol>
 * <li>Transcript absorbs the circuit digest (constraint system, parameters, fixed-column root) and the public values.</li>
 * <li>Round 1, witness: advice columns and the LogUp multiplicity columns, with random blinding rows when zero
 *     knowledge is on, are committed as one batch of the commitment scheme ({@link dev.zkscope.pcs.Pcs}: extended
 *     to the coset g&lt;omega_{4n}&gt;, g = 7, in a Merkle tree with salted leaves). Challenges beta, gamma (lookups)
 *     and beta', gamma' (permutation) in F_p2.</li>
 * <li>Round 2, LogUp: helper columns h_g (grouped fractions) and the running sum Z are committed. Challenge alpha.</li>
 * <li>Round 3, quotient: sum_i alpha^i C_i / Z_H on a coset of size 2^qLog n, split in masked chunks of degree &lt; n,
 *     committed with a random FRI mask polynomial. Challenge z in F_p2 \ F_p.</li>
 * <li>Round 4, openings: every committed polynomial at z and z omega ({@link dev.zkscope.pcs.Pcs#evaluate}).</li>
 * <li>Round 5, the commitment scheme's opening proof ({@link dev.zkscope.pcs.Pcs#open}): challenge alpha', FRI on
 *     the batched DEEP quotient sum_i alpha'^i (f_i(X) - f_i(z))/(X - z) + alpha'^(T+i) (f_i(X) - f_i(z omega))/(X -
 *     z omega) (eprint 2019/336), then grinding and the queries.</li>
 * </ol>
 * This package never touches a Merkle tree or FRI directly: it absorbs each batch's root when its round says so and
 * leaves the rest to {@link dev.zkscope.pcs.Pcs}; {@link dev.zkscope.plonk.ArgumentLayout} is the one place that picks the
 * scheme.
 */
package dev.zkscope.plonk;
