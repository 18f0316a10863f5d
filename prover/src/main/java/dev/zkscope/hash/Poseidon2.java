package dev.zkscope.hash;

import dev.zkscope.field.Goldilocks;

/**
 * Poseidon2 over Goldilocks, width 12, S-box x^7, 8 full and 22 partial rounds: the instance published with the paper
 * (Grassi, Khovratovich, Schofnegger, "Poseidon2: A Faster Version of the Poseidon Hash Function", eprint 2023/323)
 * in its reference implementation (HorizenLabs/poseidon2, {@code poseidon2_instance_goldilocks.rs}, constants
 * {@code RC12} and {@code MAT_DIAG12_M_1}); {@code Poseidon2Test} checks the permutation against that
 * implementation's known-answer test.
 *
 * <p>The permutation: x := M_E x; 4 full rounds; 22 partial rounds; 4 full rounds. A full round adds 12 round
 * constants, applies x^7 to every element and multiplies by the external matrix M_E = circ(2 M4, M4, M4) (M4 the
 * 4x4 MDS matrix of the paper, section 5.1); a partial round adds one constant to element 0, applies x^7 to element 0
 * only and multiplies by the internal matrix M_I = 1 + diag(DIAG_M_1) (all ones plus a diagonal).
 *
 * <p>The sponge ({@link #hash}) is what the circuit recomputes for hashed visibility; see its javadoc.
 */
public final class Poseidon2 {
    private Poseidon2() {}

    /** State width. */
    public static final int WIDTH = 12;
    /** Sponge rate: elements absorbed per permutation. */
    public static final int RATE = 8;
    /** Sponge capacity. */
    public static final int CAPACITY = 4;
    /** Full rounds in all (half before, half after the partial rounds). */
    public static final int FULL_ROUNDS = 8;
    /** Partial rounds. */
    public static final int PARTIAL_ROUNDS = 22;
    /** Elements of a digest (4 x 64 bits). */
    public static final int DIGEST = 4;

    /** Round constants of the 8 full rounds (4 before the partial rounds, 4 after), 12 per round. */
    static final long[][] FULL_RC = {
            {0x13dcf33aba214f46L, 0x30b3b654a1da6d83L, 0x1fc634ada6159b56L, 0x937459964dc03466L,
             0xedd2ef2ca7949924L, 0xede9affde0e22f68L, 0x8515b9d6bac9282dL, 0x6b5c07b4e9e900d8L,
             0x1ec66368838c8a08L, 0x9042367d80d1fbabL, 0x400283564a3c3799L, 0x4a00be0466bca75eL},
            {0x7913beee58e3817fL, 0xf545e88532237d90L, 0x22f8cb8736042005L, 0x6f04990e247a2623L,
             0xfe22e87ba37c38cdL, 0xd20e32c85ffe2815L, 0x117227674048fe73L, 0x4e9fb7ea98a6b145L,
             0xe0866c232b8af08bL, 0x00bbc77916884964L, 0x7031c0fb990d7116L, 0x240a9e87cf35108fL},
            {0x2e6363a5a12244b3L, 0x5e1c3787d1b5011cL, 0x4132660e2a196e8bL, 0x3a013b648d3d4327L,
             0xf79839f49888ea43L, 0xfe85658ebafe1439L, 0xb6889825a14240bdL, 0x578453605541382bL,
             0x4508cda8f6b63ce9L, 0x9c3ef35848684c91L, 0x0812bde23c87178cL, 0xfe49638f7f722c14L},
            {0x8e3f688ce885cbf5L, 0xb8e110acf746a87dL, 0xb4b2e8973a6dabefL, 0x9e714c5da3d462ecL,
             0x6438f9033d3d0c15L, 0x24312f7cf1a27199L, 0x23f843bb47acbf71L, 0x9183f11a34be9f01L,
             0x839062fbb9d45dbfL, 0x24b56e7e6c2e43faL, 0xe1683da61c962a72L, 0xa95c63971a19bfa7L},
            {0xc68be7c94882a24dL, 0xaf996d5d5cdaedd9L, 0x9717f025e7daf6a5L, 0x6436679e6e7216f4L,
             0x8a223d99047af267L, 0xbb512e35a133ba9aL, 0xfbbf44097671aa03L, 0xf04058ebf6811e61L,
             0x5cca84703fac7ffbL, 0x9b55c7945de6469fL, 0x8e05bf09808e934fL, 0x2ea900de876307d7L},
            {0x7748fff2b38dfb89L, 0x6b99a676dd3b5d81L, 0xac4bb7c627cf7c13L, 0xadb6ebe5e9e2f5baL,
             0x2d33378cafa24ae3L, 0x1e5b73807543f8c2L, 0x09208814bfebb10fL, 0x782e64b6bb5b93ddL,
             0xadd5a48eac90b50fL, 0xadd4c54c736ea4b1L, 0xd58dbb86ed817fd8L, 0x6d5ed1a533f34dddL},
            {0x28686aa3e36b7cb9L, 0x591abd3476689f36L, 0x047d766678f13875L, 0xa2a11112625f5b49L,
             0x21fd10a3f8304958L, 0xf9b40711443b0280L, 0xd2697eb8b2bde88eL, 0x3493790b51731b3fL,
             0x11caf9dd73764023L, 0x7acfb8f72878164eL, 0x744ec4db23cefc26L, 0x1e00e58f422c6340L},
            {0x21dd28d906a62ddaL, 0xf32a46ab5f465b5fL, 0xbfce13201f3f7e6bL, 0xf30d2e7adb5304e2L,
             0xecdf4ee4abad48e9L, 0xf94e82182d395019L, 0x4ee52e3744d887c5L, 0xa1341c7cac0083b2L,
             0x2302fb26c30c834aL, 0xaea3c587273bf7d3L, 0xf798e24961823ec7L, 0x962deba3e9a2cd94L},
    };

    /** Round constants of the 22 partial rounds (added to element 0 only). */
    static final long[] PARTIAL_RC = {
            0x4adf842aa75d4316L, 0xf8fbb871aa4ab4ebL, 0x68e85b6eb2dd6aebL, 0x07a0b06b2d270380L,
            0xd94e0228bd282de4L, 0x8bdd91d3250c5278L, 0x209c68b88bba778fL, 0xb5e18cdab77f3877L,
            0xb296a3e808da93faL, 0x8370ecbda11a327eL, 0x3f9075283775dad8L, 0xb78095bb23c6aa84L,
            0x3f36b9fe72ad4e5fL, 0x69bc96780b10b553L, 0x3f1d341f2eb7b881L, 0x4e939e9815838818L,
            0xda366b3ae2a31604L, 0xbc89db1e7287d509L, 0x6102f411f9ef5659L, 0x58725c5e7ac1f0abL,
            0x0df5856c798883e7L, 0xf7bb62a8da4c961bL,
    };

    /** The internal matrix is 1 + diag(DIAG_M_1): y_i = DIAG_M_1[i] * x_i + sum_j x_j. */
    static final long[] DIAG_M_1 = {
            0xc3b6c08e23ba9300L, 0xd84b5de94a324fb6L, 0x0d0c371c5b35b84fL, 0x7964f570e7188037L,
            0x5daf18bbd996604bL, 0x6743bc47b9595257L, 0x5528b9362c59bb70L, 0xac45e25b7127b68bL,
            0xa2077d7dfbb606b5L, 0xf3faac6faee378aeL, 0x0c6388b51545e883L, 0xd27dbb6944917b60L,
    };

    /** Full round constant {@code i} of full round {@code round} (0..7; rounds 0-3 come before the partial rounds). */
    public static long fullRoundConstant(int round, int i) {
        return FULL_RC[round][i];
    }

    /** The constant of partial round {@code round} (0..21). */
    public static long partialRoundConstant(int round) {
        return PARTIAL_RC[round];
    }

    /** Diagonal entry i of the internal matrix minus one. */
    public static long internalDiagMinus1(int i) {
        return DIAG_M_1[i];
    }

    /** Entry (row, col) of the external matrix M_E = circ(2 M4, M4, M4), a small integer. */
    public static long externalEntry(int row, int col) {
        long m = M4[row % 4][col % 4];
        return row / 4 == col / 4 ? 2 * m : m;
    }

    /** The 4x4 MDS matrix of Poseidon2's external layer (eprint 2023/323, section 5.1). */
    private static final long[][] M4 = {{5, 7, 1, 3}, {4, 6, 1, 1}, {1, 3, 5, 7}, {1, 1, 4, 6}};

    /** x^7 = x * (x^3)^2. */
    public static long sbox(long x) {
        long x3 = Goldilocks.mul(Goldilocks.square(x), x);
        return Goldilocks.mul(Goldilocks.square(x3), x);
    }

    /** s := M_E s, computed with the additions of the paper (M4 on each quarter, then the column sums added). */
    public static void externalLinear(long[] s) {
        for (int q = 0; q < WIDTH; q += 4) {
            long a = s[q];
            long b = s[q + 1];
            long c = s[q + 2];
            long d = s[q + 3];
            long t0 = Goldilocks.add(a, b);
            long t1 = Goldilocks.add(c, d);
            long t2 = Goldilocks.add(Goldilocks.add(b, b), t1);
            long t3 = Goldilocks.add(Goldilocks.add(d, d), t0);
            long t4 = Goldilocks.add(Goldilocks.mulByPow2(t1, 2), t3);
            long t5 = Goldilocks.add(Goldilocks.mulByPow2(t0, 2), t2);
            s[q] = Goldilocks.add(t3, t5);
            s[q + 1] = t5;
            s[q + 2] = Goldilocks.add(t2, t4);
            s[q + 3] = t4;
        }
        for (int l = 0; l < 4; l++) {
            long sum = Goldilocks.add(Goldilocks.add(s[l], s[4 + l]), s[8 + l]);
            s[l] = Goldilocks.add(s[l], sum);
            s[4 + l] = Goldilocks.add(s[4 + l], sum);
            s[8 + l] = Goldilocks.add(s[8 + l], sum);
        }
    }

    /** s := M_I s = DIAG_M_1 * s + sum(s). */
    public static void internalLinear(long[] s) {
        long sum = 0;
        for (long v : s) {
            sum = Goldilocks.add(sum, v);
        }
        for (int i = 0; i < WIDTH; i++) {
            s[i] = Goldilocks.add(Goldilocks.mul(s[i], DIAG_M_1[i]), sum);
        }
    }

    /** One full round (index 0..7): add constants, x^7 on every element, M_E. */
    public static void fullRound(long[] s, int round) {
        long[] rc = FULL_RC[round];
        for (int i = 0; i < WIDTH; i++) {
            s[i] = sbox(Goldilocks.add(s[i], rc[i]));
        }
        externalLinear(s);
    }

    /** One partial round (index 0..21): add the constant to element 0, x^7 on element 0, M_I. */
    public static void partialRound(long[] s, int round) {
        s[0] = sbox(Goldilocks.add(s[0], PARTIAL_RC[round]));
        internalLinear(s);
    }

    /** The permutation, in place on 12 canonical field elements. */
    public static void permute(long[] s) {
        if (s.length != WIDTH) {
            throw new IllegalArgumentException("Poseidon2 state has " + WIDTH + " elements, got " + s.length);
        }
        externalLinear(s);
        for (int r = 0; r < FULL_ROUNDS / 2; r++) {
            fullRound(s, r);
        }
        for (int r = 0; r < PARTIAL_ROUNDS; r++) {
            partialRound(s, r);
        }
        for (int r = FULL_ROUNDS / 2; r < FULL_ROUNDS; r++) {
            fullRound(s, r);
        }
    }

    /**
     * Domain tags of the sponge (the capacity's first element holds it): weights apart from activations. An input
     * and an output share one tag on purpose, so that a tensor committed as one circuit's output (or a segment's
     * boundary) with a salt has the same commitment as the same integers committed as the next circuit's input with
     * that salt: two proofs chain by comparing the two public values.
     */
    public static final long DOMAIN_WEIGHTS = 1;
    public static final long DOMAIN_INPUT = 2;
    public static final long DOMAIN_OUTPUT = DOMAIN_INPUT;

    /** Number of permutations {@link #hash} runs for a salt and {@code n} values. */
    public static int permutations(int saltLength, long n) {
        long total = saltLength + n;
        return (int) Math.max(1, (total + RATE - 1) / RATE);
    }

    /**
     * The sponge: a 4-element digest of {@code salt || values}, in overwrite mode with rate 8 and capacity 4.
     * <ul>
     *   <li>Initial state: rate all zero; capacity (domain, n, 0, 0), where domain separates what is hashed
     *       ({@link #DOMAIN_WEIGHTS}, or {@link #DOMAIN_INPUT} = {@link #DOMAIN_OUTPUT}) and n = salt length + number of
     *       values, the message length.</li>
     *   <li>Absorbing: the message (salt first, then the values, each a canonical field element) is cut into blocks
     *       of 8; the last block is padded with zeros. Each block overwrites the rate part of the state, then the
     *       state is permuted. Because the length is in the initial capacity, zero padding is injective.</li>
     *   <li>Digest: the first 4 elements of the final state.</li>
     * </ul>
     * An empty message still runs one permutation (on one all-zero block).
     */
    public static long[] hash(long domain, long[] salt, long[] values) {
        long n = (long) salt.length + values.length;
        long[] s = new long[WIDTH];
        s[RATE] = domain;
        s[RATE + 1] = n;
        int perms = permutations(salt.length, values.length);
        for (int p = 0; p < perms; p++) {
            for (int j = 0; j < RATE; j++) {
                long k = (long) p * RATE + j;
                s[j] = k < salt.length ? salt[(int) k] : k < n ? values[(int) (k - salt.length)] : 0;
            }
            permute(s);
        }
        return java.util.Arrays.copyOf(s, DIGEST);
    }

    /** A digest as 64 hex digits (4 elements, each as 16 big-endian hex digits). */
    public static String hex(long[] digest) {
        StringBuilder sb = new StringBuilder();
        for (long v : digest) {
            sb.append(String.format("%016x", v));
        }
        return sb.toString();
    }

    /**
     * Parses 64 hex digits (as {@link #hex} writes them) into 4 canonical elements.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static long[] parseHex(String hex) {
        String h = hex.trim();
        if (h.startsWith("0x") || h.startsWith("0X")) {
            h = h.substring(2);
        }
        if (h.length() != 16 * DIGEST || !h.matches("[0-9a-fA-F]+")) {
            throw new IllegalArgumentException("a commitment is " + 16 * DIGEST + " hex digits, got \"" + hex + "\"");
        }
        long[] out = new long[DIGEST];
        for (int i = 0; i < DIGEST; i++) {
            out[i] = Long.parseUnsignedLong(h.substring(16 * i, 16 * i + 16), 16);
            if (!Goldilocks.isCanonical(out[i])) {
                throw new IllegalArgumentException("commitment element " + i + " is not below p = 2^64 - 2^32 + 1");
            }
        }
        return out;
    }
}
