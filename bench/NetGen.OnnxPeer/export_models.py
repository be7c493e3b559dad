#!/usr/bin/python3
"""Writes the networks of the ONNX Runtime comparison with the same weights twice: as safetensors,
which NetGen compiles in, and as ONNX (torch.onnx.export), which ONNX Runtime loads.

    /usr/bin/python3 bench/NetGen.OnnxPeer/export_models.py [folder]     (default: bench/NetGen.OnnxPeer/models)
"""

import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "samples", "PyTorch"))
from train import save_safetensors  # noqa: E402

NETWORKS = {
    "tiny": [4, 16, 3],
    "mnist": [784, 128, 10],
    "deep": [784, 256, 256, 256, 10],
    "wide": [784, 1024, 1024, 10],
}


def build(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        layers.append(nn.ReLU() if i < len(sizes) - 2 else nn.Softmax(dim=1))
    return nn.Sequential(*layers)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "models")
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(3)
    for name, sizes in NETWORKS.items():
        model = build(sizes).eval()
        save_safetensors(os.path.join(folder, name + ".safetensors"), model.state_dict(), {"format": "pt"})
        torch.onnx.export(model, torch.zeros(1, sizes[0]), os.path.join(folder, name + ".onnx"),
                          input_names=["input"], output_names=["output"], opset_version=13,
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        print(f"{name}: {'-'.join(map(str, sizes))}, {sum(p.numel() for p in model.parameters()):,} parameters")


if __name__ == "__main__":
    main()
