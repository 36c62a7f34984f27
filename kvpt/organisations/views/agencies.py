"""Pages of agencies (cơ quan, tổ chức): list, detail, add, edit, delete."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kvpt.core import crud
from kvpt.core.views_helpers import log_classified_reads, marking_of, render_page
from kvpt.organisations import selectors
from kvpt.organisations.entities import AGENCY, MANAGE
from kvpt.organisations.forms import AgencyForm
from kvpt.organisations.models import Agency, AgencyKind
from kvpt.organisations.views.common import current_param


def _crumbs(agency: Agency | None = None) -> crud.Crumbs:
    return crud.record_crumbs(_("Cơ quan, tổ chức"), "organisations:agency_list", agency)


@login_required
def agency_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    queryset = selectors.agency_search(
        user,
        q=request.GET.get("q", ""),
        kind=request.GET.get("kind", ""),
        area=request.GET.get("area"),
        current=current_param(request),
    )
    context = crud.list_context(
        request,
        queryset,
        kinds=AgencyKind.choices,
        areas=selectors.area_list(user).order_by("path"),
        can_add=selectors.area_managed_list(user).exists(),
        breadcrumbs=[(_("Cơ quan, tổ chức"), None)],
    )
    return render_page(
        request,
        "organisations/agency_list.html",
        context,
        partial="organisations/partials/agency_table.html",
    )


@login_required
def agency_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    agency = AGENCY.get(user, pk)
    units = list(selectors.unit_list(user).filter(agency=agency).order_by("name"))
    positions = list(
        selectors.position_list(user).filter(agency=agency).order_by("order", "person__full_name")
    )
    covered = list(selectors.area_list(user).filter(covering_agencies=agency).order_by("path"))
    children = list(selectors.agency_list(user).filter(parent=agency).order_by("name"))
    parent_visible = (
        agency.parent_id is not None
        and selectors.agency_list(user).filter(pk=agency.parent_id).exists()
    )
    shown = [agency, *units, *[p.person for p in positions], *children]
    log_classified_reads(user, shown)
    return render_page(
        request,
        "organisations/agency_detail.html",
        {
            "agency": agency,
            "units": units,
            "positions": positions,
            "covered": covered,
            "children": children,
            "parent_visible": parent_visible,
            **crud.detail_header(
                agency,
                can_manage=user.has_perm(MANAGE, agency),
                edit="organisations:agency_update",
                delete="organisations:agency_delete",
            ),
            "breadcrumbs": [*_crumbs(), (agency.name, None)],
            "page_classification": marking_of(getattr(o, "classification", 0) for o in shown),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    area = crud.chosen_parent(
        request,
        "area",
        selectors.area_list(user),
        perm=MANAGE,
        managed=selectors.area_managed_list(user),
        refusal=_("Bạn không có quyền thêm cơ quan."),
    )
    return crud.create_page(
        request,
        AGENCY,
        AgencyForm,
        initial={"area": area},
        saved=_("Đã thêm cơ quan “%(obj)s”."),
        title=_("Thêm cơ quan, tổ chức"),
        breadcrumbs=_crumbs(),
        cancel_url=reverse("organisations:agency_list"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    agency = AGENCY.get_for_change(request.user, pk)
    return crud.update_page(
        request,
        AGENCY,
        agency,
        AgencyForm,
        saved=_("Đã lưu cơ quan “%(obj)s”."),
        title=_("Sửa cơ quan “%(obj)s”"),
        breadcrumbs=_crumbs(agency),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    agency = AGENCY.get_for_change(request.user, pk)
    return crud.delete_page(
        request,
        AGENCY,
        agency,
        what=_("cơ quan"),
        breadcrumbs=_crumbs(agency),
        success_url=reverse("organisations:agency_list"),
    )
