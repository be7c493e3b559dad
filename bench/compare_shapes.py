"""The PyTorch side of bench/compare-shapes.sh.

The same operations as `netgen-measure shapes` on the same network shape: Predict of 1,024 samples
(inference mode, softmax outputs), TrainBatch of 64 and 256 and of 1 sample (forward, cross-entropy,
backward, SGD step), and per-sample SGD over 64 samples; random inputs, torch.set_num_threads(threads).
Prints one JSON line per operation, samples per second as the median of timed rounds.
"""
import argparse
import json
import time

import torch
from torch import nn


def build(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def cnn():
    """The CNN of the convolution issue, as NetGen's `cnn` declares it."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(256, 64), nn.ReLU(), nn.Linear(64, 10))


def measure(call, samples_per_call, seconds):
    for _ in range(3):
        call()
    start = time.perf_counter()
    call()
    once = max(time.perf_counter() - start, 1e-7)
    per_round = int(min(max(0.02 / once, 1), 1_000_000))
    rounds, total = [], time.perf_counter()
    while time.perf_counter() - total < seconds or len(rounds) < 5:
        start = time.perf_counter()
        for _ in range(per_round):
            call()
        rounds.append((time.perf_counter() - start) / per_round)
    rounds.sort()
    return samples_per_call / rounds[len(rounds) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    if args.network == "cnn":
        model = cnn()
        x = torch.rand(1024, 1, 28, 28)
        labels = torch.randint(0, 10, (1024,))
    else:
        sizes = [int(s) for s in args.network.split("-")]
        model = build(sizes)
        x = torch.rand(1024, sizes[0])
        labels = torch.randint(0, sizes[-1], (1024,))
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
    loss_fn = nn.CrossEntropyLoss()

    def predict(count=1024):
        with torch.inference_mode():
            torch.softmax(model(x[:count]), dim=1)

    def train(batch, state={"at": 0}):
        at = state["at"]
        optimizer.zero_grad(set_to_none=False)
        loss_fn(model(x[at:at + batch]), labels[at:at + batch]).backward()
        optimizer.step()
        state["at"] = (at + batch) % (1024 - batch + 1) if batch < 1024 else 0

    def sequential():
        for s in range(64):
            optimizer.zero_grad(set_to_none=False)
            loss_fn(model(x[s:s + 1]), labels[s:s + 1]).backward()
            optimizer.step()

    results = [("predict-1024", lambda: predict(), 1024), ("predict-64", lambda: predict(64), 64)]
    for batch in (64, 256, 1):
        results.append((f"train-batch-{batch}", lambda b=batch: train(b), batch))
    results.append(("train-sequential-64", sequential, 64))
    for name, call, samples in results:
        rate = measure(call, samples, args.seconds)
        print(json.dumps({"side": "pytorch", "network": args.network, "threads": args.threads, "operation": name,
                          "samples_per_second": round(rate, 1), "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
