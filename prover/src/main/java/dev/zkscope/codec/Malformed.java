package dev.zkscope.codec;

/** A byte string that does not decode; names the section being read and what is wrong. */
public final class Malformed extends Exception {
    private final String section;

    public Malformed(String section, String reason) {
        super(reason);
        this.section = section;
    }

    public String section() {
        return section;
    }
}
