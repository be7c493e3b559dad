#!/usr/bin/env bash
# Epochs and training seconds for SGD, Momentum and Adam to reach a test accuracy with 784-128-10.
#
#   bench/time-to-accuracy.sh [--fashion DIR]
#
# On the MNIST digits shipped in data/mnist-10k (target 94%) and on Fashion-MNIST (target 87%; from
# /usr/share/datasets/fashion-mnist, `apt-get install dataset-fashion-mnist`, or --fashion DIR).
# Batches of 32, seed 1, a shuffle per epoch, constant learning rate: 0.1 for SGD, 0.01 for Momentum
# 0.9 (the same step size once the velocity builds up), 0.001 for Adam (PyTorch's default).
# Seconds count training only, not the evaluation after each epoch.
set -euo pipefail
cd "$(dirname "$0")/.."

fashion=/usr/share/datasets/fashion-mnist
[[ ${1:-} == --fashion ]] && fashion=$2

dotnet build bench/NetGen.Measure -c Release -v quiet -nologo > /dev/null
measure=bench/NetGen.Measure/bin/Release/net10.0/netgen-measure

run() { # run DATA-NAME DIR TARGET
    local name=$1 dir=$2 target=$3
    for optimizer in sgd:mlp128:0.1 momentum:mlp128-momentum:0.01 adam:mlp128-adam:0.001; do
        IFS=: read -r label network lr <<< "$optimizer"
        line=$($measure converge --network "$network" --data "$dir" --batch 32 --lr "$lr" --seed 1 --epochs 30 --target "$target")
        python3 - "$name" "$label" "$lr" "$line" <<'EOF'
import json, sys
name, label, lr, r = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
epochs = r["epochs_to_target"] if r["epochs_to_target"] is not None else f"not in {r['epochs']}"
seconds = f"{r['training_seconds_to_target']:.1f}" if r["training_seconds_to_target"] is not None else "-"
print(f"| {name} | {r['target']:.0%} | {label} | {lr} | {epochs} | {seconds} | {r['best_accuracy']:.2%} |")
EOF
    done
}

echo "| data | target | optimizer | lr | epochs to target | seconds to target | best in 30 epochs |"
echo "|---|---|---|---|---|---|---|"
run "MNIST digits (data/mnist-10k)" data/mnist-10k 0.94
if [[ -d $fashion ]]; then
    run "Fashion-MNIST" "$fashion" 0.87
else
    echo "(no Fashion-MNIST at $fashion: apt-get install dataset-fashion-mnist, or pass --fashion DIR)" >&2
fi
