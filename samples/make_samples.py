#!/usr/bin/python3
"""Train zkscope's bundled sample models on scikit-learn's 8x8 digits and export them to ONNX.

Run from anywhere with Debian's Python (the packages come from apt, see README.md):

    /usr/bin/python3 samples/make_samples.py

Everything is deterministic (fixed seeds, fixed split, single thread). Files are written next to this
script. For every model NAME:

    NAME.onnx           the exported model (input "input", output "output", weights inside the file)
    NAME.input.json     the first test image in EZKL's input format {"input_data": [[...]]}
    NAME.testset.json   the first 200 test images, their labels and the float32 logits of the torch model
                        {"input_shape": [1, ...], "inputs": [[...]], "labels": [...], "float_outputs": [[...]]}

plus models.json (a machine-readable index) and the generated table in README.md. At the end it runs
check_samples.py, which re-runs every written .onnx file with a numpy ONNX interpreter against the float outputs.
"""

import json
import math
import os
import random
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
SEED = 0
TESTSET_SIZE = 200
DEFAULT_OPSET = 14
ATTENTION_OPSET = 17

# Ops the zkscope importer supports; any exported op outside this set fails the script.
ALLOWED_OPS = set("""
Gemm MatMul Add Sub Mul Div Neg Conv Relu LeakyRelu PRelu Sigmoid Tanh HardSigmoid HardSwish Clip Softmax Exp Log
Erf Gelu Sqrt Pow Reciprocal Abs Max Min MaxPool AveragePool GlobalAveragePool BatchNormalization LayerNormalization
ReduceMean ReduceSum ReduceMax Flatten Reshape Transpose Concat Slice Split Squeeze Unsqueeze Pad Constant Identity
Dropout Cast Shape Gather
""".split())

torch.set_num_threads(1)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


# ---------------------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------------------

def load_data():
    """8x8 digits, pixels scaled from 0..16 to [0, 1], fixed 75/25 split (random_state=0, stratified)."""
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)  # [n, 64], exact multiples of 1/16
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, random_state=0, stratify=y)
    return x_train, x_test, y_train, y_test


def upsample_28(x64):
    """[n, 64] 8x8 images -> [n, 784] 28x28 images (bilinear, align_corners=False), rounded to 6 decimals.

    Done in data preparation, not in the model. Rounding first means the values written to the JSON files are
    exactly the values the model was trained and evaluated on.
    """
    t = torch.from_numpy(x64).reshape(-1, 1, 8, 8)
    up = F.interpolate(t, size=(28, 28), mode="bilinear", align_corners=False)
    up = up.clamp(0.0, 1.0).reshape(-1, 784).numpy()
    return np.round(up.astype(np.float64), 6).astype(np.float32)


# ---------------------------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------------------------

class Mlp(nn.Module):
    """64-32-10, ReLU. Input [batch, 64]."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class Cnn(nn.Module):
    """Conv(1->8, 3x3, pad 1) ReLU Conv(8->8, 3x3, stride 2, pad 1) ReLU, view(batch, -1), Linear(128, 10).

    Input [batch, 1, 8, 8]. view(x.size(0), -1) exports as Shape/Gather/Unsqueeze/Concat -> Reshape.
    """

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, stride=2, padding=1)
        self.fc = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = x.view(x.size(0), -1)
        return self.fc(x)


class CnnBnPool(nn.Module):
    """Conv ReLU BatchNorm MaxPool Conv ReLU AvgPool Flatten Linear. Input [1, 1, 8, 8].

    BatchNorm comes after the ReLU, so torch's export cannot fold it into the Conv and a BatchNormalization
    node stays in the graph.
    """

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.pool1 = nn.MaxPool2d(2)            # 8x8 -> 4x4
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.pool2 = nn.AvgPool2d(2)            # 4x4 -> 2x2
        self.fc = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        x = self.pool1(self.bn(F.relu(self.conv1(x))))
        x = self.pool2(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc(x)


class MlpSigmoidTanh(nn.Module):
    """64-32-16-10 with Sigmoid then Tanh. Input [batch, 64]."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 10)

    def forward(self, x):
        x = torch.sigmoid(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        return self.fc3(x)


class Attention(nn.Module):
    """One-head self-attention block. Input [1, 8, 8]: the 8 image rows are 8 tokens of 8 features.

    embed Linear(8->16) + learned position embedding; Q, K, V Linear(16->16); softmax(Q K^T / sqrt(16)) V;
    output projection; residual Add + LayerNorm; feed-forward Linear(16->32) GELU Linear(32->16);
    residual Add + LayerNorm; mean over tokens; Linear(16->10).
    """

    D = 16

    def __init__(self):
        super().__init__()
        d = self.D
        self.embed = nn.Linear(8, d)
        self.pos = nn.Parameter(0.1 * torch.randn(8, d))       # learned position embedding, one per row token
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.proj = nn.Linear(d, d)
        self.ln1 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, 2 * d)
        self.ff2 = nn.Linear(2 * d, d)
        self.ln2 = nn.LayerNorm(d)
        self.head = nn.Linear(d, 10)

    def forward(self, x):
        h = self.embed(x) + self.pos                             # [b, 8, 16]
        q, k, v = self.q(h), self.k(h), self.v(h)
        scores = torch.matmul(q, k.transpose(1, 2)) / math.sqrt(self.D)
        attn = torch.softmax(scores, dim=-1)                     # [b, 8, 8]
        h = self.ln1(h + self.proj(torch.matmul(attn, v)))
        h = self.ln2(h + self.ff2(F.gelu(self.ff1(h))))
        return self.head(h.mean(dim=1))


class Residual(nn.Module):
    """Stem Conv ReLU, block Conv ReLU Conv + skip Add, ReLU, AvgPool, Flatten, Linear. Input [batch, 1, 8, 8]."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 8, 3, padding=1)
        self.conv1 = nn.Conv2d(8, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.pool = nn.AvgPool2d(2)             # 8x8 -> 4x4
        self.fc = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = F.relu(self.stem(x))
        y = self.conv2(F.relu(self.conv1(x)))
        x = F.relu(x + y)
        x = torch.flatten(self.pool(x), 1)
        return self.fc(x)


class MlpLarge(nn.Module):
    """784-256-128-10 with ReLU on 28x28 upsampled digits. Input [1, 784]."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


# name, class, per-sample input shape, data ("8x8" or "28x28"), dynamic batch, opset, epochs, learning rate,
# description for the README
SPECS = [
    ("mlp", Mlp, (64,), "8x8", False, DEFAULT_OPSET, 40, 3e-3,
     "MLP 64-32-10, ReLU"),
    ("cnn", Cnn, (1, 8, 8), "8x8", True, DEFAULT_OPSET, 30, 3e-3,
     "Conv-ReLU-Conv(stride 2)-ReLU, view(batch,-1), Linear"),
    ("cnn_bn_pool", CnnBnPool, (1, 8, 8), "8x8", False, DEFAULT_OPSET, 30, 3e-3,
     "Conv-ReLU-BatchNorm-MaxPool-Conv-ReLU-AvgPool, flatten, Linear"),
    ("mlp_sigmoid_tanh", MlpSigmoidTanh, (64,), "8x8", True, DEFAULT_OPSET, 60, 1e-2,
     "MLP 64-32-16-10, Sigmoid then Tanh"),
    ("attention", Attention, (8, 8), "8x8", False, ATTENTION_OPSET, 60, 3e-3,
     "one-head self-attention (8 row tokens, d=16, position embedding), Softmax, LayerNorm, "
     "GELU feed-forward, mean-pool"),
    ("residual", Residual, (1, 8, 8), "8x8", True, DEFAULT_OPSET, 30, 3e-3,
     "Conv-ReLU stem, Conv-ReLU-Conv block + skip Add, ReLU, AvgPool, flatten, Linear"),
    ("mlp_large", MlpLarge, (784,), "28x28", False, DEFAULT_OPSET, 20, 1e-3,
     "MLP 784-256-128-10, ReLU, on 28x28 bilinear-upsampled digits"),
]


# ---------------------------------------------------------------------------------------------------------------
# Training, export, files
# ---------------------------------------------------------------------------------------------------------------

def train(model, x_train, y_train, epochs, lr, seed):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n = x_train.shape[0]
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
    model.eval()


def f32(v):
    """A float32 as a JSON number with 9 significant digits (round-trips to the same float32)."""
    return float("%.9g" % float(v))


def write_json(path, obj, indent=None):
    with open(path, "w") as f:
        if indent:
            json.dump(obj, f, indent=indent)
        else:
            json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


def onnx_ops(model_proto):
    return sorted({n.op_type for n in model_proto.graph.node})


def dim_str(d):
    return d.dim_param if d.dim_param else str(d.dim_value)


def main():
    x_train64, x_test64, y_train_np, y_test_np = load_data()
    data = {
        "8x8": (x_train64, x_test64),
        "28x28": (upsample_28(x_train64), upsample_28(x_test64)),
    }
    y_train = torch.from_numpy(y_train_np)
    y_test = torch.from_numpy(y_test_np)
    print("train %d, test %d" % (len(y_train_np), len(y_test_np)))

    index = []
    for name, cls, shape, data_key, dynamic, opset, epochs, lr, desc in SPECS:
        seed_everything(SEED)
        xtr_np, xte_np = data[data_key]
        xtr = torch.from_numpy(xtr_np).reshape((-1,) + shape)
        xte = torch.from_numpy(xte_np).reshape((-1,) + shape)

        model = cls()
        train(model, xtr, y_train, epochs, lr, SEED)
        with torch.no_grad():
            logits = model(xte)
        accuracy = float((logits.argmax(dim=1) == y_test).float().mean())
        params = sum(p.numel() for p in model.parameters())

        # export
        onnx_file = name + ".onnx"
        onnx_path = os.path.join(OUT_DIR, onnx_file)
        dummy = xte[:1].clone()
        kwargs = {}
        if dynamic:
            kwargs["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
        torch.onnx.export(model, dummy, onnx_path, export_params=True, opset_version=opset,
                          do_constant_folding=True, input_names=["input"], output_names=["output"], **kwargs)

        proto = onnx.load(onnx_path)
        onnx.checker.check_model(proto)
        ops = onnx_ops(proto)
        bad = [op for op in ops if op not in ALLOWED_OPS]
        if bad:
            sys.exit("%s: ops outside the supported list: %s" % (name, bad))
        if name == "cnn_bn_pool" and "BatchNormalization" not in ops:
            sys.exit("cnn_bn_pool: BatchNormalization was folded away")
        if name == "attention":
            for op in ("LayerNormalization", "Softmax"):
                if op not in ops:
                    sys.exit("attention: no %s node" % op)
        if any(t.data_location == onnx.TensorProto.EXTERNAL for t in proto.graph.initializer):
            sys.exit("%s: external data" % name)
        in_dims = [dim_str(d) for d in proto.graph.input[0].type.tensor_type.shape.dim]
        out_dims = [dim_str(d) for d in proto.graph.output[0].type.tensor_type.shape.dim]
        onnx_opset = max(o.version for o in proto.opset_import if o.domain in ("", "ai.onnx"))
        print("%-17s params %7d  acc %.4f  opset %d  input %s  ops %s"
              % (name, params, accuracy, onnx_opset, in_dims, " ".join(ops)))

        # sample files
        sample_shape = [1] + list(shape)
        first = xte_np[:TESTSET_SIZE]
        inputs = [[round(float(v), 6) for v in row] for row in first]
        outputs = [[f32(v) for v in row] for row in logits[:TESTSET_SIZE].numpy()]
        write_json(os.path.join(OUT_DIR, name + ".input.json"), {"input_data": [inputs[0]]})
        write_json(os.path.join(OUT_DIR, name + ".testset.json"), {
            "input_shape": sample_shape,
            "inputs": inputs,
            "labels": [int(v) for v in y_test_np[:TESTSET_SIZE]],
            "float_outputs": outputs,
        })

        index.append({
            "name": name,
            "description": desc,
            "file": onnx_file,
            "input_file": name + ".input.json",
            "testset_file": name + ".testset.json",
            "input_name": "input",
            "output_name": "output",
            "input_shape": sample_shape,
            "onnx_input_shape": [d if not d.isdigit() else int(d) for d in in_dims],
            "onnx_output_shape": [d if not d.isdigit() else int(d) for d in out_dims],
            "symbolic_batch": dynamic,
            "opset": onnx_opset,
            "params": params,
            "test_accuracy": round(accuracy, 4),
            "test_size": int(len(y_test_np)),
            "testset_size": len(inputs),
            "ops": ops,
        })

    write_json(os.path.join(OUT_DIR, "models.json"), {
        "dataset": "scikit-learn load_digits (8x8, pixels / 16); train_test_split(test_size=0.25, random_state=0, "
                   "stratify=labels); 28x28 = bilinear upsampling (align_corners=False), rounded to 6 decimals",
        "generator": "samples/make_samples.py",
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "models": index,
    }, indent=2)
    write_readme(index, len(y_test_np))
    print("wrote %d models to %s" % (len(index), OUT_DIR))

    # independent check of the written files: numpy ONNX interpreter vs the torch float outputs
    import check_samples
    check_samples.main()


# ---------------------------------------------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------------------------------------------

TABLE_BEGIN = "<!-- BEGIN GENERATED TABLE (make_samples.py) -->"
TABLE_END = "<!-- END GENERATED TABLE -->"


def write_readme(index, test_size):
    lines = [TABLE_BEGIN, "",
             "| model | architecture | file | input shape | ONNX ops | parameters | opset | test accuracy |",
             "|---|---|---|---|---|---:|---:|---:|"]
    for m in index:
        shape = "[" + ", ".join(str(d) for d in m["onnx_input_shape"]) + "]"
        lines.append("| `%s` | %s | `%s` | `%s` | %s | %s | %d | %.2f%% |" % (
            m["name"], m["description"], m["file"], shape, ", ".join(m["ops"]), "{:,}".format(m["params"]), m["opset"],
            100.0 * m["test_accuracy"]))
    lines += ["", "Test accuracy is measured by the script on the full test split (%d images) with the torch model "
                  "in eval mode; parameters are the torch model's trainable parameters (BatchNorm running "
                  "statistics not counted). `batch` is a symbolic dimension." % test_size,
              "", TABLE_END]
    table = "\n".join(lines)

    path = os.path.join(OUT_DIR, "README.md")
    with open(path) as f:
        text = f.read()
    start, end = text.find(TABLE_BEGIN), text.find(TABLE_END)
    if start < 0 or end < 0:
        sys.exit("README.md has no generated-table markers")
    text = text[:start] + table + text[end + len(TABLE_END):]
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
