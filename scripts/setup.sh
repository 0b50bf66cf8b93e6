#!/usr/bin/env bash
# Set up the project on a fresh machine: a virtual environment at .venv/ with qa-pipeline in it.
#   bash scripts/setup.sh          runtime only
#   bash scripts/setup.sh --dev    plus test tools, and the Debian packages the tests use
#                                  (espeak-ng, sox, ffmpeg, chromium, chromium-driver)
# Safe to run again: it reinstalls only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

py=""
for cand in python3.11 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    py=$cand; break
  fi
done
if [ -z "$py" ]; then
  echo "setup: Python 3.11 is required (python3.11 or python3 must be 3.11)" >&2
  exit 1
fi

if [ "$dev" = 1 ]; then
  need=()
  for pair in espeak-ng:espeak-ng sox:sox ffmpeg:ffmpeg chromium:chromium chromedriver:chromium-driver; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
  done
  if [ "${#need[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "setup: installing Debian packages: ${need[*]}" >&2
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
      echo "setup: please install these Debian packages (tests need them): ${need[*]}" >&2
    fi
  fi
fi

[ -x .venv/bin/python ] || "$py" -m venv .venv
extra=""; [ "$dev" = 1 ] && extra="[dev]"
stamp=".venv/.qa-pipeline-installed${extra}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages into .venv (torch 2.11.0 CUDA build, about 5 GB, a few minutes the first time)" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extra}"
  # resemblyzer asks for 'webrtcvad', which does not build here; webrtcvad-wheels (a dependency
  # above) provides the same module, so resemblyzer itself is installed without its deps.
  .venv/bin/python -m pip install -q --no-deps "resemblyzer==0.1.4"
  echo "$want" > "$stamp"
fi
.venv/bin/qa-pipeline --version >&2
