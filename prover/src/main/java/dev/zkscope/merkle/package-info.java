/** Merkle commitments over rows of many columns, with salted leaves for zero knowledge. */
package dev.zkscope.merkle;
