package dev.zkscope.api;

import dev.zkscope.compile.CompiledModel;
import dev.zkscope.hash.Poseidon2;

/**
 * The public commitments of hashed visibility, read from a proof's public values (which the verifier checks, so the
 * proof binds them): each a 4-element Poseidon2 digest, or null when that tensor is not hashed.
 */
public record Commitments(long[] weights, long[] input, long[] output) {
    public static final Commitments NONE = new Commitments(null, null, null);

    /** The digests at the offsets of {@code layout} in signed public values. */
    public static Commitments of(CompiledModel.PublicLayout layout, long[] signedPublicValues) {
        return new Commitments(layout.digest(signedPublicValues, layout.weightsDigestAt()),
                layout.digest(signedPublicValues, layout.inputDigestAt()),
                layout.digest(signedPublicValues, layout.outputDigestAt()));
    }

    /** A digest in hex ({@link Poseidon2#hex}), or null. */
    public static String hex(long[] digest) {
        return digest == null ? null : Poseidon2.hex(digest);
    }
}
