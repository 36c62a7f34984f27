"""Fill the English catalogue from the pending translation files (locale/en/pending/*.json).

Several people add strings at once; each writes their translations into a JSON file of their own
({"msgid": "translation", "plural msgid": ["one", "other"]}) instead of editing django.po, which
`makemessages` rewrites whole. This script puts them into django.po after `makemessages`:
an entry whose msgid has a pending translation gets it (the pending files are the source of
truth: a corrected translation replaces the old one); the rest is left alone.

    uv run python scripts/po_fill.py   # after makemessages, before compilemessages
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/en/LC_MESSAGES/django.po"
PENDING = ROOT / "locale/en/pending"


def _unquote(lines: list[str]) -> str:
    text = "".join(json.loads(line[line.index('"') :]) for line in lines)
    return text


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _field(entry: list[str], key: str) -> tuple[int, int] | None:
    """Line span [start, end) of a field (msgid, msgstr, msgstr[0] ...) in an entry."""
    for i, line in enumerate(entry):
        if line.startswith(key + " "):
            j = i + 1
            while j < len(entry) and entry[j].startswith('"'):
                j += 1
            return i, j
    return None


def load_pending() -> dict[str, str | list[str]]:
    merged: dict[str, str | list[str]] = {}
    for path in sorted(PENDING.glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def fill_entry(entry: list[str], pending: dict[str, str | list[str]]) -> tuple[list[str], bool]:
    span = _field(entry, "msgid")
    if span is None:
        return entry, False
    msgid = _unquote([entry[span[0]][len("msgid ") :], *entry[span[0] + 1 : span[1]]])
    if not msgid or msgid not in pending:
        return entry, False
    fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in entry)
    value = pending[msgid]
    out = [line for line in entry if not line.startswith("#| ")]
    if isinstance(value, list):
        for n, text in enumerate(value):
            span_n = _field(out, f"msgstr[{n}]")
            if span_n is None:
                continue
            head = out[span_n[0]][len(f"msgstr[{n}] ") :]
            current = _unquote([head, *out[span_n[0] + 1 : span_n[1]]])
            if current == text and not fuzzy:
                continue
            out[span_n[0] : span_n[1]] = [f"msgstr[{n}] {_quote(text)}"]
    else:
        span_s = _field(out, "msgstr")
        if span_s is None:
            return entry, False
        current = _unquote([out[span_s[0]][len("msgstr ") :], *out[span_s[0] + 1 : span_s[1]]])
        if current == value and not fuzzy:
            return entry, False
        out[span_s[0] : span_s[1]] = [f"msgstr {_quote(value)}"]
    if fuzzy:
        out = [_drop_fuzzy(line) for line in out]
        out = [line for line in out if line != "#,"]
    return out, True


def _drop_fuzzy(line: str) -> str:
    if not line.startswith("#,"):
        return line
    flags = [f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
    return "#, " + ", ".join(flags) if flags else "#,"


def main() -> int:
    pending = load_pending()
    entries = re.split(r"\n\n+", PO.read_text(encoding="utf-8").strip("\n"))
    filled = 0
    result = []
    for raw in entries:
        lines, changed = fill_entry(raw.split("\n"), pending)
        filled += changed
        result.append("\n".join(lines))
    PO.write_text("\n\n".join(result) + "\n", encoding="utf-8")
    print(f"po_fill: {filled} entries filled from {len(pending)} pending translations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
