package dev.zkscope.compile;

import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Poseidon2;

import java.security.SecureRandom;

/**
 * The private salts of hashed visibility, one per hashed thing, each {@link #LENGTH} canonical field elements (about
 * 256 bits): the first elements the circuit's sponge absorbs. The weights' salt is the model owner's secret, kept in
 * a file and reused, so that every proof carries the same commitment; a fresh random salt makes a commitment that
 * links to nothing and, the salt being secret, hides even a low-entropy input.
 */
public record Salts(long[] weights, long[] input, long[] output) {
    /** Field elements per salt. */
    public static final int LENGTH = 4;

    public Salts {
        weights = check(weights, "weights");
        input = check(input, "input");
        output = check(output, "output");
    }

    private static long[] check(long[] s, String what) {
        if (s.length != LENGTH) {
            throw new IllegalArgumentException("the " + what + " salt has " + LENGTH + " elements, got " + s.length);
        }
        for (long v : s) {
            if (!Goldilocks.isCanonical(v)) {
                throw new IllegalArgumentException("the " + what + " salt holds a value not below p");
            }
        }
        return s.clone();
    }

    /** Fresh salts from {@link SecureRandom}. */
    public static Salts random() {
        SecureRandom rnd = new SecureRandom();
        return new Salts(fresh(rnd), fresh(rnd), fresh(rnd));
    }

    /** One fresh salt: {@link #LENGTH} uniform field elements. */
    public static long[] fresh(SecureRandom rnd) {
        long[] s = new long[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            long v;
            do {
                v = rnd.nextLong();
            } while (!Goldilocks.isCanonical(v));
            s[i] = v;
        }
        return s;
    }

    public Salts withWeights(long[] s) {
        return new Salts(s, input, output);
    }

    public Salts withInput(long[] s) {
        return new Salts(weights, s, output);
    }

    public Salts withOutput(long[] s) {
        return new Salts(weights, input, s);
    }

    @Override
    public long[] weights() {
        return weights.clone();
    }

    @Override
    public long[] input() {
        return input.clone();
    }

    @Override
    public long[] output() {
        return output.clone();
    }

    /** A salt as the hex a salt file holds (as {@link Poseidon2#hex}). */
    public static String hex(long[] salt) {
        return Poseidon2.hex(salt);
    }

    /** Parses a salt written by {@link #hex}; an IllegalArgumentException says what is wrong. */
    public static long[] parse(String hex) {
        try {
            return Poseidon2.parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a salt is 64 hex digits (4 field elements): "
                    + e.getMessage().replace("a commitment is ", ""));
        }
    }
}
