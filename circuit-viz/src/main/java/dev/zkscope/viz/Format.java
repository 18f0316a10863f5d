package dev.zkscope.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Number and shape formatting shared by the views; every view prints figures the same way. */
public final class Format {
    private Format() {}

    /** "1x64" style shape; "?" when the shape is unknown (after an unsupported node). */
    public static String shape(int[] shape) {
        if (shape == null) {
            return "?";
        }
        if (shape.length == 0) {
            return "scalar";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append('\u00d7');
            }
            sb.append(shape[i]);
        }
        return sb.toString();
    }

    public static String shapes(List<int[]> shapes) {
        List<String> out = new ArrayList<>();
        for (int[] s : shapes) {
            out.add(shape(s));
        }
        return String.join(", ", out);
    }

    /** 12,345 with grouping. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** 1.2k, 3.4M: compact counts for labels. */
    public static String compact(double n) {
        double a = Math.abs(n);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.1fG", n / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        }
        return String.format(Locale.ROOT, "%,.0f", n);
    }

    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    public static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        return b + " B";
    }

    public static String millis(double ms) {
        if (ms >= 10_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000);
        }
        return String.format(Locale.ROOT, "%.0f ms", ms);
    }

    /**
     * A real number as a person writes it: integers without a fraction ("3"), others to four significant digits
     * ("0.1235", "1.5"), very small or large ones in short scientific form ("1e-5" for the float 1e-5 that Java
     * prints as 9.999999747378752E-6, "2.5e+7"); never Java's raw double text.
     */
    public static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.isNaN(v) ? "NaN" : v > 0 ? "\u221e" : "-\u221e";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e7) {
            String s = new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros()
                    .toPlainString();
            return s;
        }
        String e = String.format(Locale.ROOT, "%.3e", v);
        int at = e.indexOf('e');
        String mant = e.substring(0, at);
        if (mant.contains(".")) {
            mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        int exp = Integer.parseInt(e.substring(at + 1));
        return mant + "e" + (exp > 0 ? "+" : "") + exp;
    }

    /** An enum constant as a word: PRIVATE gives "private", LOG_DERIVATIVE gives "log derivative". */
    public static String word(Enum<?> e) {
        return e == null ? "" : e.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** "relu: 320, range8: 40" in key order; "" for an empty map. */
    public static String perKey(Map<String, Long> m) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : new TreeMap<>(m).entrySet()) {
            out.add(e.getKey() + ": " + count(e.getValue()));
        }
        return String.join(", ", out);
    }
}
