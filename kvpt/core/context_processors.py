"""Values every page needs: navigation entries and the classification choices for the marking."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kvpt.core.models import Classification

NAVIGATION = [
    ("core:home", _("Trang chủ")),
    ("exercises:list", _("Diễn tập")),
    ("lessons:library", _("Thư viện bài học")),
    ("organisations:area_list", _("Địa bàn")),
    ("organisations:agency_list", _("Cơ quan")),
    ("organisations:unit_list", _("Đơn vị")),
    ("organisations:person_list", _("Cán bộ")),
    ("accounts:membership_list", _("Phân quyền")),
]


def kvpt(request: HttpRequest) -> dict[str, Any]:
    return {
        "NAVIGATION": NAVIGATION,
        "CLASSIFICATION_LABELS": dict(Classification.choices),
    }
