/**
 * ONNX import: {@link dev.zkscope.onnx.OnnxImporter} reads a model file into a static-shape
 * {@link dev.zkscope.ir.Graph}. Op parsers are registered per family (math and activations in the registry, conv/pool/
 * norm in {@code NnParsers}, shapes and reductions in {@code ShapeParsers}); opset differences live in each parser;
 * ops without a parser become {@link dev.zkscope.ir.Op.Unsupported} nodes.
 */
package dev.zkscope.onnx;
