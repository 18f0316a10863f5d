package dev.zkscope.hash;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one hash of the proof system: the JDK's SHA-256. Chosen by measurement on this machine (STACK.md, and
 * BENCHMARKS.md "Proof system"): with the CPU's SHA extensions the JDK digest runs at ~1.1 GB/s, against ~330 MB/s
 * for BouncyCastle's Blake3, ~210 MB/s for Keccak-256 and ~145 MB/s for BouncyCastle's SHA-256. Its name is written
 * in the proof header, so a proof made with another hash is rejected, not misread.
 *
 * <p>Domain separation: a leaf is H(0x00 || salt || values), an internal node H(0x01 || left || right), transcript
 * states use tags 0x02.., so no leaf can be passed off as a node (second-preimage attacks on the tree).
 */
public final class Hashing {
    public static final String NAME = "SHA-256";
    public static final int DIGEST_BYTES = 32;
    /** Domain-separation tags: Merkle leaves, Merkle nodes (transcript states use 0x02..). */
    public static final byte LEAF_TAG = 0;
    public static final byte NODE_TAG = 1;

    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Hashing::newDigest);

    private Hashing() {}

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(NAME);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + NAME, e);
        }
    }

    /** The calling thread's digest, reset. */
    public static MessageDigest digest() {
        MessageDigest d = DIGEST.get();
        d.reset();
        return d;
    }

    /** A little-endian long view of byte arrays: one store per long (Java 17's JIT does not merge byte stores). */
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Writes v little-endian into b at offset off. */
    public static void putLong(byte[] b, int off, long v) {
        LONG_LE.set(b, off, v);
    }

    public static long getLong(byte[] b, int off) {
        return (long) LONG_LE.get(b, off);
    }
}
