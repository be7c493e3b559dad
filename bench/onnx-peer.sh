#!/usr/bin/env bash
# NetGen's compiled-in networks against ONNX Runtime on the same weights (issue: embedded inference).
#
#   bench/onnx-peer.sh [--job short|default] [--runs N]
#
# 1. PyTorch makes the networks (4-16-3, 784-128-10, 784-256-256-256-10) with one set of weights, written
#    twice: safetensors for NetGen to compile in, ONNX (torch.onnx.export) for ONNX Runtime.
# 2. This core's FMA peak, for scale.
# 3. Start-up in fresh processes, median of --runs: ONNX Runtime's session creation and first run against
#    NetGen's construction and first Forward (JIT), and the Native AOT build of samples/EmbeddedDigits from
#    process start to its first prediction and exit.
# 4. BenchmarkDotNet: one sample's Forward, one thread, NetGen against ONNX Runtime's allocation-free
#    calling styles. ONNX Runtime is a peer here, never a dependency of NetGen.
# Needs root to install the peers the first time (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."

job=short
runs=15
while [[ $# -gt 0 ]]; do
    case $1 in
        --job) job=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) echo "usage: $0 [--job short|default] [--runs N]" >&2; exit 2 ;;
    esac
done

packages=(python3-torch python3-numpy)
source bench/peers.sh
install_missing "${packages[@]}"
python=/usr/bin/python3

echo "== the networks, one set of weights in both formats"
$python bench/NetGen.OnnxPeer/export_models.py bench/NetGen.OnnxPeer/models

echo "== this core's FMA peak"
dotnet build bench/NetGen.Measure -c Release -v quiet -nologo > /dev/null
bench/NetGen.Measure/bin/Release/net10.0/netgen-measure peak

echo "== start-up, fresh processes, median of $runs"
dotnet build bench/NetGen.OnnxPeer -c Release -v quiet -nologo > /dev/null
peer=bench/NetGen.OnnxPeer/bin/Release/net10.0/NetGen.OnnxPeer
aot=$(mktemp -d)
trap 'rm -rf "$aot"' EXIT
dotnet publish samples/EmbeddedDigits -c Release -o "$aot" -v quiet -nologo > /dev/null
$python - "$peer" "$aot/embedded-digits" "$runs" <<'PY'
import os, re, statistics, subprocess, sys, time
peer, aot, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
for name in ("tiny", "mnist", "deep"):
    onnx, netgen = [], []
    for _ in range(runs):
        line = subprocess.run([peer, "startup", name], check=True, capture_output=True, text=True).stdout
        o, n = map(float, re.findall(r"([0-9.]+) ms", line))
        onnx.append(o); netgen.append(n)
    print(f"{name}: ONNX Runtime session creation + first run {statistics.median(onnx):.1f} ms "
          f"(min {min(onnx):.1f}); NetGen construction + first Forward (JIT) {statistics.median(netgen):.1f} ms (min {min(netgen):.1f})")
wall, inside = [], []
for _ in range(runs):
    start = time.perf_counter()
    out = subprocess.run([aot, "--first"], check=True, capture_output=True, text=True).stdout
    wall.append((time.perf_counter() - start) * 1000)
    inside.append(float(re.search(r"recognised ([0-9.]+) ms", out).group(1)))
print(f"EmbeddedDigits, Native AOT ({os.path.getsize(aot):,} bytes): process start to first prediction and exit "
      f"{statistics.median(wall):.2f} ms (min {min(wall):.2f}); Main to first prediction {statistics.median(inside):.2f} ms")
PY

echo "== one sample's Forward, one thread (BenchmarkDotNet, $job job)"
(cd bench/NetGen.OnnxPeer && dotnet run -c Release --no-build -- --filter '*' --job "$job")
