"""Pages of the directory: areas (a tree), agencies, units and people with their positions.

Every read goes through a selector (outside scope -> 404), every write through a service after
`require_perm` (in scope without the role -> 403). Lists filter with htmx and serve only the table.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.services import ConcurrentEditError
from kvpt.core.views_helpers import (
    log_classified_read,
    log_classified_reads,
    marking_of,
    paginate,
    render_page,
)
from kvpt.organisations import selectors, services
from kvpt.organisations.forms import (
    AgencyForm,
    AreaForm,
    AreaSuccessionForm,
    DeleteForm,
    DirectoryForm,
    PersonForm,
    PositionForm,
    UnitForm,
)
from kvpt.organisations.models import (
    Agency,
    AgencyKind,
    Area,
    AreaLevel,
    AreaSuccession,
    Person,
    Position,
    Unit,
    UnitKind,
)

MANAGE = "organisations.manage"


# --- helpers -----------------------------------------------------------------------------------


def _history_url(obj: Any) -> str:
    return reverse("core:history", args=[obj._meta.label_lower, obj.pk])


def _current_param(request: HttpRequest) -> bool | None:
    return {"current": True, "historical": False}.get(request.GET.get("state", ""))


def _apply_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's errors on the form: on the named field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _save_form(request: HttpRequest, form: DirectoryForm, save: Any) -> tuple[Any | None, int]:
    """Run `save()`; on refusal keep the input and say why (409 for a stale edit)."""
    try:
        return save(), 200
    except ConcurrentEditError as exc:
        form.add_error(None, exc.messages[0])
        return None, 409
    except ValidationError as exc:
        _apply_errors(form, exc)
        return None, 422


def _form_page(
    request: HttpRequest,
    *,
    form: Any,
    title: str,
    breadcrumbs: list[tuple[str, str | None]],
    cancel_url: str,
    status: int = 200,
    classification: int = 0,
) -> HttpResponse:
    return render_page(
        request,
        "organisations/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": breadcrumbs,
            "cancel_url": cancel_url,
            "page_classification": classification,
        },
        status=status,
    )


def _delete_page(
    request: HttpRequest,
    obj: Any,
    *,
    breadcrumbs: list[tuple[str, str | None]],
    delete: Any,
    success_url: str,
    what: str,
) -> HttpResponse:
    """Confirm, then delete through the service; a refusal (still referenced) is shown in place."""
    form = DeleteForm(
        request.POST if request.method == "POST" else None, initial={"version": obj.version}
    )
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            delete(form.cleaned_data.get("version"))
        except ConcurrentEditError as exc:
            error, status = exc.messages[0], 409
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 422
        else:
            messages.success(request, _("Đã xóa %(what)s “%(obj)s”.") % {"what": what, "obj": obj})
            return redirect(success_url)
    return render_page(
        request,
        "organisations/confirm_delete.html",
        {
            "object": obj,
            "form": form,
            "error": error,
            "what": what,
            "breadcrumbs": [*breadcrumbs, (_("Xóa"), None)],
            "cancel_url": obj.get_absolute_url(),
            "page_classification": getattr(obj, "classification", 0),
        },
        status=status,
    )


def _area_crumbs(user: Any, area: Area | None) -> list[tuple[str, str | None]]:
    """Địa bàn › visible ancestors › the area (ancestors outside scope are left out)."""
    crumbs: list[tuple[str, str | None]] = [(_("Địa bàn"), reverse("organisations:area_list"))]
    if area is None:
        return crumbs
    ancestor_ids = area.ancestor_ids()[:-1]
    if ancestor_ids:
        found = {a.pk: a for a in selectors.area_list(user).filter(pk__in=ancestor_ids)}
        crumbs += [(found[i].name, found[i].get_absolute_url()) for i in ancestor_ids if i in found]
    crumbs.append((area.name, area.get_absolute_url()))
    return crumbs


def _list_context(request: HttpRequest, queryset: QuerySet[Any], **extra: Any) -> dict[str, Any]:
    page = paginate(request, queryset)
    log_classified_reads(request.user, page)
    return {
        "page_obj": page,
        "filters": request.GET,
        "page_classification": marking_of(getattr(o, "classification", 0) for o in page),
        **extra,
    }


# --- areas -------------------------------------------------------------------------------------


@login_required
def area_list_view(request: HttpRequest) -> HttpResponse:
    queryset = selectors.area_search(
        request.user,
        q=request.GET.get("q", ""),
        level=request.GET.get("level", ""),
        current=_current_param(request),
    )
    base_depth = queryset.aggregate(d=Min("depth"))["d"] or 0
    context = _list_context(
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
    area = get_visible_or_404(selectors.area_list(user), pk=pk)
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
    parent_visible = (
        area.parent_id is not None and selectors.area_list(user).filter(pk=area.parent_id).exists()
    )
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
            "can_manage": user.has_perm(MANAGE, area),
            "can_add_successor": selectors.area_managed_list(user).exists(),
            "parent_visible": parent_visible,
            "history_url": _history_url(area),
            "breadcrumbs": [*_area_crumbs(user, area)[:-1], (area.name, None)],
            "page_classification": marking_of(getattr(o, "classification", 0) for o in shown),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    parent = None
    if request.GET.get("parent"):
        parent = get_visible_or_404(selectors.area_list(user), pk=request.GET["parent"])
        require_perm(user, MANAGE, parent)
    elif not selectors.area_managed_list(user).exists():
        raise PermissionDenied(_("Bạn không có quyền thêm địa bàn."))
    form = AreaForm(request.POST or None, user=user, initial={"parent": parent})
    status = 200
    if request.method == "POST" and form.is_valid():
        area, status = _save_form(
            request,
            form,
            lambda: services.area_create(**form.service_data(), actor=user),
        )
        if area is not None:
            messages.success(request, _("Đã thêm địa bàn “%(obj)s”.") % {"obj": area})
            return redirect(area.get_absolute_url())
    elif request.method == "POST":
        status = 422
    return _form_page(
        request,
        form=form,
        title=_("Thêm địa bàn"),
        breadcrumbs=[*_area_crumbs(user, parent), (_("Thêm mới"), None)],
        cancel_url=parent.get_absolute_url() if parent else reverse("organisations:area_list"),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    area = get_visible_or_404(selectors.area_list(user), pk=pk)
    require_perm(user, MANAGE, area)
    form = AreaForm(request.POST or None, instance=copy.copy(area), user=user)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _save_form(
            request,
            form,
            lambda: services.area_update(
                area=area,
                changes=form.service_data(),
                expected_version=form.expected_version,
                actor=user,
            ),
        )
        if saved is not None:
            messages.success(request, _("Đã lưu địa bàn “%(obj)s”.") % {"obj": saved})
            return redirect(saved.get_absolute_url())
    elif request.method == "POST":
        status = 422
    return _form_page(
        request,
        form=form,
        title=_("Sửa địa bàn “%(obj)s”") % {"obj": area},
        breadcrumbs=[*_area_crumbs(user, area), (_("Sửa"), None)],
        cancel_url=area.get_absolute_url(),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    area = get_visible_or_404(selectors.area_list(user), pk=pk)
    require_perm(user, MANAGE, area)
    parent_visible = area.parent_id and selectors.area_list(user).filter(pk=area.parent_id).exists()
    return _delete_page(
        request,
        area,
        breadcrumbs=_area_crumbs(user, area),
        delete=lambda version: services.area_delete(
            area=area, expected_version=version, actor=user
        ),
        success_url=(
            area.parent.get_absolute_url()
            if parent_visible and area.parent
            else reverse("organisations:area_list")
        ),
        what=_("địa bàn"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_succession_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Link this area to a predecessor (?as=successor) or a successor (?as=predecessor)."""
    user = request.user
    area = get_visible_or_404(selectors.area_list(user), pk=pk)
    role = request.GET.get("as", "successor")
    if role == "successor":
        require_perm(user, MANAGE, area)
    elif not selectors.area_managed_list(user).exists():
        raise PermissionDenied(_("Bạn không có quyền ghi liên kết kế thừa."))
    initial = {"successor": area} if role == "successor" else {"predecessor": area}
    form = AreaSuccessionForm(request.POST or None, user=user, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.area_succession_add(
                predecessor=form.cleaned_data["predecessor"],
                successor=form.cleaned_data["successor"],
                effective_on=form.cleaned_data["effective_on"],
                note=form.cleaned_data["note"],
                actor=user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
            status = 422
        else:
            messages.success(request, _("Đã ghi liên kết kế thừa."))
            return redirect(area.get_absolute_url())
    elif request.method == "POST":
        status = 422
    return _form_page(
        request,
        form=form,
        title=_("Liên kết kế thừa địa bàn"),
        breadcrumbs=[*_area_crumbs(user, area), (_("Liên kết kế thừa"), None)],
        cancel_url=area.get_absolute_url(),
        status=status,
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


# --- agencies ----------------------------------------------------------------------------------


def _agency_crumbs(agency: Agency | None) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [
        (_("Cơ quan, tổ chức"), reverse("organisations:agency_list"))
    ]
    if agency is not None:
        crumbs.append((agency.name, agency.get_absolute_url()))
    return crumbs


@login_required
def agency_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    queryset = selectors.agency_search(
        user,
        q=request.GET.get("q", ""),
        kind=request.GET.get("kind", ""),
        area=request.GET.get("area"),
        current=_current_param(request),
    )
    context = _list_context(
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
    agency = get_visible_or_404(selectors.agency_list(user), pk=pk)
    log_classified_read(user, agency)
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
    log_classified_reads(user, shown[1:])
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
            "can_manage": user.has_perm(MANAGE, agency),
            "history_url": _history_url(agency),
            "breadcrumbs": [*_agency_crumbs(None), (agency.name, None)],
            "page_classification": marking_of(getattr(o, "classification", 0) for o in shown),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    area = None
    if request.GET.get("area"):
        area = get_visible_or_404(selectors.area_list(user), pk=request.GET["area"])
        require_perm(user, MANAGE, area)
    elif not selectors.area_managed_list(user).exists():
        raise PermissionDenied(_("Bạn không có quyền thêm cơ quan."))
    form = AgencyForm(request.POST or None, user=user, initial={"area": area})
    status = 200
    if request.method == "POST" and form.is_valid():
        agency, status = _save_form(
            request, form, lambda: services.agency_create(**form.service_data(), actor=user)
        )
        if agency is not None:
            messages.success(request, _("Đã thêm cơ quan “%(obj)s”.") % {"obj": agency})
            return redirect(agency.get_absolute_url())
    elif request.method == "POST":
        status = 422
    return _form_page(
        request,
        form=form,
        title=_("Thêm cơ quan, tổ chức"),
        breadcrumbs=[*_agency_crumbs(None), (_("Thêm mới"), None)],
        cancel_url=reverse("organisations:agency_list"),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    agency = get_visible_or_404(selectors.agency_list(user), pk=pk)
    require_perm(user, MANAGE, agency)
    form = AgencyForm(request.POST or None, instance=copy.copy(agency), user=user)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _save_form(
            request,
            form,
            lambda: services.agency_update(
                agency=agency,
                changes=form.service_data(),
                expected_version=form.expected_version,
                actor=user,
            ),
        )
        if saved is not None:
            messages.success(request, _("Đã lưu cơ quan “%(obj)s”.") % {"obj": saved})
            return redirect(saved.get_absolute_url())
    elif request.method == "POST":
        status = 422
    return _form_page(
        request,
        form=form,
        title=_("Sửa cơ quan “%(obj)s”") % {"obj": agency},
        breadcrumbs=[*_agency_crumbs(agency), (_("Sửa"), None)],
        cancel_url=agency.get_absolute_url(),
        status=status,
        classification=agency.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    agency = get_visible_or_404(selectors.agency_list(user), pk=pk)
    require_perm(user, MANAGE, agency)
    return _delete_page(
        request,
        agency,
        breadcrumbs=_agency_crumbs(agency),
        delete=lambda version: services.agency_delete(
            agency=agency, expected_version=version, actor=user
        ),
        success_url=reverse("organisations:agency_list"),
        what=_("cơ quan"),
    )


# --- units -------------------------------------------------------------------------------------


def _unit_crumbs(unit: Unit | None) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [
        (_("Đơn vị, lực lượng"), reverse("organisations:unit_list"))
    ]
    if unit is not None:
        crumbs.append((unit.name, unit.get_absolute_url()))
    return crumbs


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
    context = _list_context(
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
    unit = get_visible_or_404(selectors.unit_list(user), pk=pk)
    log_classified_read(user, unit)
    children = list(selectors.unit_list(user).filter(parent=unit).order_by("name"))
    log_classified_reads(user, children)
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
            "can_manage": user.has_perm(MANAGE, unit),
            "history_url": _history_url(unit),
            "breadcrumbs": [*_unit_crumbs(None), (unit.name, None)],
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
    agency = None
    if request.GET.get("agency"):
        agency = get_visible_or_404(selectors.agency_list(user), pk=request.GET["agency"])
        require_perm(user, MANAGE, agency)
    elif not selectors.agency_managed_list(user).exists():
        raise PermissionDenied(_("Bạn không có quyền thêm đơn vị."))
    form = UnitForm(request.POST or None, user=user, initial={"agency": agency})
    status = 200
    if request.method == "POST" and form.is_valid():
        unit, status = _save_form(
            request, form, lambda: services.unit_create(**form.service_data(), actor=user)
        )
        if unit is not None:
            messages.success(request, _("Đã thêm đơn vị “%(obj)s”.") % {"obj": unit})
            return redirect(unit.get_absolute_url())
    elif request.method == "POST":
        status = 422
    return _form_page(
        request,
        form=form,
        title=_("Thêm đơn vị, lực lượng"),
        breadcrumbs=[*_unit_crumbs(None), (_("Thêm mới"), None)],
        cancel_url=reverse("organisations:unit_list"),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = get_visible_or_404(selectors.unit_list(user), pk=pk)
    require_perm(user, MANAGE, unit)
    form = UnitForm(request.POST or None, instance=copy.copy(unit), user=user)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _save_form(
            request,
            form,
            lambda: services.unit_update(
                unit=unit,
                changes=form.service_data(),
                expected_version=form.expected_version,
                actor=user,
            ),
        )
        if saved is not None:
            messages.success(request, _("Đã lưu đơn vị “%(obj)s”.") % {"obj": saved})
            return redirect(saved.get_absolute_url())
    elif request.method == "POST":
        status = 422
    return _form_page(
        request,
        form=form,
        title=_("Sửa đơn vị “%(obj)s”") % {"obj": unit},
        breadcrumbs=[*_unit_crumbs(unit), (_("Sửa"), None)],
        cancel_url=unit.get_absolute_url(),
        status=status,
        classification=unit.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = get_visible_or_404(selectors.unit_list(user), pk=pk)
    require_perm(user, MANAGE, unit)
    return _delete_page(
        request,
        unit,
        breadcrumbs=_unit_crumbs(unit),
        delete=lambda version: services.unit_delete(
            unit=unit, expected_version=version, actor=user
        ),
        success_url=reverse("organisations:unit_list"),
        what=_("đơn vị"),
    )


# --- people and positions ----------------------------------------------------------------------


def _person_crumbs(person: Person | None) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [
        (_("Cán bộ, cá nhân"), reverse("organisations:person_list"))
    ]
    if person is not None:
        crumbs.append((person.full_name, person.get_absolute_url()))
    return crumbs


@login_required
def person_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    queryset = selectors.person_search(
        user,
        q=request.GET.get("q", ""),
        area=request.GET.get("area"),
        agency=request.GET.get("agency"),
    )
    context = _list_context(
        request,
        queryset,
        areas=selectors.area_list(user).order_by("path"),
        can_add=selectors.area_managed_list(user).exists(),
        breadcrumbs=[(_("Cán bộ, cá nhân"), None)],
    )
    return render_page(
        request,
        "organisations/person_list.html",
        context,
        partial="organisations/partials/person_table.html",
    )


def _positions_context(user: Any, person: Person, form: PositionForm | None) -> dict[str, Any]:
    can_manage = user.has_perm(MANAGE, person)
    positions = list(selectors.visible_positions(user).filter(person=person))
    return {
        "person": person,
        "positions": positions,
        "page_classification": marking_of(
            [person.classification] + [p.agency.classification for p in positions]
        ),
        "can_manage": can_manage,
        "position_form": (form or PositionForm(user=user)) if can_manage else None,
    }


@login_required
def person_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = get_visible_or_404(selectors.person_list(user), pk=pk)
    log_classified_read(user, person)
    context = _positions_context(user, person, None)
    return render_page(
        request,
        "organisations/person_detail.html",
        {
            **context,
            "history_url": _history_url(person),
            "breadcrumbs": [*_person_crumbs(None), (person.full_name, None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    area = None
    if request.GET.get("area"):
        area = get_visible_or_404(selectors.area_list(user), pk=request.GET["area"])
        require_perm(user, MANAGE, area)
    elif not selectors.area_managed_list(user).exists():
        raise PermissionDenied(_("Bạn không có quyền thêm cán bộ."))
    form = PersonForm(request.POST or None, user=user, initial={"area": area})
    status = 200
    if request.method == "POST" and form.is_valid():
        person, status = _save_form(
            request, form, lambda: services.person_create(**form.service_data(), actor=user)
        )
        if person is not None:
            messages.success(request, _("Đã thêm “%(obj)s”.") % {"obj": person})
            return redirect(person.get_absolute_url())
    elif request.method == "POST":
        status = 422
    return _form_page(
        request,
        form=form,
        title=_("Thêm cán bộ, cá nhân"),
        breadcrumbs=[*_person_crumbs(None), (_("Thêm mới"), None)],
        cancel_url=reverse("organisations:person_list"),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = get_visible_or_404(selectors.person_list(user), pk=pk)
    require_perm(user, MANAGE, person)
    form = PersonForm(request.POST or None, instance=copy.copy(person), user=user)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = _save_form(
            request,
            form,
            lambda: services.person_update(
                person=person,
                changes=form.service_data(),
                expected_version=form.expected_version,
                actor=user,
            ),
        )
        if saved is not None:
            messages.success(request, _("Đã lưu “%(obj)s”.") % {"obj": saved})
            return redirect(saved.get_absolute_url())
    elif request.method == "POST":
        status = 422
    return _form_page(
        request,
        form=form,
        title=_("Sửa thông tin “%(obj)s”") % {"obj": person},
        breadcrumbs=[*_person_crumbs(person), (_("Sửa"), None)],
        cancel_url=person.get_absolute_url(),
        status=status,
        classification=person.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = get_visible_or_404(selectors.person_list(user), pk=pk)
    require_perm(user, MANAGE, person)
    return _delete_page(
        request,
        person,
        breadcrumbs=_person_crumbs(person),
        delete=lambda version: services.person_delete(
            person=person, expected_version=version, actor=user
        ),
        success_url=reverse("organisations:person_list"),
        what=_("cán bộ"),
    )


def _positions_response(
    request: HttpRequest, person: Person, form: PositionForm | None, status: int = 200
) -> HttpResponse:
    """htmx gets the positions block (always 200, so it swaps errors in too); others a redirect."""
    if getattr(request, "htmx", False):
        return render_page(
            request,
            "organisations/partials/person_positions.html",
            _positions_context(request.user, person, form),
        )
    if form is not None and form.errors:
        context = _positions_context(request.user, person, form)
        return render_page(
            request,
            "organisations/person_detail.html",
            {
                **context,
                "history_url": _history_url(person),
                "breadcrumbs": [*_person_crumbs(None), (person.full_name, None)],
            },
            status=status,
        )
    return HttpResponseRedirect(person.get_absolute_url())


@login_required
@require_POST
def position_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = get_visible_or_404(selectors.person_list(user), pk=pk)
    require_perm(user, MANAGE, person)
    form = PositionForm(request.POST, user=user)
    if not form.is_valid():
        return _positions_response(request, person, form, status=422)
    try:
        services.position_create(person=person, **form.cleaned_data, actor=user)
    except ValidationError as exc:
        _apply_errors(form, exc)
        return _positions_response(request, person, form, status=422)
    messages.success(request, _("Đã thêm chức vụ “%(title)s”.") % form.cleaned_data)
    return _positions_response(request, person, None)


@login_required
@require_POST
def position_delete_view(request: HttpRequest, pk: int, position_pk: int) -> HttpResponse:
    user = request.user
    person = get_visible_or_404(selectors.person_list(user), pk=pk)
    position: Position = get_visible_or_404(
        selectors.visible_positions(user).filter(person=person), pk=position_pk
    )
    require_perm(user, MANAGE, person)
    services.position_delete(position=position, actor=user)
    messages.success(request, _("Đã bỏ chức vụ “%(title)s”.") % {"title": position.title})
    return _positions_response(request, person, None)
