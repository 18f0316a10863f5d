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
}
