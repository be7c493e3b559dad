#!/usr/bin/env bash
# NetGen against PyTorch and TorchSharp on the shapes of the speed issue, one thread and two, in one run.
#
#   bench/compare-shapes.sh [--seconds S] [--threads "1 2"] [--networks "4-16-3 784-128-10 ..."] [--no-torchsharp]
#
# For each network (cnn: the CNN of the convolution issue) and thread count: Predict of 1,024 and of 64 samples, TrainBatch of 64 and 256, TrainBatch of one
# sample and per-sample SGD (TrainSequential) over 64, random inputs, plain SGD, samples per second as the
# median of timed rounds (netgen-measure shapes / compare_shapes.py), and this core's FMA peak; then NetGen's
# two-thread figure over its one-thread figure for each row. PyTorch runs
# on OpenBLAS with OPENBLAS_CORETYPE=Cooperlake (this machine may export Haswell, which halves it);
# TorchSharp (bench/NetGen.TorchSharpPeer, LibTorch 2.10) on its own kernels, on Debian 12 in a process of
# its own on Debian 13's C runtime (see torchsharp_peer in bench/peers.sh).
# Needs root to install the peers the first time (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=3
threads="1 2"
networks="4-16-3 784-128-10 784-256-256-256-10 784-1024-1024-10 cnn"
torchsharp=yes
while [[ $# -gt 0 ]]; do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --networks) networks=$2; shift 2 ;;
        --no-torchsharp) torchsharp=no; shift ;;
        *) echo "usage: $0 [--seconds S] [--threads \"1 2\"] [--networks \"...\"] [--no-torchsharp]" >&2; exit 2 ;;
    esac
done

packages=(python3-torch python3-numpy libopenblas0-openmp)
source bench/peers.sh
install_missing "${packages[@]}"
export OPENBLAS_CORETYPE=Cooperlake

dotnet build bench/NetGen.Measure -c Release -v quiet -nologo > /dev/null
measure=bench/NetGen.Measure/bin/Release/net10.0/netgen-measure
peer=
if [[ $torchsharp == yes ]]; then
    peer=$(torchsharp_peer) || { echo "TorchSharp could not be set up (see above); going on without its column" >&2; peer=; }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$measure peak > "$work/peak.json"
for network in $networks; do
    for t in $threads; do
        echo "$network, $t thread(s)" >&2
        $measure shapes --network "$network" --threads "$t" --seconds "$seconds" >> "$work/results.json"
        OMP_NUM_THREADS=$t /usr/bin/python3 bench/compare_shapes.py --network "$network" --threads "$t" --seconds "$seconds" >> "$work/results.json"
        [[ -z $peer ]] || OMP_NUM_THREADS=$t "$peer" --network "$network" --threads "$t" --seconds "$seconds" >> "$work/results.json"
    done
done

/usr/bin/python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
peak = json.loads(open(f"{work}/peak.json").read().splitlines()[0])
rows = [json.loads(l) for l in open(f"{work}/results.json") if l.strip()]
key = lambda r: (r["network"], r["threads"], r["operation"])
peers = {side: {key(r): r for r in rows if r["side"] == side} for side in ("pytorch", "torchsharp")}
versions = [f"PyTorch {r['torch']}" for r in rows if r["side"] == "pytorch"][:1]
versions += [f"TorchSharp on LibTorch {r['torchsharp']}" for r in rows if r["side"] == "torchsharp"][:1]
print(f"CPU {peak['cpu']}: one core's FP32 FMA peak {peak['gflops']} GFLOP/s ({peak['vector_bits']}-bit vectors); "
      + ", ".join(versions))
print()
print("| network | threads | operation | NetGen samples/s | PyTorch samples/s | TorchSharp samples/s | NetGen / fastest peer | NetGen GFLOP/s (% of one core's peak) |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    if r["side"] != "netgen":
        continue
    found = {side: peers[side].get(key(r)) for side in peers}
    rates = [p["samples_per_second"] for p in found.values() if p]
    cell = lambda p: f"{p['samples_per_second']:,.0f}" if p else "-"
    ratio = f"{r['samples_per_second'] / max(rates):.2f}x" if rates else "-"
    pct = r["gflops"] / peak["gflops"] / r["threads"]
    print(f"| {r['network']} | {r['threads']} | {r['operation']} | {r['samples_per_second']:,.0f} | "
          f"{cell(found['pytorch'])} | {cell(found['torchsharp'])} | {ratio} | {r['gflops']:.1f} ({pct:.0%}) |")

# The target "two threads never slower than one": NetGen's own figures side by side (one run each, so a
# row within a few percent of 1.00x is within the run-to-run spread; interleave runs to judge it)
netgen = {key(r): r["samples_per_second"] for r in rows if r["side"] == "netgen"}
pairs = [(n, o) for (n, t, o) in netgen if t == 1 and (n, 2, o) in netgen]
if pairs:
    print()
    print("| network | operation | NetGen two threads / one |")
    print("|---|---|---|")
    for n, o in pairs:
        print(f"| {n} | {o} | {netgen[(n, 2, o)] / netgen[(n, 1, o)]:.2f}x |")
PY
