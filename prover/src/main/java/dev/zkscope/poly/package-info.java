/** Polynomials over Goldilocks in coefficient ({@link dev.zkscope.poly.Coeffs}) and evaluation ({@link dev.zkscope.poly.Evals}) form, and the NTT between them. */
package dev.zkscope.poly;
