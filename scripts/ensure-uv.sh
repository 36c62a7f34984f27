#!/usr/bin/env bash
# Make sure uv is available: a fresh machine has Python and pip but not uv.
set -euo pipefail

if command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1; then
    exit 0
fi
echo "==> uv chưa có: cài bằng pip (uv not found: installing it with pip)"
# A Debian system Python refuses plain pip installs (PEP 668); a pyenv or venv Python does not.
python3 -m pip install --quiet uv \
    || python3 -m pip install --quiet --break-system-packages uv
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
python3 -m uv --version
