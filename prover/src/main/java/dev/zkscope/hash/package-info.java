/** The one hash of the proof system (named in the proof header), shared by Merkle trees, transcript and keys. */
package dev.zkscope.hash;
