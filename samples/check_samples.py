#!/usr/bin/python3
"""Check the committed sample files without torch: run every NAME.onnx with a small numpy interpreter of the ONNX
ops the samples use (float64) on NAME.testset.json and compare with its float_outputs.

    /usr/bin/python3 samples/check_samples.py

Models with a symbolic batch dimension are run once on all 200 test images as one batch, the others image by image.
Also checks that NAME.input.json holds the first test image. make_samples.py runs this at the end.
"""

import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 1e-4          # max |onnx(float64) - torch(float32)| over all logits
_erf = np.vectorize(math.erf)


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _windows(x, kernel, strides, pads, fill, dilations=(1, 1)):
    """[N, C, H, W] -> [N, C, OH, OW, KH, KW] sliding windows after padding with `fill` (floor mode)."""
    n, c, h, w = x.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])), constant_values=fill)
    kh, kw = kernel
    ekh, ekw = (kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1
    oh = (x.shape[2] - ekh) // strides[0] + 1
    ow = (x.shape[3] - ekw) // strides[1] + 1
    out = np.empty((n, c, oh, ow, kh, kw), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            r, s = i * dilations[0], j * dilations[1]
            out[..., i, j] = x[:, :, r:r + strides[0] * (oh - 1) + 1:strides[0],
                               s:s + strides[1] * (ow - 1) + 1:strides[1]]
    return out


def _conv(x, w, b, a):
    kernel = a.get("kernel_shape", w.shape[2:])
    strides = a.get("strides", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    dil = a.get("dilations", [1, 1])
    group = a.get("group", 1)
    cin_g, cout_g = x.shape[1] // group, w.shape[0] // group
    outs = []
    for g in range(group):
        win = _windows(x[:, g * cin_g:(g + 1) * cin_g], kernel, strides, pads, 0.0, dil)
        outs.append(np.einsum("ncyxij,ocij->noyx", win, w[g * cout_g:(g + 1) * cout_g]))
    y = np.concatenate(outs, axis=1)
    if b is not None:
        y = y + b.reshape(1, -1, 1, 1)
    return y


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def run(model, feeds):
    """Evaluate the graph of `model` (an onnx ModelProto) on `feeds` {name: array}; returns the output arrays."""
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) if t.data_type == onnx.TensorProto.FLOAT
           else numpy_helper.to_array(t) for t in model.graph.initializer}
    env.update(feeds)
    for node in model.graph.node:
        op, a = node.op_type, _attrs(node)
        i = [env[name] if name else None for name in node.input]
        if op == "Constant":
            v = numpy_helper.to_array(a["value"])
            y = v.astype(np.float64) if v.dtype == np.float32 else v
        elif op == "Gemm":
            A = i[0].T if a.get("transA", 0) else i[0]
            B = i[1].T if a.get("transB", 0) else i[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(i) > 2 and i[2] is not None:
                y = y + a.get("beta", 1.0) * i[2]
        elif op == "MatMul":
            y = np.matmul(i[0], i[1])
        elif op == "Add":
            y = i[0] + i[1]
        elif op == "Sub":
            y = i[0] - i[1]
        elif op == "Mul":
            y = i[0] * i[1]
        elif op == "Div":
            y = i[0] / i[1]
        elif op == "Relu":
            y = np.maximum(i[0], 0.0)
        elif op == "Sigmoid":
            y = 1.0 / (1.0 + np.exp(-i[0]))
        elif op == "Tanh":
            y = np.tanh(i[0])
        elif op == "Erf":
            y = _erf(i[0])
        elif op == "Softmax":
            y = _softmax(i[0], a.get("axis", -1))
        elif op == "Conv":
            y = _conv(i[0], i[1], i[2] if len(i) > 2 else None, a)
        elif op == "MaxPool":
            assert a.get("ceil_mode", 0) == 0
            win = _windows(i[0], a["kernel_shape"], a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0]), -np.inf)
            y = win.max(axis=(4, 5))
        elif op == "AveragePool":
            assert a.get("ceil_mode", 0) == 0
            pads = a.get("pads", [0, 0, 0, 0])
            win = _windows(i[0], a["kernel_shape"], a.get("strides", [1, 1]), pads, 0.0)
            if a.get("count_include_pad", 0) or not any(pads):
                y = win.mean(axis=(4, 5))
            else:
                ones = _windows(np.ones_like(i[0]), a["kernel_shape"], a.get("strides", [1, 1]), pads, 0.0)
                y = win.sum(axis=(4, 5)) / ones.sum(axis=(4, 5))
        elif op == "GlobalAveragePool":
            y = i[0].mean(axis=(2, 3), keepdims=True)
        elif op == "BatchNormalization":
            x, scale, bias, mean, var = i[:5]
            shape = (1, -1) + (1,) * (x.ndim - 2)
            y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + a.get("epsilon", 1e-5)) \
                * scale.reshape(shape) + bias.reshape(shape)
        elif op == "LayerNormalization":
            axis = a.get("axis", -1) % i[0].ndim
            axes = tuple(range(axis, i[0].ndim))
            mu = i[0].mean(axis=axes, keepdims=True)
            var = ((i[0] - mu) ** 2).mean(axis=axes, keepdims=True)
            y = (i[0] - mu) / np.sqrt(var + a.get("epsilon", 1e-5)) * i[1]
            if len(i) > 2 and i[2] is not None:
                y = y + i[2]
        elif op == "ReduceMean":
            y = i[0].mean(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))
        elif op == "Transpose":
            y = np.transpose(i[0], a.get("perm"))
        elif op == "Flatten":
            axis = a.get("axis", 1)
            y = i[0].reshape(int(np.prod(i[0].shape[:axis])), -1)
        elif op == "Pad":
            assert a.get("mode", b"constant") in (b"constant", "constant")
            p = [int(v) for v in i[1]]
            r = len(p) // 2
            value = float(i[2]) if len(i) > 2 and i[2] is not None else 0.0
            y = np.pad(i[0], [(p[k], p[k + r]) for k in range(r)], constant_values=value)
        elif op == "Shape":
            y = np.array(i[0].shape, dtype=np.int64)
        elif op == "Gather":
            y = np.take(i[0], i[1], axis=a.get("axis", 0))
        elif op == "Unsqueeze":
            y = i[0]
            for ax in sorted(int(v) % (y.ndim + len(i[1])) for v in i[1]):
                y = np.expand_dims(y, ax)
        elif op == "Concat":
            y = np.concatenate([np.atleast_1d(v) for v in i], axis=a.get("axis", 0))
        elif op == "Reshape":
            shape = [int(s) if s != 0 or a.get("allowzero", 0) else i[0].shape[k] for k, s in enumerate(i[1])]
            y = i[0].reshape(shape)
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = y
    return [env[o.name] for o in model.graph.output]


def check(entry):
    name = entry["name"]
    model = onnx.load(os.path.join(HERE, entry["file"]))
    onnx.checker.check_model(model)
    with open(os.path.join(HERE, entry["testset_file"])) as f:
        ts = json.load(f)
    with open(os.path.join(HERE, entry["input_file"])) as f:
        first = json.load(f)["input_data"][0]
    if first != ts["inputs"][0]:
        return "%s: input.json differs from the first test set input" % name
    shape = ts["input_shape"]
    x = np.array(ts["inputs"], dtype=np.float32).astype(np.float64)
    expected = np.array(ts["float_outputs"], dtype=np.float64)
    if entry["symbolic_batch"]:
        got = run(model, {"input": x.reshape([len(x)] + shape[1:])})[0]
    else:
        got = np.concatenate([run(model, {"input": row.reshape(shape)})[0] for row in x])
    diff = float(np.abs(got - expected).max())
    agree = float((got.argmax(1) == expected.argmax(1)).mean())
    acc = float((got.argmax(1) == np.array(ts["labels"])).mean())
    print("%-17s %3d images  max |onnx - torch| %.2e  argmax agreement %.3f  accuracy %.3f%s"
          % (name, len(x), diff, agree, acc, "  (one batch)" if entry["symbolic_batch"] else ""))
    if diff > TOLERANCE or agree < 1.0:
        return "%s: ONNX outputs differ from float_outputs (max diff %.3g)" % (name, diff)
    return None


def main():
    with open(os.path.join(HERE, "models.json")) as f:
        index = json.load(f)
    errors = [e for e in (check(m) for m in index["models"]) if e]
    for e in errors:
        print("FAIL " + e)
    if errors:
        sys.exit(1)
    print("all %d samples OK" % len(index["models"]))


if __name__ == "__main__":
    main()
