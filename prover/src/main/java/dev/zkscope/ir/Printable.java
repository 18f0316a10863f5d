package dev.zkscope.ir;

/**
 * Makes text from a model file safe for a one-line message: names inside ONNX files are arbitrary strings, and a
 * damaged or hostile file can put line breaks, escape sequences or other control characters in them.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code s} with every ISO control character written as an escape ({@code \n}, {@code \t}, {@code \x1b}). */
    public static String escape(String s) {
        if (s == null) {
            return "null";
        }
        int i = 0;
        while (i < s.length() && !Character.isISOControl(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (Character.isISOControl(c)) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.toString();
    }
}
