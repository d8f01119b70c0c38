#!/usr/bin/env bash
# The README's test command: set-up, then the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export OPENBLAS_NUM_THREADS=1
mvn -B test "$@"
