package dev.zkscope.onnx;

import dev.zkscope.ir.Op;

/**
 * Turns one ONNX node into a typed {@link Op}, reading attributes and constant inputs from the context and handling
 * the opset differences of its op type. Throws IllegalArgumentException for a malformed node; returns
 * {@link Op.Unsupported} for a valid node whose variant is not supported.
 */
@FunctionalInterface
interface OpParser {
    Op parse(NodeContext c);
}
