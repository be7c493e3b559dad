"""The PyTorch side of bench/compare-pytorch.sh.

Trains the same 784-128-10 network as NetGen (nn.Sequential: Linear, ReLU, Linear; cross-entropy
on the logits, which equals NetGen's fused softmax + cross-entropy) for one epoch, in the files'
order, with plain SGD, from the initial parameters NetGen saved. Prints one JSON line.

The safetensors files are read and written with the standard library only (struct + json), so the
check that a file moves between NetGen and PyTorch does not depend on the safetensors package.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    """An IDX file (gzipped or raw): big-endian magic, then dimensions, then unsigned bytes."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(folder, stem):
    for name in (stem + ".gz", stem):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    sys.exit(f"error: {folder} has no {stem}[.gz]")


def load(folder, prefix):
    images = read_idx(find(folder, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find(folder, f"{prefix}-labels-idx1-ubyte"))
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
    return x, torch.from_numpy(labels.astype(np.int64))


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    length, = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", (name, entry["dtype"])
        start, end = entry["data_offsets"]
        values = np.frombuffer(blob, dtype="<f4", count=(end - start) // 4, offset=8 + length + start)
        tensors[name] = torch.from_numpy(values.reshape(entry["shape"]).copy())
    return tensors


def write_safetensors(path, tensors):
    header, offset, chunks = {}, 0, []
    for name, tensor in tensors.items():
        data = tensor.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def loaded_blas():
    """The BLAS and LAPACK libraries this process mapped, read from /proc/self/maps."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line or "lapack" in line}
    return sorted(os.path.realpath(p) for p in paths if p.startswith("/"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--init", required=True, help="NetGen's initial parameters (safetensors)")
    parser.add_argument("--save", help="where to save the trained parameters (safetensors)")
    parser.add_argument("--netgen", help="NetGen's trained parameters: evaluate them here too")
    parser.add_argument("--flops", type=float, required=True, help="training flops per sample at this batch size")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "t10k")

    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    model.load_state_dict(read_safetensors(args.init))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()

    n = len(train_x)
    start = time.perf_counter()
    total = 0.0
    for i in range(0, n, args.batch):
        x, y = train_x[i:i + args.batch], train_y[i:i + args.batch]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
    seconds = time.perf_counter() - start

    def accuracy(m):
        with torch.no_grad():
            return (m(test_x).argmax(1) == test_y).float().mean().item()

    result = {
        "tool": "pytorch",
        "torch": torch.__version__,
        "blas": loaded_blas(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "batch": args.batch,
        "threads": torch.get_num_threads(),
        "seconds": round(seconds, 4),
        "samples_per_second": round(n / seconds),
        "gflops": round(n / seconds * args.flops / 1e9, 1),
        "train_loss": round(total / n, 5),
        "test_accuracy": round(accuracy(model), 5),
    }
    if args.save:
        write_safetensors(args.save, model.state_dict())
    if args.netgen:
        # NetGen's trained parameters in PyTorch: accuracy, and how far they are from PyTorch's own.
        other = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        other.load_state_dict(read_safetensors(args.netgen))
        result["netgen_params_test_accuracy_in_pytorch"] = round(accuracy(other), 5)
        result["max_param_difference"] = max(
            (a - b).abs().max().item() for a, b in zip(model.state_dict().values(), other.state_dict().values()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
