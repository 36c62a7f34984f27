"""Text helpers: NFC normalisation of input and Vietnamese accent folding for search."""

from __future__ import annotations

import re
import unicodedata

_COMBINING = re.compile(r"[\u0300-\u036f]")
_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """Every text we store is NFC, so the same word typed on two keyboards compares equal."""
    return unicodedata.normalize("NFC", value)


def clean_text(value: str | None) -> str:
    """NFC, strip, and collapse runs of whitespace inside a single-line value."""
    if not value:
        return ""
    return _SPACES.sub(" ", nfc(value)).strip()


def fold(value: str | None) -> str:
    """Accent-insensitive key: NFD, drop combining marks, đ/Đ -> d, casefold.

    unicodedata leaves đ alone (it is a letter, not d + a mark), hence the explicit mapping.
    """
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value)
    stripped = _COMBINING.sub("", decomposed).replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.casefold()).strip()
