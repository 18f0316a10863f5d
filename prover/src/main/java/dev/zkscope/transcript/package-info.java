/** The Fiat-Shamir transcript: absorbs everything sent, squeezes challenges, grinds proof-of-work. */
package dev.zkscope.transcript;
