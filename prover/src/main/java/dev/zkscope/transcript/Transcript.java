package dev.zkscope.transcript;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Hashing;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;

/**
 * The Fiat-Shamir transcript: a hash chain over everything the prover sends. Absorbed bytes are buffered; every
 * squeeze sets state = H(0x02 || state || buffer) and clears the buffer, so each challenge depends on the whole
 * history (circuit digest, public values, every commitment and evaluation sent before it), and two squeezes in a row
 * differ. Prover and verifier run the same sequence of calls.
 *
 * <p>A base-field challenge takes 16 bytes of state as a 128-bit integer reduced mod p (statistical distance from
 * uniform ~2^-64); an extension challenge is two of them. Proof-of-work grinding asks for a nonce whose hash with the
 * current state starts with {@code bits} zero bits; it costs the prover 2^bits hashes and a cheating prover the same
 * for every retry, which is what buys the grinding bits of conjectured security.
 */
public final class Transcript {
    private byte[] state;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public Transcript(String domain) {
        MessageDigest d = Hashing.newDigest();
        d.update(domain.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        state = d.digest();
    }

    public void absorb(byte[] bytes) {
        pending.writeBytes(bytes);
    }

    public void absorbLong(long v) {
        byte[] b = new byte[8];
        Hashing.putLong(b, 0, v);
        pending.writeBytes(b);
    }

    public void absorbLongs(long[] vs) {
        byte[] b = new byte[8 * vs.length];
        for (int i = 0; i < vs.length; i++) {
            Hashing.putLong(b, 8 * i, vs[i]);
        }
        pending.writeBytes(b);
    }

    public void absorb(Fp2 v) {
        absorbLong(v.c0());
        absorbLong(v.c1());
    }

    private void squeeze() {
        MessageDigest d = Hashing.newDigest();
        d.update((byte) 2);
        d.update(state);
        d.update(pending.toByteArray());
        pending.reset();
        state = d.digest();
    }

    public long challengeBase() {
        squeeze();
        long lo = Hashing.getLong(state, 0);
        long hi = Hashing.getLong(state, 8);
        return Goldilocks.fromUint128(hi, lo);
    }

    public Fp2 challengeExt() {
        long a = challengeBase();
        long b = challengeBase();
        return new Fp2(a, b);
    }

    /** A uniform index in [0, 2^bits). */
    public int challengeIndex(int bits) {
        squeeze();
        long v = Hashing.getLong(state, 0);
        return bits == 0 ? 0 : (int) (v >>> (64 - bits));
    }

    private boolean powOk(long nonce, int bits) {
        if (bits == 0) {
            return true;
        }
        MessageDigest d = Hashing.digest();
        d.update((byte) 3);
        d.update(state);
        byte[] b = new byte[8];
        Hashing.putLong(b, 0, nonce);
        d.update(b);
        byte[] h = d.digest();
        long top = 0;
        for (int i = 0; i < 8; i++) {
            top = (top << 8) | (h[i] & 0xFF);
        }
        return (top >>> (64 - bits)) == 0;
    }

    /** Prover: finds the smallest nonce with {@code bits} leading zero bits, absorbs and returns it. */
    public long grind(int bits) {
        squeeze();
        long nonce = 0;
        while (!powOk(nonce, bits)) {
            nonce++;
        }
        absorbLong(nonce);
        return nonce;
    }

    /** Verifier: checks the nonce and absorbs it (as {@link #grind} does). */
    public boolean checkGrind(long nonce, int bits) {
        squeeze();
        boolean ok = powOk(nonce, bits);
        absorbLong(nonce);
        return ok;
    }
}
