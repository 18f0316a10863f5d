/** Merkle commitments over rows of many columns, with salted leaves for zero knowledge; the hash choice. */
package dev.zkscope.merkle;
