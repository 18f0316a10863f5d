/**
 * The polynomial commitment scheme between the Plonkish argument ({@code plonk}) and the low-degree test
 * ({@code fri}, {@code merkle}): {@link dev.zkscope.pcs.Pcs} is all that the argument sees, {@code FriPcs} its one
 * implementation (obtained from {@link dev.zkscope.pcs.Pcs#fri}).
 *
 * <h2>What is committed</h2>
 * A batch is a set of columns f_1..f_w of degree &lt; n (given by their values on the trace domain H = &lt;omega_n&gt;,
 * or by coefficients). Each is extended to the coset D = g &lt;omega_N&gt;, N = n 2^logBlowup, g the field's
 * generator (so D and H are disjoint), and one Merkle tree is built over the N rows (f_1(x), ..., f_w(x)), x in D:
 * the root commits to the whole batch, and one authentication path opens all its columns at a point.
 *
 * <h2>Opening: DEEP quotients batched into one FRI</h2>
 * To show f_i(z_p) = v_(p,i) for every column of every batch and every point z_p (here z and z omega, in F_p2 outside
 * D), the prover absorbs the claimed values, draws alpha and runs FRI on
 * F(X) = sum_p alpha^(pT) sum_i alpha^i (f_i(X) - v_(p,i)) / (X - z_p). Each term is a polynomial of degree &lt; n - 1
 * exactly when its claim is true (X - z_p divides f_i(X) - f_i(z_p)); a false claim makes the term a rational function,
 * and a random alpha keeps it from cancelling (DEEP-ALI, Ben-Sasson, Goldberg, Kopparty, Saraf, eprint 2019/336;
 * batching as in ethSTARK, eprint 2021/582). FRI (eprint 2017/134) tests F for low degree; each of its queries at
 * x in D opens every batch's row at x, from which the verifier recomputes F(x) and compares it with FRI's first layer.
 * Soundness (the usual conjecture): about logBlowup bits per query, plus the grinding bits.
 *
 * <h2>Hiding</h2>
 * Merkle roots are binding but not hiding: with leaves H(row), anyone can test a guess of an unopened row against the
 * root. With zero knowledge on, every leaf of a batch committed while proving is H(0x00 || salt || row) with 16 fresh
 * random bytes of salt, so the root and the paths of opened leaves reveal nothing about the other rows; a row opened
 * at a query is revealed with its salt, which is why the argument above blinds its columns with enough randomness
 * (numQueries + 4 coefficients per column) to cover the queried rows and the out-of-domain values. Preprocessed
 * batches (the fixed columns, public anyway) are never salted, so their root is a deterministic part of the key.
 */
package dev.zkscope.pcs;
