#!/usr/bin/env bash
# Where one ion's engine time goes: runs `xasflow bench engine` for the given ions under Java Flight Recorder (with
# DebugNonSafepoints, so inlined methods are attributed correctly) and prints the hottest methods, self and inclusive.
# Usage: scripts/profile-engine.sh ION[,ION…] [samples per ion, default 400]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ions="${1:?usage: scripts/profile-engine.sh ION[,ION…] [samples]}"
samples="${2:-400}"
bash "$root/scripts/setup.sh"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
OPENBLAS_NUM_THREADS=1 java -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
    -XX:StartFlightRecording=filename="$out/engine.jfr",settings=profile \
    -jar "$root/target/xasflow-0.1.0.jar" bench engine --samples "$samples" --ions "$ions" --threads 1 \
    --write "$out/bench.md" | grep '^|\|Median'
# jfr print keeps only 5 frames per stack by default, too few for the inclusive column.
jfr print --stack-depth 256 --events jdk.ExecutionSample,jdk.NativeMethodSample "$out/engine.jfr" > "$out/samples.txt"
/usr/bin/python3 "$root/scripts/jfr_hot_methods.py" "$out/samples.txt"
