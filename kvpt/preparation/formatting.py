"""Numbers as Vietnamese readers write them: "2,3 km", "1.250.000.000 đ", "62,5 %".

The decimal comma and the thousands dot are fixed here rather than taken from the active locale:
the same figure must read the same in a page, an API's text field and a report.
"""

from __future__ import annotations

from decimal import Decimal


def vn_number(value: Decimal | int | float | None, places: int = 2) -> str:
    """2.30 -> "2,3"; 1250.5 -> "1.250,5"; 3 -> "3" (trailing zeros dropped, at most `places`)."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    sign = "-" if number < 0 else ""
    whole, _dot, fraction = f"{abs(number):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    fraction = fraction.rstrip("0")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def vnd(amount: int | None) -> str:
    """1250000000 -> "1.250.000.000 đ" (VND has no minor unit)."""
    if amount is None:
        return ""
    return f"{int(amount):,}".replace(",", ".") + " đ"


def vn_percent(part: int, whole: int) -> str:
    """Settled over spent as "62,5 %"; "—" when nothing was spent."""
    if not whole:
        return "—"
    return f"{vn_number(Decimal(part) * 100 / Decimal(whole), places=1)} %"
