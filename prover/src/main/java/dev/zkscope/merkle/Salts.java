package dev.zkscope.merkle;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * The leaf salts of a hiding Merkle tree, 16 bytes per leaf, either given or derived: salt_i = AES_k(i) (the leaf
 * index as a 16-byte little-endian block) for a uniformly random 128-bit key k that never leaves the prover. AES is a
 * pseudorandom permutation, so the salts are indistinguishable from independent uniform ones, and a proof that
 * reveals some of them reveals nothing of the rest; the tree keeps 16 bytes instead of 16 per leaf.
 */
public final class Salts {
    private final byte[] explicit;
    private final SecretKeySpec key;
    private final ThreadLocal<Cipher> cipher;

    private Salts(byte[] explicit, byte[] key) {
        this.explicit = explicit;
        this.key = key == null ? null : new SecretKeySpec(key, "AES");
        this.cipher = key == null ? null : ThreadLocal.withInitial(this::newCipher);
    }

    /** Given salts: count * 16 bytes. */
    public static Salts of(byte[] bytes) {
        if (bytes.length % MerkleTree.SALT_BYTES != 0) {
            throw new IllegalArgumentException("salts come in blocks of " + MerkleTree.SALT_BYTES + " bytes");
        }
        return new Salts(bytes, null);
    }

    /** Salts derived from a random 16-byte key. */
    public static Salts fromKey(byte[] key) {
        if (key.length != 16) {
            throw new IllegalArgumentException("a salt key has 16 bytes, got " + key.length);
        }
        return new Salts(null, key.clone());
    }

    private Cipher newCipher() {
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available", e);
        }
    }

    /** The salts of leaves [from, from + count), 16 bytes each. */
    public byte[] range(int from, int count) {
        return strided(from, 1, count);
    }

    /** The salts of leaves from, from + stride, ..., count of them, 16 bytes each. */
    public byte[] strided(int from, int stride, int count) {
        if (explicit != null) {
            byte[] out = new byte[count * MerkleTree.SALT_BYTES];
            for (int i = 0; i < count; i++) {
                System.arraycopy(explicit, (from + i * stride) * MerkleTree.SALT_BYTES, out, i * MerkleTree.SALT_BYTES,
                        MerkleTree.SALT_BYTES);
            }
            return out;
        }
        byte[] blocks = new byte[count * MerkleTree.SALT_BYTES];
        for (int i = 0; i < count; i++) {
            int v = from + i * stride;
            int o = i * MerkleTree.SALT_BYTES;
            blocks[o] = (byte) v;
            blocks[o + 1] = (byte) (v >>> 8);
            blocks[o + 2] = (byte) (v >>> 16);
            blocks[o + 3] = (byte) (v >>> 24);
        }
        try {
            return cipher.get().doFinal(blocks);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES failed", e);
        }
    }
}
