"""Writes seqdim.onnx: input x of shape [1, seq, 8] with a symbolic 'seq' (a sequence model as ONNX Runtime users
export it), a Linear and a ReLU; and seqdim.input.json with seq = 6, from which the app prefills 'seq'.
Run: /usr/bin/python3 make_seqdim.py"""
import json
import os
import torch

torch.manual_seed(3)
here = os.path.dirname(os.path.abspath(__file__))
m = torch.nn.Sequential(torch.nn.Linear(8, 4), torch.nn.ReLU()).eval()
x = torch.rand(1, 6, 8)
torch.onnx.export(m, x, os.path.join(here, "seqdim.onnx"), input_names=["x"], output_names=["y"],
                  dynamic_axes={"x": {1: "seq"}, "y": {1: "seq"}}, opset_version=14)
with open(os.path.join(here, "seqdim.input.json"), "w") as f:
    json.dump({"input_data": [[round(v, 4) for v in x.flatten().tolist()]]}, f)
