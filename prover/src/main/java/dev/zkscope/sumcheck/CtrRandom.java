package dev.zkscope.sumcheck;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Random;

/**
 * The sumcheck prover's randomness (row pads, masking and blinding rows, leaf salts, sumcheck masks): AES-256 in
 * counter mode keyed from {@link SecureRandom}, the construction the Plonkish prover's randomness uses. The OS's
 * generator alone reads the kernel's pool under a lock for every 8 bytes: it took about a fifth of a LeNet-5 proof's
 * samples (the commitments draw about a million field elements, serially). A {@link Random} so that tests can still
 * hand the prover a seeded generator; this one cannot be seeded ({@link #setSeed} is ignored).
 */
final class CtrRandom extends Random {
    private static final long serialVersionUID = 1L;
    private static final int BLOCK = 8192;

    private final transient Cipher cipher;
    private final byte[] zeros = new byte[BLOCK];
    private final byte[] buf = new byte[BLOCK];
    private int pos = BLOCK;

    CtrRandom() {
        super(0L);
        byte[] key = new byte[32];
        byte[] iv = new byte[16];
        SecureRandom os = new SecureRandom();
        os.nextBytes(key);
        os.nextBytes(iv);
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR unavailable", e);
        }
    }

    /** Ignored: the stream is keyed from the OS's generator once (Random's constructor calls this). */
    @Override
    public synchronized void setSeed(long seed) {
        // not seedable
    }

    private void refill() {
        try {
            cipher.update(zeros, 0, BLOCK, buf, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        pos = 0;
    }

    @Override
    public synchronized long nextLong() {
        if (pos + 8 > BLOCK) {
            refill();
        }
        long v = dev.zkscope.hash.Hashing.getLong(buf, pos);
        pos += 8;
        return v;
    }

    /**
     * Uniform field elements into out[from, to): 64-bit words read straight from the key stream, a non-canonical word
     * (probability about 2^-32) skipped, as {@link TensorPcs#randomFelt} does word by word.
     */
    synchronized void felts(long[] out, int from, int to) {
        int i = from;
        while (i < to) {
            if (pos + 8 > BLOCK) {
                refill();
            }
            int n = Math.min(to - i, (BLOCK - pos) >>> 3);
            for (int k = 0; k < n; k++) {
                long v = dev.zkscope.hash.Hashing.getLong(buf, pos);
                pos += 8;
                if (dev.zkscope.field.Goldilocks.isCanonical(v)) {
                    out[i++] = v;
                }
            }
        }
    }

    @Override
    protected synchronized int next(int bits) {
        if (pos + 4 > BLOCK) {
            refill();
        }
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v >>> (32 - bits);
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
        int i = 0;
        while (i < out.length) {
            if (pos == BLOCK) {
                refill();
            }
            int n = Math.min(BLOCK - pos, out.length - i);
            System.arraycopy(buf, pos, out, i, n);
            pos += n;
            i += n;
        }
    }
}
