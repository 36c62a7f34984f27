#!/usr/bin/env bash
# Install the Debian packages given as arguments when they are missing.
# Fast when nothing is missing (dpkg -s only); apt-get update only when something is.
# Without root it only warns: `make run` still works, with what the machine already has.
set -euo pipefail

missing=()
for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "!! Thiếu gói Debian (missing Debian packages): ${missing[*]}" >&2
    echo "!! Chạy với quyền root hoặc: sudo apt-get install ${missing[*]}" >&2
    # CI runs as root; a missing package there is a real failure, not a warning.
    [[ ${CI:-} == true ]] && exit 1
    exit 0
fi

echo "==> Cài gói Debian (installing Debian packages): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
