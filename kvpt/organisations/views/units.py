"""Pages of units (đơn vị, lực lượng): list, detail, add, edit, delete."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kvpt.core import crud
from kvpt.core.views_helpers import log_classified_reads, marking_of, render_page
from kvpt.organisations import selectors
from kvpt.organisations.entities import MANAGE, UNIT
from kvpt.organisations.forms import UnitForm
from kvpt.organisations.models import Unit, UnitKind


def _crumbs(unit: Unit | None = None) -> crud.Crumbs:
    return crud.record_crumbs(_("Đơn vị, lực lượng"), "organisations:unit_list", unit)


@login_required
def unit_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    queryset = selectors.unit_search(
        user,
        q=request.GET.get("q", ""),
        kind=request.GET.get("kind", ""),
        agency=request.GET.get("agency"),
        area=request.GET.get("area"),
    )
    context = crud.list_context(
        request,
        queryset,
        kinds=UnitKind.choices,
        areas=selectors.area_list(user).order_by("path"),
        can_add=selectors.agency_managed_list(user).exists(),
        breadcrumbs=[(_("Đơn vị, lực lượng"), None)],
    )
    return render_page(
        request,
        "organisations/unit_list.html",
        context,
        partial="organisations/partials/unit_table.html",
    )


@login_required
def unit_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = UNIT.get(user, pk)
    children = list(selectors.unit_list(user).filter(parent=unit).order_by("name"))
    log_classified_reads(user, [unit, *children])
    parent_visible = (
        unit.parent_id is not None and selectors.unit_list(user).filter(pk=unit.parent_id).exists()
    )
    return render_page(
        request,
        "organisations/unit_detail.html",
        {
            "unit": unit,
            "children": children,
            "parent_visible": parent_visible,
            **crud.detail_header(
                unit,
                can_manage=user.has_perm(MANAGE, unit),
                edit="organisations:unit_update",
                delete="organisations:unit_delete",
            ),
            "breadcrumbs": [*_crumbs(), (unit.name, None)],
            "page_classification": marking_of(
                [unit.classification, unit.agency.classification]
                + [c.classification for c in children]
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    agency = crud.chosen_parent(
        request,
        "agency",
        selectors.agency_list(user),
        perm=MANAGE,
        managed=selectors.agency_managed_list(user),
        refusal=_("Bạn không có quyền thêm đơn vị."),
    )
    return crud.create_page(
        request,
        UNIT,
        UnitForm,
        initial={"agency": agency},
        saved=_("Đã thêm đơn vị “%(obj)s”."),
        title=_("Thêm đơn vị, lực lượng"),
        breadcrumbs=_crumbs(),
        cancel_url=reverse("organisations:unit_list"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = UNIT.get_for_change(request.user, pk)
    return crud.update_page(
        request,
        UNIT,
        unit,
        UnitForm,
        saved=_("Đã lưu đơn vị “%(obj)s”."),
        title=_("Sửa đơn vị “%(obj)s”"),
        breadcrumbs=_crumbs(unit),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = UNIT.get_for_change(request.user, pk)
    return crud.delete_page(
        request,
        UNIT,
        unit,
        what=_("đơn vị"),
        breadcrumbs=_crumbs(unit),
        success_url=reverse("organisations:unit_list"),
    )
