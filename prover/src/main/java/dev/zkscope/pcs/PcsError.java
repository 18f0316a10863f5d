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

    /** The opened row of batch {@code batch} (its position in the list opened) does not hash up to its root. */
    record BatchPathInvalid(int batch, int query) implements PcsError {
        public String describe() { return "Merkle path of batch " + batch + " fails at query " + query; }
    }

    /** The Merkle cap sent for batch {@code batch} does not hash up to its committed root. */
    record BatchCapInvalid(int batch) implements PcsError {
        public String describe() { return "Merkle cap of batch " + batch + " does not hash to its root"; }
    }

    /** The Merkle cap sent for FRI layer {@code round} does not hash up to the layer's root. */
    record FriCapInvalid(int round) implements PcsError {
        public String describe() { return "Merkle cap of FRI layer " + round + " does not hash to its root"; }
    }

    record FriPathInvalid(int round, int query) implements PcsError {
        public String describe() { return "Merkle path of FRI layer " + round + " fails at query " + query; }
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
