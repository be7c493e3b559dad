#!/usr/bin/python3
"""Trains NetGen's MNIST network in PyTorch and writes weights NetGen compiles in.

The network is the nn.Sequential equivalent of

    [Network(Loss = Loss.CrossEntropy)]
    [Input(784)] [Dense(128)] [ReLU] [Dense(10)] [Softmax]

so its state_dict keys are 0.weight [128, 784], 0.bias, 2.weight [10, 128], 2.bias: the names NetGen
reads. The file is safetensors (written here, so no package beyond Debian's python3-torch is needed).

    /usr/bin/python3 samples/PyTorch/train.py --out digits.safetensors [--onnx digits.onnx] [--epochs 15]
    /usr/bin/python3 samples/PyTorch/train.py --tiny tests/NetGen.Tests/Models

--tiny writes the small model of the interoperability test instead: a 6-8-8-4 network with tanh, ReLU
and softmax, and its outputs on fixed inputs as PyTorch computes them. --cnn writes the convolutional
one: Conv2d(2, 4, 3, padding=1), ReLU, MaxPool2d(2), Conv2d(4, 6, 3, stride=2), Tanh, AvgPool2d(2,
stride=1), Flatten, Linear(6, 5), Softmax on 2 x 10 x 12 inputs, whose state_dict keys are 0.*, 3.*
and 7.*: convolution and pooling layers, activations and the Flatten count as modules.

    /usr/bin/python3 samples/PyTorch/train.py --cnn tests/NetGen.Tests/Models
"""

import argparse
import gzip
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def save_safetensors(path, tensors, metadata=None):
    """Writes {name: float32 tensor} as safetensors: header length, JSON header, little-endian data."""
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        data = tensor.detach().cpu().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(temporary, path)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, columns = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * columns)
    return np.frombuffer(data, dtype=np.uint8, offset=8)


def digits(split):
    prefix = "train" if split == "train" else "t10k"
    folder = os.path.join(ROOT, "data", "mnist-10k")
    images = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz")).astype(np.float32) / 255.0
    labels = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int64)
    return torch.from_numpy(images), torch.from_numpy(labels)


def train_digits(args):
    torch.manual_seed(args.seed)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.Softmax(dim=1))
    x, y = digits("train")
    test_x, test_y = digits("test")
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    logits = model[:3]  # cross-entropy on the logits: the softmax is fused into the loss, as in NetGen
    for epoch in range(args.epochs):
        order = torch.randperm(len(x))
        for start in range(0, len(x), args.batch):
            batch = order[start:start + args.batch]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(logits(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
        print(f"epoch {epoch + 1}/{args.epochs}: test accuracy {accuracy:.2%}")
    save_safetensors(args.out, model.state_dict(), {"format": "pt", "trained_by": "samples/PyTorch/train.py", "test_accuracy": f"{accuracy:.4f}"})
    print(f"saved {args.out}")
    if args.onnx:
        model.eval()
        torch.onnx.export(model, torch.zeros(1, 784), args.onnx, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
        print(f"saved {args.onnx}")


def tiny(folder):
    """A small model with every activation NetGen has bar LeakyReLU, and its outputs on fixed inputs."""
    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 4), nn.Softmax(dim=1))
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(2.0)  # larger weights than the default, so that every unit does something
        inputs = torch.rand(16, 6, generator=torch.Generator().manual_seed(11)) * 4 - 2
        outputs = model(inputs)
    os.makedirs(folder, exist_ok=True)
    save_safetensors(os.path.join(folder, "pytorch-tiny.safetensors"), model.state_dict(), {"format": "pt", "trained_by": "samples/PyTorch/train.py --tiny"})
    with open(os.path.join(folder, "pytorch-tiny.json"), "w") as f:
        json.dump({"torch": torch.__version__, "inputs": inputs.tolist(), "outputs": outputs.tolist()}, f, indent=1)
        f.write("\n")
    print(f"saved the tiny model and its outputs in {folder}")


def cnn(folder):
    """A small CNN with padding, a stride of 2, both poolings and every kind of layer, and its outputs on fixed inputs."""
    torch.manual_seed(5)
    model = nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, stride=2), nn.Tanh(), nn.AvgPool2d(2, stride=1),
        nn.Flatten(), nn.Linear(6, 5), nn.Softmax(dim=1))
    with torch.no_grad():
        inputs = torch.rand(8, 2, 10, 12, generator=torch.Generator().manual_seed(13)) * 4 - 2
        outputs = model(inputs)
    os.makedirs(folder, exist_ok=True)
    save_safetensors(os.path.join(folder, "pytorch-cnn.safetensors"), model.state_dict(), {"format": "pt", "trained_by": "samples/PyTorch/train.py --cnn"})
    with open(os.path.join(folder, "pytorch-cnn.json"), "w") as f:
        json.dump({"torch": torch.__version__, "inputs": inputs.reshape(8, -1).tolist(), "outputs": outputs.tolist()}, f, indent=1)
        f.write("\n")
    print(f"saved the CNN and its outputs in {folder}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="digits.safetensors")
    parser.add_argument("--onnx")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tiny")
    parser.add_argument("--cnn")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.tiny:
        tiny(args.tiny)
    elif args.cnn:
        cnn(args.cnn)
    else:
        train_digits(args)


if __name__ == "__main__":
    sys.exit(main())
