package dev.zkscope.ir;

/**
 * The sliding-window geometry of a 1-D or 2-D Conv or Pool over an NCHW (or NCW) tensor, read once from the op's
 * attributes and shapes: input height and width, kernel, strides, pads at the start and end, dilations, output
 * height and width. A 1-D window has height 1 (no padding, stride and dilation 1 in that direction), so one loop
 * nest serves both.
 */
public record Window(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int peh, int pew, int dh, int dw,
                     int oh, int ow) {

    public static Window of(int[] kernel, int[] strides, int[] padsBegin, int[] padsEnd, int[] dilations,
                            int[] inShape, int[] outShape) {
        boolean oneD = kernel.length == 1;
        return new Window(
                oneD ? 1 : inShape[2], inShape[inShape.length - 1],
                oneD ? 1 : kernel[0], kernel[kernel.length - 1],
                oneD ? 1 : strides[0], strides[strides.length - 1],
                oneD ? 0 : padsBegin[0], padsBegin[padsBegin.length - 1],
                oneD ? 0 : padsEnd[0], padsEnd[padsEnd.length - 1],
                oneD ? 1 : dilations[0], dilations[dilations.length - 1],
                oneD ? 1 : outShape[2], outShape[outShape.length - 1]);
    }

    /** Output positions per plane. */
    public int outPositions() {
        return oh * ow;
    }

    /**
     * Which input elements each output reads, in compressed rows: output {@code o} reads {@code x[start[o]..start[o+1])}
     * (flat NCHW input indices), times the weights {@code w[...]} at the same positions (flat weight indices; pools
     * have none), in the order (input channel, kernel row, kernel column). {@code padded[o]} counts the kernel
     * positions inside the explicitly padded input (the divisor of an average pool with count_include_pad).
     * Positions in the padding read nothing. The circuit lowering and the pools iterate these taps; the Conv kernels of
     * the float and the quantized evaluators gather the same windows through {@link #colIndex} (one index array per
     * group instead of one entry per multiply-add), and {@code ConvKernelsTest} and {@code IntegerKernelsTest} check on
     * seeded random geometries that both equal the sum over these taps.
     */
    public record Taps(int[] start, int[] x, int[] w, int[] padded) {
        public int outputs() {
            return start.length - 1;
        }

        public int count(int o) {
            return start[o + 1] - start[o];
        }
    }

    /**
     * The im2col gather of one group of {@code channelsPerGroup} input channels: a K x P row-major index array,
     * K = channelsPerGroup * kh * kw in the weights' order (input channel, kernel row, kernel column) and P =
     * {@link #outPositions()}; entry (k, p) is the flat index, relative to the group's first input channel plane, of
     * the input element that kernel position k reads for output position p, or -1 in the padding. The Conv kernels
     * gather columns with it and multiply the weights [outChannelsPerGroup x K] by them; it is read for every
     * evaluation, so it is computed once per geometry and kept (see {@link #cached}).
     */
    public int[] colIndex(int channelsPerGroup) {
        return cached(new Key(this, "col", channelsPerGroup, 0, 0, 0), () -> buildColIndex(channelsPerGroup));
    }

    private int[] buildColIndex(int cg) {
        int positions = outPositions();
        int k = Math.multiplyExact(Math.multiplyExact(cg, kh), kw);
        int[] idx = new int[Math.multiplyExact(k, positions)];
        int row = 0;
        for (int ic = 0; ic < cg; ic++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int base = row * positions;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + ky * dh;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * sw - pw + kx * dw;
                            idx[base + oy * ow + ox] = iy >= 0 && iy < h && ix >= 0 && ix < w ? (ic * h + iy) * w + ix : -1;
                        }
                    }
                    row++;
                }
            }
        }
        return idx;
    }

    // ---- the cache of index arrays

    private record Key(Window window, String kind, int a, int b, int c, int d) {}

    /** At most this many ints (64 MiB) of index arrays are kept; the least recently used go first. */
    static final long CACHE_INTS = 1L << 24;

    private static final java.util.LinkedHashMap<Key, Object> CACHE = new java.util.LinkedHashMap<>(16, 0.75f, true);
    private static long cachedInts;

    /**
     * Index arrays depend only on the geometry (this record and a few sizes), and calibration evaluates the same
     * nodes dozens of times, so they are built once and kept in a small least-recently-used cache bounded by
     * {@link #CACHE_INTS}; an array larger than the whole budget is built every time instead. The arrays are never
     * written after they are built.
     */
    @SuppressWarnings("unchecked")
    private static <T> T cached(Key key, java.util.function.Supplier<T> build) {
        synchronized (CACHE) {
            Object hit = CACHE.get(key);
            if (hit != null) {
                return (T) hit;
            }
        }
        T value = build.get();
        long ints = ints(value);
        if (ints <= CACHE_INTS) {
            synchronized (CACHE) {
                if (CACHE.put(key, value) == null) {
                    cachedInts += ints;
                }
                var it = CACHE.entrySet().iterator();
                while (cachedInts > CACHE_INTS && it.hasNext()) {
                    var e = it.next();
                    if (e.getKey().equals(key)) {
                        continue;
                    }
                    cachedInts -= ints(e.getValue());
                    it.remove();
                }
            }
        }
        return value;
    }

    private static long ints(Object v) {
        if (v instanceof int[]) {
            return ((int[]) v).length;
        }
        Taps t = (Taps) v;
        return (long) t.start().length + t.x().length + (t.w() == null ? 0 : t.w().length)
                + (t.padded() == null ? 0 : t.padded().length);
    }

    /**
     * The taps of a grouped convolution over {@code batch} images of {@code channels} input channels into
     * {@code outChannels} output channels: output channel oc of group oc / (outChannels / group) reads that group's
     * channels. Cached per geometry (the arrays must not be written).
     */
    public Taps convTaps(int batch, int channels, int outChannels, int group) {
        return cached(new Key(this, "conv", batch, channels, outChannels, group),
                () -> buildConvTaps(batch, channels, outChannels, group));
    }

    private Taps buildConvTaps(int batch, int channels, int outChannels, int group) {
        int cg = channels / group;
        int mg = outChannels / group;
        int outputs = Math.multiplyExact(Math.multiplyExact(batch, outChannels), outPositions());
        int[] start = new int[outputs + 1];
        java.util.stream.IntStream.Builder xs = java.util.stream.IntStream.builder();
        java.util.stream.IntStream.Builder ws = java.util.stream.IntStream.builder();
        int taps = 0;
        int o = 0;
        for (int b = 0; b < batch; b++) {
            for (int oc = 0; oc < outChannels; oc++) {
                int grp = oc / mg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        for (int ic = 0; ic < cg; ic++) {
                            int xc = grp * cg + ic;
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * sh - ph + ky * dh;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                for (int kx = 0; kx < kw; kx++) {
                                    int ix = ox * sw - pw + kx * dw;
                                    if (ix >= 0 && ix < w) {
                                        xs.add(((b * channels + xc) * h + iy) * w + ix);
                                        ws.add(((oc * cg + ic) * kh + ky) * kw + kx);
                                        taps = Math.addExact(taps, 1);
                                    }
                                }
                            }
                        }
                        start[++o] = taps;
                    }
                }
            }
        }
        return new Taps(start, xs.build().toArray(), ws.build().toArray(), null);
    }

    /** The taps of a pool over {@code planes} = batch x channels independent planes (no weights); cached. */
    public Taps poolTaps(int planes) {
        return cached(new Key(this, "pool", planes, 0, 0, 0), () -> buildPoolTaps(planes));
    }

    private Taps buildPoolTaps(int planes) {
        int outputs = Math.multiplyExact(planes, outPositions());
        int[] start = new int[outputs + 1];
        int[] padded = new int[outputs];
        java.util.stream.IntStream.Builder xs = java.util.stream.IntStream.builder();
        int taps = 0;
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int pad = 0;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * sh - ph + ky * dh;
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * sw - pw + kx * dw;
                            if (iy < h + peh && ix < w + pew) {
                                pad++;
                            }
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                xs.add((p * h + iy) * w + ix);
                                taps = Math.addExact(taps, 1);
                            }
                        }
                    }
                    padded[o] = pad;
                    start[++o] = taps;
                }
            }
        }
        return new Taps(start, xs.build().toArray(), null, padded);
    }
}
