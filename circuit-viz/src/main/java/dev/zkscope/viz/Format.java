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

    /** "relu: 320, range8: 40" in key order; "" for an empty map. */
    public static String perKey(Map<String, Long> m) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : new TreeMap<>(m).entrySet()) {
            out.add(e.getKey() + ": " + count(e.getValue()));
        }
        return String.join(", ", out);
    }
}
