#!/usr/bin/env bash
# Compile the gettext catalogues under locale/ (Vietnamese is the source; English is a catalogue).
# Usage: KVPT_UV="uv" scripts/compile-messages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a UV <<<"${KVPT_UV:-uv}"

shopt -s nullglob
catalogues=(locale/*/LC_MESSAGES/*.po)
[[ ${#catalogues[@]} -eq 0 ]] && exit 0
if ! command -v msgfmt >/dev/null 2>&1; then
    echo "!! msgfmt (gói gettext) chưa có: bỏ qua biên dịch bản dịch (skipping compilemessages)" >&2
    [[ ${CI:-} == true ]] && exit 1
    exit 0
fi
"${UV[@]}" run --frozen python manage.py compilemessages --ignore=.venv --ignore=var -v 0
