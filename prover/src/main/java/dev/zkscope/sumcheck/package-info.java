/**
 * The second proof backend: sumcheck and GKR over multilinear extensions (Thaler's matrix-multiplication sumcheck for
 * linear layers, LogUp-GKR fractional sums for lookups), over Goldilocks with challenges in its quadratic extension,
 * with a Ligero-style tensor-code polynomial commitment (no trusted setup). See docs/sumcheck.md.
 */
package dev.zkscope.sumcheck;
