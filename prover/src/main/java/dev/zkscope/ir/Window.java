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
     * Positions in the padding read nothing. The float and the quantized evaluators and the circuit lowering all
     * iterate these taps, so the three agree on every window by construction.
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
     * The taps of a grouped convolution over {@code batch} images of {@code channels} input channels into
     * {@code outChannels} output channels: output channel oc of group oc / (outChannels / group) reads that group's
     * channels.
     */
    public Taps convTaps(int batch, int channels, int outChannels, int group) {
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

    /** The taps of a pool over {@code planes} = batch x channels independent planes (no weights). */
    public Taps poolTaps(int planes) {
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
