package dev.zkscope.plonk;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Gate;
import dev.zkscope.circuit.Lookup;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Hashing;
import dev.zkscope.plonk.AuditSupportTest.Forge;
import dev.zkscope.plonk.AuditSupportTest.Hooks;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.zkscope.plonk.AuditSupportTest.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Decoding, parameters and keys: non-canonical field elements at every kind of position, length fields set to
 * allocation bombs, downgrade to weaker parameters, a proof re-labelled for another circuit, public values that alias
 * mod p, and verifying keys that do not describe a valid circuit.
 */
class AuditParsingKeysTest {
    static final ProofParameters P = ProofParameters.testing();
    static TestCircuits.Instance inst;
    static ProvingKey pk;
    static Proof proof;
    static byte[] bytes;

    @BeforeAll
    static void setUp() {
        inst = TestCircuits.random(701, 5, P.reservedRows());
        pk = ProofSystem.keygen(inst.circuit(), P);
        proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        bytes = proof.toBytes();
        assertThat(verify(bytes).accepted()).isTrue();
    }

    static VerifyResult verify(byte[] b) {
        return ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), b);
    }

    static void putU64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static void putU32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Offsets of the proof's sections, computed from the documented format. */
    record Offsets(int tCount, int evals, int rounds, int finalLen, int finalPoly, int nonce, int queryCount, int firstRow,
                   int firstFriLeaf) { }

    static Offsets offsets() {
        ByteWriter w = new ByteWriter();
        w.bytes(Proof.MAGIC).u16(Proof.VERSION).string(Hashing.NAME);
        VerifyingKey.writeParams(w, P);
        w.bytes(proof.circuitDigest).u8(proof.logN);
        int off = w.toBytes().length;
        ArgumentLayout lay = pk.layout;
        for (int t = 1; t < ArgumentLayout.TREES; t++) {
            if (lay.present(t)) {
                off += Hashing.DIGEST_BYTES;
            }
        }
        int[][] cols = lay.openings();
        int tCount = off;
        int evals = off + 4;
        int rounds = evals + 16 * cols[0].length + 4 + 16 * cols[1].length;
        int nr = lay.friConfig().rounds().length;
        int finalLen = rounds + 1 + nr * Hashing.DIGEST_BYTES;
        int finalPoly = finalLen + 4;
        int nonce = finalPoly + 16 * (1 << lay.friConfig().logFinalLen());
        int queryCount = nonce + 8;
        int firstRow = queryCount + 2;
        int firstFriLeaf = firstRow;
        for (int t = 0; t < ArgumentLayout.TREES; t++) {
            if (lay.present(t)) {
                firstFriLeaf += 8 * lay.widths[t] + (t == ArgumentLayout.FIXED ? 0 : MerkleTreeSalt.BYTES);
            }
        }
        return new Offsets(tCount, evals, rounds, finalLen, finalPoly, nonce, queryCount, firstRow, firstFriLeaf);
    }

    static final class MerkleTreeSalt {
        static final int BYTES = dev.zkscope.pcs.FriConfig.SALT_BYTES;
    }

    @Test
    void offsets_matchTheProof() {
        Offsets o = offsets();
        assertThat(Integer.toUnsignedLong(readU32(bytes, o.tCount()))).isEqualTo(pk.layout.openings()[0].length);
        assertThat(bytes[o.rounds()]).isEqualTo((byte) pk.layout.friConfig().rounds().length);
        assertThat(readU32(bytes, o.finalLen())).isEqualTo(1 << pk.layout.friConfig().logFinalLen());
        assertThat(readU64(bytes, o.nonce())).isEqualTo(proof.opening.powNonce());
        assertThat((bytes[o.queryCount()] & 0xFF) | (bytes[o.queryCount() + 1] & 0xFF) << 8).isEqualTo(P.numQueries());
        assertThat(readU64(bytes, o.firstRow())).isEqualTo(proof.opening.queries()[0].batches()[0].row()[0]);
        assertThat(readU64(bytes, o.firstFriLeaf())).isEqualTo(proof.opening.queries()[0].friLeaves()[0][0]);
    }

    static int readU32(byte[] b, int off) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (b[off + i] & 0xFF) << (8 * i);
        }
        return v;
    }

    static long readU64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) (b[off + i] & 0xFF) << (8 * i);
        }
        return v;
    }

    /** p itself, p + x for the aliases of small x, and 2^64 - 1, at each kind of field-element position. */
    @Test
    void nonCanonicalFieldElements_areRejectedEverywhere() {
        Offsets o = offsets();
        int[] positions = {o.evals(), o.evals() + 8, o.rounds() - 8, o.finalPoly(), o.finalPoly() + 8, o.firstRow(),
                o.firstFriLeaf()};
        for (int pos : positions) {
            long v = readU64(bytes, pos);
            List<Long> bad = new ArrayList<>(List.of(Goldilocks.P, -1L, Goldilocks.P + 5));
            if (Long.compareUnsigned(v, -1L - Goldilocks.P) <= 0) {
                bad.add(v + Goldilocks.P); // the alias of the genuine value
            }
            for (long x : bad) {
                byte[] b = bytes.clone();
                putU64(b, pos, x);
                VerifyError e = rejection(verify(b));
                assertThat(e).as("offset " + pos).isInstanceOf(VerifyError.MalformedProof.class);
            }
        }
    }

    /** Count fields set to huge values are refused before any allocation, as typed errors. */
    @Test
    void lengthFields_areBoundedByTheKey() {
        Offsets o = offsets();
        for (int v : new int[] {Integer.MAX_VALUE, -1, pk.layout.totalColumns + 1, 0}) {
            byte[] b = bytes.clone();
            putU32(b, o.tCount(), v);
            assertThat(rejection(verify(b))).isInstanceOf(VerifyError.MalformedProof.class);
            b = bytes.clone();
            putU32(b, o.finalLen(), v);
            assertThat(rejection(verify(b))).isInstanceOf(VerifyError.MalformedProof.class);
        }
        for (int v : new int[] {0, 255, pk.layout.friConfig().rounds().length + 1}) {
            byte[] b = bytes.clone();
            b[o.rounds()] = (byte) v;
            assertThat(rejection(verify(b))).isInstanceOf(VerifyError.MalformedProof.class);
        }
        for (int v : new int[] {0, 1, 0xFFFF, P.numQueries() - 1}) {
            byte[] b = bytes.clone();
            b[o.queryCount()] = (byte) v;
            b[o.queryCount() + 1] = (byte) (v >>> 8);
            assertThat(rejection(verify(b))).isInstanceOf(VerifyError.MalformedProof.class);
        }
    }

    /**
     * Downgrade: a proof made under weaker parameters (one query, no grinding, same preset name) for the same circuit,
     * presented to the testing key; also with its header rewritten to claim the key's parameters and digest.
     */
    @Test
    void weakerParameters_areNotAccepted() {
        ProofParameters weak = new ProofParameters(P.name(), P.logBlowup(), 1, 0, P.logFoldingArity(),
                P.logFinalPolyLen(), true);
        assertThat(weak.reservedRows()).isLessThanOrEqualTo(P.reservedRows());
        ProvingKey wpk = ProofSystem.keygen(inst.circuit(), weak);
        Proof wp = ProofSystem.prove(wpk, inst.witness(), PhaseListener.NONE);
        assertThat(ProofSystem.verify(wpk.verifyingKey(), inst.witness().instance(), wp.toBytes()).accepted()).isTrue();
        assertThat(rejection(verify(wp.toBytes()))).isInstanceOf(VerifyError.ParametersMismatch.class);
        Proof relabelled = wp.with(P, pk.verifyingKey().circuitDigest(), wp.opening);
        assertThat(rejection(verify(relabelled.toBytes()))).isInstanceOf(VerifyError.MalformedProof.class);
    }

    /**
     * A proof for circuit A, re-labelled with the digest of circuit B (same name, shape and constraints; one table
     * entry differs, so only the fixed-column root differs), does not verify under B's key.
     */
    @Test
    void proofForOneCircuit_doesNotVerifyUnderAnotherKey() {
        Circuit a = inst.circuit();
        long[][] fixed = TestCircuits.copy(a.fixed());
        fixed[4][a.usableRows() - 1] = Goldilocks.add(fixed[4][a.usableRows() - 1], 1000);
        Circuit b = new Circuit(a.name(), a.logN(), a.usableRows(), a.numAdvice(), a.numInstance(), fixed, a.gates(),
                a.lookups(), a.copies(), a.regions());
        ProvingKey bk = ProofSystem.keygen(b, P);
        assertThat(bk.verifyingKey().circuitDigest()).isNotEqualTo(pk.verifyingKey().circuitDigest());
        assertThat(bk.verifyingKey().constraintSystem()).isEqualTo(pk.verifyingKey().constraintSystem());
        assertThat(rejection(ProofSystem.verify(bk.verifyingKey(), inst.witness().instance(), bytes)))
                .isInstanceOf(VerifyError.CircuitDigestMismatch.class);
        Proof relabelled = proof.with(P, bk.verifyingKey().circuitDigest(), proof.opening);
        rejection(ProofSystem.verify(bk.verifyingKey(), inst.witness().instance(), relabelled.toBytes()));
        // The forge, told to use A's proving data but B's digest in its transcript, is rejected as well.
        Proof forged = new Forge(pk, 3, new Hooks()).prove(inst.witness());
        Proof forgedRelabelled = forged.with(P, bk.verifyingKey().circuitDigest(), forged.opening);
        rejection(ProofSystem.verify(bk.verifyingKey(), inst.witness().instance(), forgedRelabelled.toBytes()));
    }

    /** Public values: no aliasing mod p, no extra rows or columns, no nulls. */
    @Test
    void publicValues_areCanonicalAndShaped() {
        long[][] pub = TestCircuits.copy(inst.witness().instance());
        int row = 1;
        long v = pub[0][row];
        assertThat(v).isNotZero();
        if (Long.compareUnsigned(v, -1L - Goldilocks.P) <= 0) {
            pub[0][row] = v + Goldilocks.P;
            assertThat(rejection(ProofSystem.verify(pk.verifyingKey(), pub, bytes)))
                    .isInstanceOf(VerifyError.PublicValuesMismatch.class);
        }
        long[][] alias = TestCircuits.copy(inst.witness().instance());
        alias[0][pk.layout.n - 1] = Goldilocks.P; // the alias of zero on an unused row
        assertThat(rejection(ProofSystem.verify(pk.verifyingKey(), alias, bytes))).isInstanceOf(VerifyError.PublicValuesMismatch.class);
        long[][] longer = {java.util.Arrays.copyOf(inst.witness().instance()[0], pk.layout.n + 1)};
        assertThat(rejection(ProofSystem.verify(pk.verifyingKey(), longer, bytes))).isInstanceOf(VerifyError.PublicValuesMismatch.class);
        long[][] extra = {inst.witness().instance()[0], new long[0]};
        assertThat(rejection(ProofSystem.verify(pk.verifyingKey(), extra, bytes))).isInstanceOf(VerifyError.PublicValuesMismatch.class);
        assertThat(rejection(ProofSystem.verify(pk.verifyingKey(), new long[][] {null}, bytes))).isInstanceOf(VerifyError.PublicValuesMismatch.class);
        assertThat(rejection(ProofSystem.verify(pk.verifyingKey(), null, bytes))).isInstanceOf(VerifyError.PublicValuesMismatch.class);
    }

    /** An expected public commitment cannot be satisfied by a key that commits no columns apart. */
    @Test
    void expectedCommitment_withoutCommittedColumns_isRejected() {
        byte[] someRoot = new byte[32];
        VerifyResult r = ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), bytes, someRoot);
        assertThat(rejection(r)).isInstanceOf(VerifyError.CommitmentMismatch.class);
    }

    /** Verifying keys naming columns that do not exist, or tables over advice, do not load. */
    @Test
    void malformedVerifyingKeys_doNotLoad() {
        ConstraintSystem cs = pk.verifyingKey().constraintSystem();
        byte[] root = pk.verifyingKey().fixedRoot();
        List<ConstraintSystem> bad = new ArrayList<>();
        bad.add(new ConstraintSystem(cs.name(), cs.logN(), cs.usableRows(), cs.numFixed(), cs.numAdvice(), cs.numInstance(),
                cs.gates(), cs.lookups(), List.of(Column.advice(cs.numAdvice())), List.of()));
        bad.add(new ConstraintSystem(cs.name(), cs.logN(), cs.usableRows(), cs.numFixed(), cs.numAdvice(), cs.numInstance(),
                List.of(new Gate("ghost", Column.fixed(cs.numFixed()).cur())), cs.lookups(), cs.equalityColumns(), List.of()));
        bad.add(new ConstraintSystem(cs.name(), cs.logN(), cs.usableRows(), cs.numFixed(), cs.numAdvice(), cs.numInstance(),
                List.of(new Gate("ghost", Column.instance(cs.numInstance()).next())), cs.lookups(), cs.equalityColumns(), List.of()));
        bad.add(new ConstraintSystem(cs.name(), cs.logN(), cs.usableRows() + (1 << cs.logN()), cs.numFixed(), cs.numAdvice(),
                cs.numInstance(), cs.gates(), cs.lookups(), cs.equalityColumns(), List.of()));
        bad.add(new ConstraintSystem(cs.name(), cs.logN(), (1 << cs.logN()) - 1, cs.numFixed(), cs.numAdvice(),
                cs.numInstance(), cs.gates(), cs.lookups(), cs.equalityColumns(), List.of()));
        for (ConstraintSystem b : bad) {
            byte[] vk = new VerifyingKey(b, P, root).toBytes();
            assertThatThrownBy(() -> VerifyingKey.fromBytes(vk)).as(b.toString()).isInstanceOf(VerifyingKey.FormatException.class);
        }
        // A lookup table over an advice column, spliced into an encoded key, is refused too.
        Lookup advTable = new Lookup("x", List.of(Column.advice(0).cur()), List.of(Column.fixed(0).cur()));
        ConstraintSystem withLookup = new ConstraintSystem(cs.name(), cs.logN(), cs.usableRows(), cs.numFixed(), cs.numAdvice(),
                cs.numInstance(), cs.gates(), List.of(advTable), cs.equalityColumns(), List.of());
        byte[] vk = new VerifyingKey(withLookup, P, root).toBytes();
        // Swap the table's column kind from FIXED (0) to ADVICE (1): find "u8(1) u8(0) u32(0) u8(0)" after the inputs.
        ByteWriter tw = new ByteWriter();
        Codec.expr(Codec.expr(tw, Column.advice(0).cur()), Column.fixed(0).cur());
        byte[] pattern = tw.toBytes();
        int at = indexOf(vk, pattern);
        assertThat(at).isPositive();
        vk[at + pattern.length - 6] = 1;
        assertThatThrownBy(() -> VerifyingKey.fromBytes(vk)).isInstanceOf(VerifyingKey.FormatException.class);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Challenge sampling reduces arbitrary 128-bit values (not only products) correctly after the branch-free rewrite. */
    @Test
    void fromUint128_matchesBigIntegerOnArbitraryInputs() {
        BigInteger p = new BigInteger(Long.toUnsignedString(Goldilocks.P));
        SplittableRandom rnd = new SplittableRandom(5);
        long[] edges = {0, 1, -1L, Goldilocks.P, Goldilocks.P - 1, 0xFFFF_FFFFL, 0x1_0000_0000L, Long.MIN_VALUE,
                Long.MAX_VALUE, 0xFFFF_FFFF_0000_0000L, 0xFFFF_FFFE_FFFF_FFFFL};
        List<long[]> cases = new ArrayList<>();
        for (long h : edges) {
            for (long l : edges) {
                cases.add(new long[] {h, l});
            }
        }
        for (int i = 0; i < 20000; i++) {
            cases.add(new long[] {rnd.nextLong(), rnd.nextLong()});
        }
        for (long[] c : cases) {
            BigInteger v = new BigInteger(Long.toUnsignedString(c[0])).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(c[1])));
            assertThat(new BigInteger(Long.toUnsignedString(Goldilocks.fromUint128(c[0], c[1]))))
                    .as(Long.toHexString(c[0]) + ":" + Long.toHexString(c[1])).isEqualTo(v.mod(p));
        }
    }

    /**
     * FINDING (info, hardening): a key whose extension domain exceeds 2^30 points (logN + logBlowup > 30) loads,
     * although no such key can be generated (MerkleTree.build takes an int leaf count) and the verifier computes
     * 1 << logLde and int query indices, which wrap for logLde > 30. ArgumentLayout should refuse logN + logBlowup > 30.
     */
    @Test
    void keysBeyondIntIndexing_doNotLoad() {
        ProofParameters high = new ProofParameters("wide", 6, 1, 0, 1, 0, false);
        ConstraintSystem cs = new ConstraintSystem("wide", 28, 1 << 28, 0, 1, 0, List.of(), List.of(), List.of(), List.of());
        byte[] vk = new VerifyingKey(cs, high, new byte[32]).toBytes();
        assertThatThrownBy(() -> VerifyingKey.fromBytes(vk)).isInstanceOf(VerifyingKey.FormatException.class);
    }
}
