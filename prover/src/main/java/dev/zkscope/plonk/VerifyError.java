package dev.zkscope.plonk;

/** Why a proof was rejected: the failed check, with expected and actual values where there are any. */
public sealed interface VerifyError {
    String describe();

    record MalformedProof(String section, String reason) implements VerifyError {
        public String describe() { return "malformed proof (" + section + "): " + reason; }
    }

    record WrongVersion(int expected, int actual) implements VerifyError {
        public String describe() { return "proof format version " + actual + ", this verifier reads " + expected; }
    }

    record HashMismatch(String expected, String actual) implements VerifyError {
        public String describe() { return "proof hashed with " + actual + ", expected " + expected; }
    }

    record ParametersMismatch(String expected, String actual) implements VerifyError {
        public String describe() { return "proof parameters " + actual + " differ from the verifying key's " + expected; }
    }

    record CircuitDigestMismatch(String expected, String actual) implements VerifyError {
        public String describe() { return "proof is for circuit " + actual + ", verifying key is for " + expected; }
    }

    record CommitmentMismatch(String expected, String actual) implements VerifyError {
        public String describe() { return "proof commits to columns with root " + actual + ", expected the published " + expected; }
    }

    /** What the proof or key file says about the public values differs from the statement bound to the key. */
    record StatementMismatch(String field, String expected, String actual) implements VerifyError {
        public String describe() {
            return field + " is " + actual + ", but the verifying key binds " + expected;
        }
    }

    record PublicValuesMismatch(String reason) implements VerifyError {
        public String describe() { return "public values: " + reason; }
    }

    record QuotientIdentityFails(String expected, String actual) implements VerifyError {
        public String describe() {
            return "constraints do not vanish at the out-of-domain point: sum alpha^i C_i(z) = " + actual
                    + " but Z_H(z) Q(z) = " + expected;
        }
    }

    record GrindingInvalid(int bits, long nonce) implements VerifyError {
        public String describe() { return "proof-of-work nonce " + nonce + " does not give " + bits + " zero bits"; }
    }

    /**
     * The rows (or FRI leaves) the queries open in a tree and the proof's Merkle multiproof for it do not hash up to
     * the tree's committed root, for the reason given (a node count the queries do not need, a leaf queried twice with
     * two different rows, or a root that differs).
     */
    record MerkleProofInvalid(String tree, String reason) implements VerifyError {
        public String describe() { return "Merkle multiproof of tree '" + tree + "' fails: " + reason; }
    }

    record DeepValueMismatch(int query, String expected, String actual) implements VerifyError {
        public String describe() {
            return "query " + query + ": FRI layer 0 holds " + actual + " but the openings give " + expected;
        }
    }

    record FriFoldMismatch(int round, int query, String expected, String actual) implements VerifyError {
        public String describe() {
            return "query " + query + ": FRI round " + round + " holds " + actual + " but folding gives " + expected;
        }
    }

    record FriFinalPolyMismatch(int query, String expected, String actual) implements VerifyError {
        public String describe() {
            return "query " + query + ": final polynomial evaluates to " + actual + " but folding gives " + expected;
        }
    }

    /** A safety net: an unexpected internal failure while checking (a bug), reported instead of thrown. */
    record InternalFailure(String reason) implements VerifyError {
        public String describe() { return "verifier failure: " + reason; }
    }
}
