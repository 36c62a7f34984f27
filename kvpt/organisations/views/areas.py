"""Pages of areas (a tree) and of the succession links between old and new areas."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kvpt.core import crud
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_reads, marking_of, render_page
from kvpt.organisations import selectors, services
from kvpt.organisations.entities import AREA, MANAGE
from kvpt.organisations.forms import AreaForm, AreaSuccessionForm
from kvpt.organisations.models import Area, AreaLevel, AreaSuccession
from kvpt.organisations.views.common import current_param


def _area_crumbs(user: Any, area: Area | None) -> crud.Crumbs:
    """Địa bàn › visible ancestors › the area (ancestors outside scope are left out)."""
    crumbs = crud.record_crumbs(_("Địa bàn"), "organisations:area_list")
    if area is None:
        return crumbs
    ancestor_ids = area.ancestor_ids()[:-1]
    if ancestor_ids:
        found = {a.pk: a for a in selectors.area_list(user).filter(pk__in=ancestor_ids)}
        crumbs += [(found[i].name, found[i].get_absolute_url()) for i in ancestor_ids if i in found]
    crumbs.append((area.name, area.get_absolute_url()))
    return crumbs


def _parent_visible(user: Any, area: Area) -> bool:
    return (
        area.parent_id is not None and selectors.area_list(user).filter(pk=area.parent_id).exists()
    )


@login_required
def area_list_view(request: HttpRequest) -> HttpResponse:
    queryset = selectors.area_search(
        request.user,
        q=request.GET.get("q", ""),
        level=request.GET.get("level", ""),
        current=current_param(request),
    )
    base_depth = queryset.aggregate(d=Min("depth"))["d"] or 0
    context = crud.list_context(
        request,
        queryset,
        base_depth=base_depth,
        levels=AreaLevel.objects.all(),
        can_add=selectors.area_managed_list(request.user).exists(),
        breadcrumbs=[(_("Địa bàn"), None)],
    )
    for area in context["page_obj"]:
        area.indent = max(0, area.depth - base_depth)
    return render_page(
        request,
        "organisations/area_list.html",
        context,
        partial="organisations/partials/area_table.html",
    )


@login_required
def area_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    area = AREA.get(user, pk)
    children = list(selectors.area_search(user, parent=area.pk))
    agencies = list(selectors.agency_list(user).filter(area=area).order_by("name"))
    people_qs = selectors.person_search(user).filter(area=area)
    people = list(people_qs[:50])
    people_total = people_qs.count() if len(people) == 50 else len(people)
    successions = selectors.area_succession_list(user)
    predecessors = list(successions.filter(successor=area).order_by("effective_on"))
    successors = list(successions.filter(predecessor=area).order_by("effective_on"))
    covering = list(selectors.agency_list(user).filter(covered_areas=area))
    for link in [*predecessors, *successors]:
        link.can_remove = user.has_perm(MANAGE, link.successor)  # type: ignore[attr-defined]
    shown = [*agencies, *people, *covering]
    log_classified_reads(user, shown)
    return render_page(
        request,
        "organisations/area_detail.html",
        {
            "area": area,
            "children": children,
            "agencies": agencies,
            "people": people,
            "people_total": people_total,
            "predecessors": predecessors,
            "successors": successors,
            "covering": covering,
            **crud.detail_header(
                area,
                can_manage=user.has_perm(MANAGE, area),
                edit="organisations:area_update",
                delete="organisations:area_delete",
            ),
            "can_add_successor": selectors.area_managed_list(user).exists(),
            "parent_visible": _parent_visible(user, area),
            "breadcrumbs": [*_area_crumbs(user, area)[:-1], (area.name, None)],
            "page_classification": marking_of(getattr(o, "classification", 0) for o in shown),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    parent = crud.chosen_parent(
        request,
        "parent",
        selectors.area_list(user),
        perm=MANAGE,
        managed=selectors.area_managed_list(user),
        refusal=_("Bạn không có quyền thêm địa bàn."),
    )
    return crud.create_page(
        request,
        AREA,
        AreaForm,
        initial={"parent": parent},
        saved=_("Đã thêm địa bàn “%(obj)s”."),
        title=_("Thêm địa bàn"),
        breadcrumbs=_area_crumbs(user, parent),
        cancel_url=parent.get_absolute_url() if parent else reverse("organisations:area_list"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    area = AREA.get_for_change(user, pk)
    return crud.update_page(
        request,
        AREA,
        area,
        AreaForm,
        saved=_("Đã lưu địa bàn “%(obj)s”."),
        title=_("Sửa địa bàn “%(obj)s”"),
        breadcrumbs=_area_crumbs(user, area),
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    area = AREA.get_for_change(user, pk)
    return crud.delete_page(
        request,
        AREA,
        area,
        what=_("địa bàn"),
        breadcrumbs=_area_crumbs(user, area),
        success_url=(
            area.parent.get_absolute_url()
            if area.parent and _parent_visible(user, area)
            else reverse("organisations:area_list")
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_succession_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Link this area to a predecessor (?as=successor) or a successor (?as=predecessor)."""
    user = request.user
    area = AREA.get(user, pk)
    role = request.GET.get("as", "successor")
    if role == "successor":
        require_perm(user, MANAGE, area)
    elif not selectors.area_managed_list(user).exists():
        raise PermissionDenied(_("Bạn không có quyền ghi liên kết kế thừa."))
    initial = {"successor": area} if role == "successor" else {"predecessor": area}
    form = AreaSuccessionForm(request.POST or None, user=user, initial=initial)
    return crud.form_page(
        request,
        form,
        save=lambda: services.area_succession_add(**form.cleaned_data, actor=user),
        saved=_("Đã ghi liên kết kế thừa."),
        success_url=lambda _link: area.get_absolute_url(),
        title=_("Liên kết kế thừa địa bàn"),
        breadcrumbs=[*_area_crumbs(user, area), (_("Liên kết kế thừa"), None)],
        cancel_url=area.get_absolute_url(),
    )


@login_required
@require_POST
def area_succession_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    link: AreaSuccession = get_visible_or_404(selectors.area_succession_list(user), pk=pk)
    require_perm(user, MANAGE, link.successor)
    services.area_succession_remove(succession=link, actor=user)
    messages.success(request, _("Đã gỡ liên kết kế thừa “%(obj)s”.") % {"obj": link})
    back = request.POST.get("back")
    target = link.successor if str(back) == str(link.successor_id) else link.predecessor
    return redirect(target.get_absolute_url())
