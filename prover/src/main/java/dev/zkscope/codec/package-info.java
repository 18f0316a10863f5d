/**
 * The canonical byte encoding shared by proofs, opening proofs and verifying keys: little-endian u8/u16/u32/u64,
 * Goldilocks elements as canonical u64s (a non-canonical one is malformed, so every value has one encoding),
 * F_p2 elements as two of them, strings as a u16 length and canonical UTF-8. A reader never throws anything but
 * {@link dev.zkscope.codec.Malformed}, which names the section being read.
 */
package dev.zkscope.codec;
