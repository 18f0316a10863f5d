#!/usr/bin/python3
"""Writes standard architectures as ONNX files (seeded random weights, no download), for zkscope's measurements.

    /usr/bin/python3 samples/zoo/make_zoo.py [OUT_DIR [MODEL ...]]     (Debian's python3-torch and python3-onnx)

Without MODEL names it writes every model but gpt2small (650 MB: ask for it by name, e.g. `make_zoo.py samples/zoo
gpt2small`).

Each model NAME gives NAME.onnx, NAME.input.json (one EZKL input) and NAME.calib.npy (16 calibration inputs, one per
row). The .onnx/.json/.npy files are generated, not committed (see .gitignore). Models:
- lenet5: LeNet-5 on 1x32x32 (61.7k parameters, 0.42M MACs);
- resnet8: a CIFAR ResNet-8 (3 stages of one basic block, 16/32/64 channels, 1x3x32x32; 78k parameters, 12M MACs),
  BatchNorm folded into the convs by the eval-mode export;
- resnet18: ResNet-18 at 1x3x224x224 (11.7M parameters, 1.8G MACs), written out here (torchvision's layout: a 7x7
  stem, max pool, 4 stages of 2 basic blocks, 64..512 channels), no torchvision needed;
- mobilenetv2: MobileNetV2 at width 0.35 on 1x3x96x96 (torchvision's layout written out here: inverted residual
  blocks with ReLU6 and depthwise 3x3 convolutions, channels rounded to multiples of 8; 1.7M parameters, 12M MACs);
- gpt2small: a GPT-2-small-shaped decoder (12 layers, d=768, 12 heads, 64 tokens, vocabulary 50257, untied output
  head: 163M parameters, ~650 MB), opset 14 like gpt2tiny; only when named;
- gpt2tiny: a 2-layer GPT decoder (d=64, 4 heads, 16 tokens, vocabulary 256) taking int64 token ids `input_ids`, opset
  14 (LayerNorm decomposed, the causal mask as Where).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
ONLY = sys.argv[2:]


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.c2 = nn.Conv2d(6, 16, 5)
        self.f1 = nn.Linear(400, 120)
        self.f2 = nn.Linear(120, 84)
        self.f3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.avg_pool2d(F.relu(self.c1(x)), 2)
        x = F.avg_pool2d(F.relu(self.c2(x)), 2)
        x = x.flatten(1)
        return self.f3(F.relu(self.f2(F.relu(self.f1(x)))))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.short is None else self.short(x)))


class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        chans = [64, 128, 256, 512]
        layers = []
        cin = 64
        for i, c in enumerate(chans):
            layers.append(nn.Sequential(Block(cin, c, 1 if i == 0 else 2), Block(c, c, 1)))
            cin = c
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(512, 1000)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        x = self.layers(x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class ResNet8(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.layer1 = Block(16, 16, 1)
        self.layer2 = Block(16, 32, 2)
        self.layer3 = Block(32, 64, 2)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


def divisible(v, d=8):
    """torchvision's _make_divisible: round to a multiple of d, never down by more than 10%."""
    n = max(d, int(v + d / 2) // d * d)
    return n + d if n < 0.9 * v else n


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = int(round(cin * expand))
        layers = []
        if expand != 1:
            layers += [nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6()]
        layers += [nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), nn.BatchNorm2d(hidden),
                   nn.ReLU6(), nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.conv(x) if self.residual else self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, width=0.35, classes=1000):
        super().__init__()
        cin = divisible(32 * width)
        last = divisible(1280 * max(1.0, width))
        layers = [nn.Conv2d(3, cin, 3, 2, 1, bias=False), nn.BatchNorm2d(cin), nn.ReLU6()]
        for t, c, n, s in [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1],
                           [6, 160, 3, 2], [6, 320, 1, 1]]:
            cout = divisible(c * width)
            for i in range(n):
                layers.append(InvertedResidual(cin, cout, s if i == 0 else 1, t))
                cin = cout
        layers += [nn.Conv2d(cin, last, 1, bias=False), nn.BatchNorm2d(last), nn.ReLU6()]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(last, classes)

    def forward(self, x):
        x = self.features(x)
        return self.classifier(F.adaptive_avg_pool2d(x, 1).flatten(1))


class GptBlock(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)
        self.heads = heads

    def forward(self, x, mask):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q = q.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / (d // self.heads) ** 0.5
        att = torch.where(mask, att, torch.full_like(att, -1e4))
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class GptTiny(nn.Module):
    def __init__(self, vocab=256, d=64, heads=4, layers=2, tokens=16):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(tokens, d)
        self.blocks = nn.ModuleList([GptBlock(d, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.tokens = tokens

    def forward(self, ids):
        t = ids.shape[1]
        pos = torch.arange(t).unsqueeze(0)
        mask = torch.tril(torch.ones(t, t, dtype=torch.bool)).view(1, 1, t, t)
        x = self.wte(ids) + self.wpe(pos)
        for blk in self.blocks:
            x = blk(x, mask)
        return self.head(self.ln(x))


def export(name, model, example, calib, input_name="input"):
    model.eval()
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(model, example, path, opset_version=14, input_names=[input_name], output_names=["output"])
    with open(os.path.join(OUT, name + ".input.json"), "w") as f:
        json.dump({"input_data": [example.flatten().tolist()]}, f)
    np.save(os.path.join(OUT, name + ".calib.npy"), calib.numpy())
    with torch.no_grad():
        out = model(example)
    with open(os.path.join(OUT, name + ".output.json"), "w") as f:
        json.dump({"output_data": [out.flatten().tolist()]}, f)
    print(name, sum(p.numel() for p in model.parameters()), "parameters ->", path)


def batchnorm_statistics(model):
    """Non-trivial BatchNorm statistics, so that the folded weights are not the identity."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    return model


def wanted(name):
    return name in ONLY if ONLY else name != "gpt2small"


def main():
    known = {"lenet5", "resnet8", "resnet18", "mobilenetv2", "gpt2tiny", "gpt2small"}
    unknown = [m for m in ONLY if m not in known]
    if unknown:
        sys.exit("make_zoo.py: unknown model(s) " + ", ".join(unknown) + "; known: " + ", ".join(sorted(known)))
    torch.manual_seed(8)
    os.makedirs(OUT, exist_ok=True)
    # every model draws from its own seed, so that asking for one model alone gives the same file
    if wanted("lenet5"):
        torch.manual_seed(8)
        export("lenet5", LeNet5(), torch.rand(1, 1, 32, 32), torch.rand(16, 1, 1, 32, 32))
    if wanted("resnet8"):
        torch.manual_seed(9)
        export("resnet8", batchnorm_statistics(ResNet8()), torch.rand(1, 3, 32, 32), torch.rand(16, 1, 3, 32, 32))
    if wanted("resnet18"):
        torch.manual_seed(10)
        export("resnet18", ResNet18(), torch.rand(1, 3, 224, 224), torch.rand(2, 1, 3, 224, 224))
    if wanted("mobilenetv2"):
        torch.manual_seed(11)
        export("mobilenetv2", batchnorm_statistics(MobileNetV2()), torch.rand(1, 3, 96, 96),
               torch.rand(4, 1, 3, 96, 96))
    if wanted("gpt2tiny"):
        torch.manual_seed(12)
        export("gpt2tiny", GptTiny(), torch.randint(0, 256, (1, 16)), torch.randint(0, 256, (16, 1, 16)),
               input_name="input_ids")
    if wanted("gpt2small"):
        torch.manual_seed(13)
        export("gpt2small", GptTiny(vocab=50257, d=768, heads=12, layers=12, tokens=64),
               torch.randint(0, 50257, (1, 64)), torch.randint(0, 50257, (4, 1, 64)), input_name="input_ids")


if __name__ == "__main__":
    main()
