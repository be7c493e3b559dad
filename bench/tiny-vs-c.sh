#!/usr/bin/env bash
# The 4-16-3 network's Forward: NetGen (through INetwork, one thread) against the same pass as plain C
# compiled with gcc -O3 -march=native (bench/tiny-c/forward.c), each the best of 30 rounds of 1M calls.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O3 -march=native -o "$work/forward" bench/tiny-c/forward.c -lm
"$work/forward"
dotnet build bench/NetGen.Measure -c Release -v quiet -nologo > /dev/null
bench/NetGen.Measure/bin/Release/net10.0/netgen-measure forward --network 4-16-3
