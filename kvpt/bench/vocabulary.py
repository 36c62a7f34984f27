"""Realistic Vietnamese text for the synthetic data, drawn from the committed vocabulary.

bench/vocabulary/words.txt is ordered by rank: entry n is drawn with weight
1 / (n + OFFSET) ** EXPONENT (a Zipf-Mandelbrot law, like word frequencies in real text), so
benchmark queries can pick frequent, medium and rare words. The generator counts every draw;
`tiers` reads the counts back.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kvpt.core.text import fold, nfc

VOCABULARY_DIR = Path(__file__).resolve().parents[2] / "bench" / "vocabulary"
EXPONENT = 1.07
OFFSET = 2.7
TIER_SIZE = 10
DRAW_BLOCK = 8192


def read_lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines, NFC, inner whitespace collapsed."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = " ".join(nfc(raw).split())
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


@cache
def words() -> tuple[str, ...]:
    """The ranked vocabulary, duplicates (case-insensitive) dropped after their first rank."""
    seen: set[str] = set()
    ranked = []
    for word in read_lines(VOCABULARY_DIR / "words.txt"):
        if word.casefold() not in seen:
            seen.add(word.casefold())
            ranked.append(word)
    return tuple(ranked)


@cache
def names() -> dict[str, tuple[str, ...]]:
    """Sections of names.txt: family, middle, given (people), province, place (area names)."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in read_lines(VOCABULARY_DIR / "names.txt"):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = []
        elif current:
            sections[current].append(line)
    return {key: tuple(values) for key, values in sections.items()}


@cache
def cumulative_weights(size: int) -> tuple[float, ...]:
    return tuple(itertools.accumulate(1 / (n + OFFSET) ** EXPONENT for n in range(size)))


@cache
def standalone_ranks(vocabulary: tuple[str, ...]) -> tuple[int, ...]:
    """Ranks of the entries whose folded form occurs inside no other entry's folded form.

    Folded because the app's search is accent-insensitive: "ban" also finds "bạn" and "bàn".
    """
    folded = [fold(w) for w in vocabulary]
    return tuple(
        i
        for i, word in enumerate(folded)
        if not any(word in other and word != other for other in folded)
    )


class _FoldedChars(dict[int, str]):
    """Each character's accent fold (by code point, for str.translate), computed once with
    kvpt.core.text.fold itself."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = " " if char.isspace() else fold(char)
        self[code] = folded
        return folded


_FOLDED_CHARS = _FoldedChars()


def fast_fold(value: str) -> str:
    """kvpt.core.text.fold, one character at a time (equal for NFC text, the app's own form).

    fold is NFD, drop the combining marks, đ -> d, casefold, collapse the spaces: all but the
    last work character by character, so a per-character table gives the same result much
    faster on the million observations of the national seed (a test checks the equality).
    """
    if not value:
        return ""
    return " ".join(value.translate(_FOLDED_CHARS).split())


@dataclass
class TextMaker:
    """Draws Vietnamese words and phrases with a seeded generator and counts each draw."""

    rng: random.Random
    vocabulary: tuple[str, ...] = field(default_factory=words)
    counts: Counter[int] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._cum = cumulative_weights(len(self.vocabulary))
        self._ranks = range(len(self.vocabulary))
        # Ranks are drawn ahead in blocks (one `choices` call per block is much cheaper than one
        # per phrase: the national seed draws tens of millions); only those used are counted.
        self._ahead: list[int] = []
        self._next = 0

    def draw(self, k: int) -> list[str]:
        if self._next + k > len(self._ahead):
            rest = self._ahead[self._next :]
            block = self.rng.choices(self._ranks, cum_weights=self._cum, k=max(DRAW_BLOCK, k))
            self._ahead, self._next = rest + block, 0
        picked = self._ahead[self._next : self._next + k]
        self._next += k
        self.counts.update(picked)
        vocabulary = self.vocabulary
        return [vocabulary[i] for i in picked]

    def phrase(self, low: int, high: int, *, limit: int = 400) -> str:
        """A capitalised run of `low`..`high` vocabulary entries, cut to `limit` characters."""
        text = " ".join(self.draw(self.rng.randint(low, high)))
        text = text[:1].upper() + text[1:]
        return text[:limit].rstrip()

    def paragraph(self, sentences: int, *, limit: int = 4000) -> str:
        return " ".join(self.phrase(6, 16) + "." for _ in range(sentences))[:limit]

    def person_name(self) -> str:
        n = names()
        return " ".join(
            (
                self.rng.choice(n["family"]),
                self.rng.choice(n["middle"]),
                self.rng.choice(n["given"]),
            )
        )

    def place_name(self) -> str:
        place = names()["place"]
        first, second = self.rng.sample(place, 2)
        return f"{first} {second}"

    def tiers(self, size: int = TIER_SIZE) -> dict[str, list[dict[str, Any]]]:
        """Frequent, medium and rare words, with how many times each was drawn.

        Only entries that are not part of another entry are offered, so that an accent-insensitive
        search for a word finds about as many rows as it was drawn ("an toàn" would also find
        "an toàn tuyệt đối", "ban" would also find "bàn").
        frequent: the most drawn; rare: the least drawn (1-3 times at large scale); medium: drawn
        about sqrt(top x bottom) times.
        """
        standalone = [i for i in standalone_ranks(self.vocabulary) if self.counts[i] > 0]
        if not standalone:
            return {"frequent": [], "medium": [], "rare": []}
        by_count = sorted(standalone, key=lambda i: (-self.counts[i], i))
        frequent = by_count[:size]
        rest = by_count[size:]
        rare = sorted(rest, key=lambda i: (self.counts[i], i))[:size]
        # Medium: about the geometric mean of the top and the bottom counts.
        target = math.sqrt(self.counts[by_count[0]] * max(1, self.counts[rare[0]] if rare else 1))
        middle = [i for i in rest if i not in rare]
        medium = sorted(middle, key=lambda i: (abs(math.log(self.counts[i] / target)), i))[:size]

        def describe(indexes: list[int]) -> list[dict[str, Any]]:
            return [
                {
                    "word": self.vocabulary[i],
                    "folded": fold(self.vocabulary[i]),
                    "rank": i + 1,
                    "drawn": self.counts[i],
                }
                for i in indexes
            ]

        return {"frequent": describe(frequent), "medium": describe(medium), "rare": describe(rare)}
