package dev.zkscope.plonk;

import dev.zkscope.field.Goldilocks;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * The prover's randomness for zero knowledge (blinding rows, quotient masks, leaf salts): AES-128 in counter mode
 * keyed from {@link SecureRandom}, a standard CSPRNG construction that runs at gigabytes per second with AES-NI,
 * where SecureRandom alone would dominate the cost of salting millions of leaves.
 */
final class Rng {
    private final Cipher cipher;

    Rng() {
        this(freshSeed());
    }

    /** A deterministic stream from a secret seed: AES key and counter block from SHA-256 of the seed. */
    Rng(byte[] seed) {
        byte[] h = dev.zkscope.hash.Hashing.newDigest().digest(seed);
        byte[] key = java.util.Arrays.copyOfRange(h, 0, 16);
        byte[] iv = java.util.Arrays.copyOfRange(h, 16, 32);
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR unavailable", e);
        }
    }

    private static byte[] freshSeed() {
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        return s;
    }

    synchronized byte[] bytes(int count) {
        return cipher.update(new byte[count]);
    }

    /** Uniform field elements (16 random bytes reduced mod p each). */
    long[] felts(int count) {
        byte[] b = bytes(16 * count);
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = Goldilocks.fromUint128(dev.zkscope.hash.Hashing.getLong(b, 16 * i + 8),
                    dev.zkscope.hash.Hashing.getLong(b, 16 * i));
        }
        return out;
    }
}
