"""Charts, one function each returning a matplotlib Figure: SVG in pages, PNG in the DOCX.

The Agg backend (no display), and DejaVu Sans, which matplotlib ships and which carries every
Vietnamese diacritic. A chart without data says so ("Chưa có dữ liệu ...") instead of drawing axes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from kvpt.core.labels import display

FONT = {"family": "DejaVu Sans", "size": 9}
COLOURS = ("#1f5f8b", "#c98a1a", "#2e7d32", "#b3261e", "#6b6f76")


def _figure(width: float = 6.4, height: float = 3.2) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100)
    figure.set_layout_engine("tight")
    return figure


def _empty(title: str, message: str) -> Figure:
    figure = _figure(6.4, 1.6)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_title(title, fontdict={**FONT, "weight": "bold", "size": 10})
    axes.text(0.5, 0.4, message, ha="center", va="center", fontdict=FONT, style="italic")
    return figure


def _vn_thousands(value: float, _pos: Any = None) -> str:
    return f"{value:,.0f}".replace(",", ".")


def readiness_by_subcommittee(readiness: Any) -> Figure:
    """Share of each subcommittee's tasks done (%), one bar each."""
    title = "Tiến độ chuẩn bị theo tiểu ban (% công việc hoàn thành)"
    rows = list(getattr(readiness, "subcommittees", []) or [])
    if not rows:
        return _empty(title, "Chưa có dữ liệu công việc chuẩn bị.")
    figure = _figure(6.4, 0.45 * len(rows) + 1.2)
    axes = figure.add_subplot()
    names = [row.name for row in rows][::-1]
    values = [row.done_percent for row in rows][::-1]
    bars = axes.barh(names, values, color=COLOURS[0])
    axes.set_xlim(0, 100)
    axes.bar_label(bars, labels=[f"{v} %" for v in values], padding=2, fontsize=8)
    axes.set_title(title, fontdict={**FONT, "weight": "bold", "size": 10})
    axes.tick_params(labelsize=8)
    return figure


def budget_estimate_vs_settled(lines: Sequence[Any]) -> Figure:
    """Estimate, spent (actual + additional) and settled per budget category, in million VND."""
    title = "Kinh phí: dự toán, thực chi và đã quyết toán (triệu đồng)"
    if not lines:
        return _empty(title, "Chưa có dữ liệu kinh phí.")
    totals: dict[str, list[int]] = {}
    for line in lines:
        label = str(display(line, "category"))
        row = totals.setdefault(label, [0, 0, 0])
        row[0] += line.estimate
        row[1] += line.actual + line.additional
        row[2] += line.settled_amount
    labels = list(totals)
    figure = _figure(6.4, 0.55 * len(labels) + 1.5)
    axes = figure.add_subplot()
    height = 0.27
    positions = range(len(labels))
    for index, (name, colour) in enumerate(
        (("Dự toán", COLOURS[0]), ("Thực chi", COLOURS[1]), ("Đã quyết toán", COLOURS[2]))
    ):
        axes.barh(
            [p + (index - 1) * height for p in positions],
            [totals[label][index] / 1_000_000 for label in labels],
            height=height,
            label=name,
            color=colour,
        )
    axes.set_yticks(list(positions), labels)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(FuncFormatter(_vn_thousands))
    axes.legend(prop={"family": FONT["family"], "size": 8}, loc="lower right")
    axes.set_title(title, fontdict={**FONT, "weight": "bold", "size": 10})
    axes.tick_params(labelsize=8)
    return figure


def mobilisation_by_unit(allocations: Sequence[Any] | None) -> Figure:
    """Planned and actual personnel per unit (kvpt/forces, when it exists)."""
    title = "Huy động lực lượng theo đơn vị"
    if not allocations:
        return _empty(title, "Chưa có dữ liệu huy động lực lượng.")
    figure = _figure(6.4, 0.45 * len(allocations) + 1.2)
    axes = figure.add_subplot()
    names = [str(getattr(a, "unit_name", None) or getattr(a, "unit", a)) for a in allocations]
    axes.barh(names, [getattr(a, "planned", 0) or 0 for a in allocations], label="Kế hoạch")
    axes.barh(
        names, [getattr(a, "actual", 0) or 0 for a in allocations], height=0.5, label="Thực tế"
    )
    axes.invert_yaxis()
    axes.legend(prop={"family": FONT["family"], "size": 8})
    axes.set_title(title, fontdict={**FONT, "weight": "bold", "size": 10})
    return figure


def actions_by_status(actions: Sequence[Any] | None) -> Figure:
    """Corrective actions counted by status (kvpt/review)."""
    title = "Việc khắc phục theo trạng thái"
    if not actions:
        return _empty(title, "Chưa có dữ liệu việc khắc phục.")
    counts: dict[str, int] = {}
    for action in actions:
        label = str(display(action, "status"))
        counts[label] = counts.get(label, 0) + 1
    figure = _figure(6.4, 0.45 * len(counts) + 1.2)
    axes = figure.add_subplot()
    bars = axes.barh(list(counts), list(counts.values()), color=COLOURS[3])
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.invert_yaxis()
    axes.set_title(title, fontdict={**FONT, "weight": "bold", "size": 10})
    axes.tick_params(labelsize=8)
    return figure


def _apply_font(figure: Figure) -> None:
    for text in figure.findobj(match=lambda artist: hasattr(artist, "set_fontfamily")):
        text.set_fontfamily(FONT["family"])  # type: ignore[attr-defined]


def to_png(figure: Figure, dpi: int = 150) -> bytes:
    _apply_font(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def to_svg(figure: Figure) -> str:
    """SVG text for a page; glyphs as paths, so the page needs no font to show the diacritics."""
    _apply_font(figure)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue()
