package dev.zkscope.pcs;

/** Why an opening proof was rejected: the failed check, with expected and actual values where there are any. */
public sealed interface PcsError {
    String describe();

    /** The proof does not have the shape the parameters and commitments fix (for a proof not read from bytes). */
    record Malformed(String section, String reason) implements PcsError {
        public String describe() { return "malformed opening proof (" + section + "): " + reason; }
    }

    record GrindingInvalid(int bits, long nonce) implements PcsError {
        public String describe() { return "proof-of-work nonce " + nonce + " does not give " + bits + " zero bits"; }
    }

    /**
     * The rows the queries open in batch {@code batch} (its position in the list opened) and the multiproof's nodes do
     * not hash up to its root, for the reason given.
     */
    record BatchProofInvalid(int batch, String reason) implements PcsError {
        public String describe() { return "Merkle multiproof of batch " + batch + " fails: " + reason; }
    }

    /** The leaves the queries open in FRI layer {@code round} and the multiproof's nodes do not hash to its root. */
    record FriProofInvalid(int round, String reason) implements PcsError {
        public String describe() { return "Merkle multiproof of FRI layer " + round + " fails: " + reason; }
    }

    /** FRI's first layer does not hold the DEEP quotient of the opened rows and the claimed values. */
    record DeepValueMismatch(int query, String expected, String actual) implements PcsError {
        public String describe() {
            return "query " + query + ": FRI layer 0 holds " + actual + " but the openings give " + expected;
        }
    }

    record FriFoldMismatch(int round, int query, String expected, String actual) implements PcsError {
        public String describe() {
            return "query " + query + ": FRI round " + round + " holds " + actual + " but folding gives " + expected;
        }
    }

    record FriFinalPolyMismatch(int query, String expected, String actual) implements PcsError {
        public String describe() {
            return "query " + query + ": final polynomial evaluates to " + actual + " but folding gives " + expected;
        }
    }
}
