package dev.zkscope.plonk;

/** The verifier's answer: accepted, or rejected with the failed check. */
public sealed interface VerifyResult {
    boolean accepted();

    record Accepted() implements VerifyResult {
        public boolean accepted() { return true; }
    }

    record Rejected(VerifyError error) implements VerifyResult {
        public boolean accepted() { return false; }

        @Override
        public String toString() {
            return "Rejected[" + error.describe() + "]";
        }
    }
}
