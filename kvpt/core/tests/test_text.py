"""Folding and normalisation: what search and storage rely on."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from kvpt.core.text import clean_text, fold, nfc


def test_fold_maps_d_stroke_and_drops_every_mark() -> None:
    assert fold("Đường cơ động") == "duong co dong"
    assert fold("HẬU CẦN - KỸ THUẬT") == "hau can - ky thuat"
    assert fold("Trí Nang") == "tri nang"


def test_fold_is_the_same_for_composed_and_decomposed_input() -> None:
    composed = "Tiểu ban bảo vệ - an ninh"
    decomposed = unicodedata.normalize("NFD", composed)
    assert fold(composed) == fold(decomposed)


def test_clean_text_gives_nfc_and_single_spaces() -> None:
    assert clean_text("  Ban  Chỉ\u0301 đạo ") == nfc("Ban Chỉ\u0301 đạo").replace("  ", " ")
    assert clean_text(unicodedata.normalize("NFD", "Lang Chánh")) == "Lang Chánh"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
