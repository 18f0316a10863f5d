"""Writes blocks52.onnx: a 210-node residual MLP (52 blocks of Gemm, Relu, Gemm, Add, then a head), small weights,
seeded. PyTorch names its nodes by module path (/blocks/blocks.7/fc1/Gemm), which the graph view collapses by.
Used by the graph view's tests and screenshots to exercise a graph of 200+ nodes. Run: /usr/bin/python3 make_blocks.py"""
import os
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc1 = nn.Linear(d, d)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(d, d)

    def forward(self, x):
        return x + self.fc2(self.act(self.fc1(x)))


class Blocks(nn.Module):
    def __init__(self, d=8, n=52, classes=4):
        super().__init__()
        self.stem = nn.Linear(16, d)
        self.blocks = nn.Sequential(*[Block(d) for _ in range(n)])
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


torch.manual_seed(7)
m = Blocks().eval()
for p in m.parameters():
    p.data.mul_(0.5)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "blocks52.onnx")
torch.onnx.export(m, torch.rand(1, 16), out, input_names=["x"], output_names=["logits"], opset_version=14)
print(out)
