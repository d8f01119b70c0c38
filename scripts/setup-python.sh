#!/usr/bin/env bash
# Python for training/ (Debian packages only, no PyPI): torch 1.13, onnx, numpy, scipy, sklearn, matplotlib.
# Idempotent; the tests need it for the training smoke (engine data -> 1 epoch -> ONNX -> Java).
set -euo pipefail
python=/usr/bin/python3
if "$python" -c 'import torch, onnx, numpy, sklearn, matplotlib' 2>/dev/null; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "setup: installing Debian's python3-torch, python3-onnx, numpy, scipy, sklearn, matplotlib" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-onnx python3-numpy python3-scipy \
    python3-sklearn python3-matplotlib >/dev/null
else
  echo "setup: $python lacks torch/onnx and apt-get is not usable here; install python3-torch python3-onnx" >&2
  exit 1
fi
