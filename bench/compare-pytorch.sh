#!/usr/bin/env bash
# NetGen against PyTorch on the same 784-128-10 network, one epoch of Fashion-MNIST.
#
#   bench/compare-pytorch.sh [--data DIR] [--runs N] [--threads N]
#
# Both sides start from the same initial parameters (NetGen saves them, PyTorch loads the file), see the
# samples in the files' order with the same batches and learning rates, and run in fresh processes, so
# the first epoch includes each one's start-up (NetGen's JIT, PyTorch's allocator). The table shows the
# median of --runs runs. Needs root to install the peers the first time (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."

data=/usr/share/datasets/fashion-mnist
runs=3
threads=1
while [[ $# -gt 0 ]]; do
    case $1 in
        --data) data=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        *) echo "usage: $0 [--data DIR] [--runs N] [--threads N]" >&2; exit 2 ;;
    esac
done

# The peers: Debian's PyTorch on OpenBLAS (with Debian's default reference BLAS PyTorch is 2-10x slower).
packages=(python3-torch python3-numpy libopenblas0-openmp)
[[ $data == /usr/share/datasets/fashion-mnist ]] && packages+=(dataset-fashion-mnist)
source bench/peers.sh
install_missing "${packages[@]}"

# This machine exports OPENBLAS_CORETYPE=Haswell, which holds OpenBLAS to its AVX2 kernels at half speed.
export OPENBLAS_CORETYPE=Cooperlake
export OMP_NUM_THREADS=$threads
python=/usr/bin/python3

dotnet build bench/NetGen.Measure -c Release -v quiet -nologo > /dev/null
measure=bench/NetGen.Measure/bin/Release/net10.0/netgen-measure
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "measuring this core's FMA peak"
$measure peak > "$work/peak.json"

for batch in 1 64; do
    lr=$([[ $batch == 1 ]] && echo 0.01 || echo 0.1)
    flops=$($python -c "
w = 784 * 128 + 128 * 10; w2 = 128 * 10; p = w + 128 + 10
print(4 * w + 2 * w2 + 2 * p / $batch)")
    for run in $(seq "$runs"); do
        echo "batch $batch, run $run of $runs"
        $measure train --data "$data" --batch "$batch" --lr "$lr" --threads "$threads" --seed "$run" \
            --init "$work/init.safetensors" --save "$work/netgen.safetensors" >> "$work/netgen.json"
        $python bench/compare_pytorch.py --data "$data" --batch "$batch" --lr "$lr" --threads "$threads" \
            --flops "$flops" --init "$work/init.safetensors" --save "$work/pytorch.safetensors" \
            --netgen "$work/netgen.safetensors" >> "$work/pytorch.json"
        # and the other way round: PyTorch's trained parameters evaluated by NetGen
        $measure evaluate --data "$data" --load "$work/pytorch.safetensors" >> "$work/interop-b$batch.json"
    done
done

echo "Fashion-MNIST with a wider NetGen MLP (784-512-256-10, Adam, cosine schedule, batch 64, both cores)"
$measure converge --network mlp512x256-adam --data "$data" --batch 64 --lr 0.001 --epochs 15 --cosine \
    --target 0.89 > "$work/fashion.json"

$python - "$work" "$threads" <<'EOF'
import json, statistics, sys
work, threads = sys.argv[1], sys.argv[2]
lines = lambda name: [json.loads(l) for l in open(f"{work}/{name}") if l.strip()]
peak = lines("peak.json")[0]
netgen, torch = lines("netgen.json"), lines("pytorch.json")
print()
print(f"CPU {peak['cpu']}: single-core FP32 FMA peak {peak['gflops']} GFLOP/s ({peak['vector_bits']}-bit vectors)")
print(f"PyTorch {torch[0]['torch']}, BLAS loaded: {', '.join(torch[0]['blas']) or 'none found'}, OPENBLAS_CORETYPE={torch[0]['openblas_coretype']}")
print(f"784-128-10, one epoch in a fresh process, {threads} thread(s), median of {len(netgen) // 2} runs")
print()
header = "| batch | NetGen samples/s | PyTorch samples/s | ratio | NetGen test acc. | PyTorch test acc. | NetGen GFLOP/s (% of peak) | PyTorch GFLOP/s (% of peak) |"
print(header)
print("|" + "---|" * 8)
for batch in (1, 64):
    n = [r for r in netgen if r["batch"] == batch]
    t = [r for r in torch if r["batch"] == batch]
    med = lambda rows, key: statistics.median(r[key] for r in rows)
    ns, ts = med(n, "samples_per_second"), med(t, "samples_per_second")
    ng, tg = med(n, "gflops"), med(t, "gflops")
    print(f"| {batch} | {ns:,.0f} | {ts:,.0f} | {ns / ts:.1f}x | {med(n, 'test_accuracy'):.2%} | {med(t, 'test_accuracy'):.2%} "
          f"| {ng:.1f} ({ng / peak['gflops']:.0%}) | {tg:.1f} ({tg / peak['gflops']:.0%}) |")
print()
for batch in (1, 64):
    t = [r for r in torch if r["batch"] == batch]
    back = lines(f"interop-b{batch}.json")
    print(f"batch {batch}: same parameters? largest difference after one epoch {statistics.median(r['max_param_difference'] for r in t):.2e} (median); "
          f"NetGen's parameters in PyTorch {t[-1]['netgen_params_test_accuracy_in_pytorch']:.2%}, "
          f"PyTorch's parameters in NetGen {back[-1]['test_accuracy']:.2%} (PyTorch says {t[-1]['test_accuracy']:.2%})")
f = lines("fashion.json")[0]
print()
print(f"Fashion-MNIST, {f['network']}: {f['best_accuracy']:.2%} best test accuracy in {f['epochs']} epochs, "
      f"{f['training_seconds']:.1f} s of training; reached {f['target']:.0%} after epoch {f['epochs_to_target']} "
      f"({f['training_seconds_to_target']} s)")
EOF
