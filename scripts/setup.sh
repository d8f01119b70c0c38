#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: native OpenBLAS for LAPACK (optional but ~8x faster eigensolves),
# then the Maven build when the jar is missing or older than the sources.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0'; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing libopenblas0 (native LAPACK)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0 >/dev/null) \
      || echo "setup: libopenblas0 could not be installed; the engine falls back to pure-Java LAPACK (slower)" >&2
  else
    echo "setup: libopenblas0 missing and cannot be installed here; using pure-Java LAPACK (slower)" >&2
  fi
fi

jar="target/xasflow-0.1.0.jar"
if [ ! -f "$jar" ] || [ -n "$(find src schemas pom.xml -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "setup: building $jar" >&2
  mvn -q -B -Dstyle.color=never -DskipTests package >&2
fi
