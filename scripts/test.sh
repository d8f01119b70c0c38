#!/usr/bin/env bash
# The README's test command: set-up (Java build, native LAPACK, Debian's Python stack), then the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
bash scripts/setup-python.sh
export OPENBLAS_NUM_THREADS=1
/usr/bin/python3 -m unittest discover -s training -p 'test_*.py'
mvn -B test "$@"
