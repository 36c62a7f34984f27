"""Pages of the forces of one exercise: mobilisation (forces and units), roster and check-in,
weapons accountability with the computed absolute safety.

Outside the user's scope -> 404; in scope without the right -> 403; anonymous -> login page.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kvpt.core import crud
from kvpt.core import spreadsheets as xl
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import render_page
from kvpt.exercises.selectors import exercise_list
from kvpt.forces import selectors
from kvpt.forces.accountability import accountability
from kvpt.forces.forms import (
    AllocationForm,
    ForceForm,
    RosterEntryForm,
    RosterImportForm,
    WeaponIssueForm,
)
from kvpt.forces.models import Force, ForceAllocation, RosterEntry, WeaponIssue
from kvpt.forces.roster_sheets import COLUMNS, roster_export, roster_import
from kvpt.forces.services import (
    PERM,
    REPORT_PERM,
    allocation_create,
    allocation_delete,
    allocation_update,
    force_create,
    force_delete,
    force_update,
    roster_check_in,
    roster_entry_create,
    roster_entry_delete,
    roster_entry_update,
    roster_mark_unit_present,
    weapon_issue_create,
    weapon_issue_delete,
    weapon_issue_update,
)

FORCE: crud.Entity[Force] = crud.Entity(
    name="force",
    visible=selectors.force_list,
    perm=PERM,
    create=force_create,
    update=force_update,
    delete=force_delete,
)
ALLOCATION: crud.Entity[ForceAllocation] = crud.Entity(
    name="allocation",
    visible=selectors.allocation_list,
    perm=REPORT_PERM,
    create=allocation_create,
    update=allocation_update,
    delete=allocation_delete,
)
ROSTER: crud.Entity[RosterEntry] = crud.Entity(
    name="entry",
    visible=selectors.roster_list,
    perm=PERM,
    create=roster_entry_create,
    update=roster_entry_update,
    delete=roster_entry_delete,
)
WEAPON: crud.Entity[WeaponIssue] = crud.Entity(
    name="issue",
    visible=selectors.weapon_issue_list,
    perm=REPORT_PERM,
    create=weapon_issue_create,
    update=weapon_issue_update,
    delete=weapon_issue_delete,
)

_IMPORT_KEEP_SECONDS = 30 * 60


def _exercise(user: Any, exercise_pk: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_pk)


def _crumbs(exercise: Any, *extra: tuple[str, str | None]) -> crud.Crumbs:
    return [
        (_("Diễn tập"), reverse("exercises:list")),
        (exercise.code, exercise.get_absolute_url()),
        *extra,
    ]


def _can(user: Any, perm: str, exercise: Any, **fields: Any) -> bool:
    return bool(user.has_perm(perm, ForceAllocation(exercise=exercise, **fields)))


def _require(user: Any, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


# --- mobilisation ------------------------------------------------------------------------------


@login_required
@require_GET
def mobilisation_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    summary = selectors.mobilisation(user, exercise.pk)
    can_manage = _can(user, PERM, exercise)
    for line in summary.units:
        # Editors change every row; a unit commander reports for their own unit only.
        line.can_report = can_manage or user.has_perm(REPORT_PERM, line.allocation)  # type: ignore[attr-defined]
    return render_page(
        request,
        "forces/mobilisation.html",
        {
            "exercise": exercise,
            "m": summary,
            "can_manage": can_manage,
            "page_classification": exercise.classification,
            "breadcrumbs": _crumbs(exercise, (_("Lực lượng huy động"), None)),
        },
    )


def _forces_url(exercise_id: int) -> str:
    return reverse("forces:mobilisation", args=[exercise_id])


@login_required
@require_http_methods(["GET", "POST"])
def force_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    _require(user, PERM, Force(exercise=exercise))
    form = ForceForm(request.POST or None, user=user)
    return crud.form_page(
        request,
        form,
        save=lambda: force_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã thêm lực lượng “%(obj)s”."),
        title=_("Thêm lực lượng"),
        breadcrumbs=_crumbs(exercise, (_("Lực lượng huy động"), _forces_url(exercise.pk))),
        cancel_url=_forces_url(exercise.pk),
        classification=exercise.classification,
        success_url=lambda f: _forces_url(exercise.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def force_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    force = FORCE.get_for_change(request.user, pk)
    form = ForceForm(request.POST or None, instance=Force.objects.get(pk=pk), user=request.user)
    return crud.form_page(
        request,
        form,
        save=lambda: force_update(
            force=force,
            changes=form.service_data(),
            expected_version=form.expected_version,
            actor=request.user,
        ),
        saved=_("Đã lưu lực lượng “%(obj)s”."),
        title=_("Sửa lực lượng “%(obj)s”") % {"obj": force},
        breadcrumbs=_crumbs(
            force.exercise, (_("Lực lượng huy động"), _forces_url(force.exercise_id))
        ),
        cancel_url=_forces_url(force.exercise_id),
        classification=force.exercise.classification,
        success_url=lambda f: _forces_url(f.exercise_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def force_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    force = FORCE.get_for_change(request.user, pk)
    return crud.delete_page(
        request,
        FORCE,
        force,
        what=_("lực lượng"),
        breadcrumbs=_crumbs(
            force.exercise, (_("Lực lượng huy động"), _forces_url(force.exercise_id))
        ),
        success_url=_forces_url(force.exercise_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocation_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    _require(user, PERM, ForceAllocation(exercise=exercise))
    form = AllocationForm(request.POST or None, user=user, exercise=exercise)
    return crud.form_page(
        request,
        form,
        save=lambda: allocation_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã thêm đơn vị huy động “%(obj)s”."),
        title=_("Thêm đơn vị huy động"),
        breadcrumbs=_crumbs(exercise, (_("Lực lượng huy động"), _forces_url(exercise.pk))),
        cancel_url=_forces_url(exercise.pk),
        classification=exercise.classification,
        success_url=lambda a: _forces_url(exercise.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocation_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = ALLOCATION.get_for_change(request.user, pk)
    exercise = allocation.exercise
    form = AllocationForm(
        request.POST or None,
        instance=ForceAllocation.objects.get(pk=pk),
        user=request.user,
        exercise=exercise,
    )
    return crud.form_page(
        request,
        form,
        save=lambda: allocation_update(
            allocation=allocation,
            changes=form.service_data(),
            expected_version=form.expected_version,
            actor=request.user,
        ),
        saved=_("Đã lưu đơn vị huy động “%(obj)s”."),
        title=_("Sửa đơn vị huy động “%(obj)s”") % {"obj": allocation},
        breadcrumbs=_crumbs(exercise, (_("Lực lượng huy động"), _forces_url(exercise.pk))),
        cancel_url=_forces_url(exercise.pk),
        classification=exercise.classification,
        success_url=lambda a: _forces_url(a.exercise_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocation_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = ALLOCATION.get(request.user, pk)
    _require(request.user, PERM, allocation)
    return crud.delete_page(
        request,
        ALLOCATION,
        allocation,
        what=_("đơn vị huy động"),
        breadcrumbs=_crumbs(
            allocation.exercise, (_("Lực lượng huy động"), _forces_url(allocation.exercise_id))
        ),
        success_url=_forces_url(allocation.exercise_id),
    )


# --- roster and check-in -----------------------------------------------------------------------


def _roster_url(exercise_id: int) -> str:
    return reverse("forces:roster", args=[exercise_id])


@login_required
@require_GET
def roster_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    queryset = selectors.roster_search(
        user,
        exercise.pk,
        q=request.GET.get("q", ""),
        unit=request.GET.get("unit", ""),
        attended=request.GET.get("attended", ""),
    )
    context = crud.list_context(request, queryset)
    counts = selectors.roster_counts(user, exercise.pk)
    from kvpt.organisations.models import Unit

    units: list[Any] = list(Unit.objects.filter(pk__in=counts).order_by("name"))
    for unit in units:
        unit.roster_total, unit.roster_present = counts[unit.pk]
        unit.can_report = user.has_perm(REPORT_PERM, RosterEntry(exercise=exercise, unit=unit))
    rows: list[Any] = list(context["page_obj"])
    reportable = {u.pk for u in units if u.can_report}
    for row in rows:
        row.can_report = row.unit_id in reportable
    context.update(
        exercise=exercise,
        rows=rows,
        units=units,
        total=sum(c[0] for c in counts.values()),
        present=sum(c[1] for c in counts.values()),
        can_manage=user.has_perm(PERM, RosterEntry(exercise=exercise)),
        page_classification=exercise.classification,
        breadcrumbs=_crumbs(exercise, (_("Danh sách quân số, điểm danh"), None)),
    )
    return render_page(
        request, "forces/roster.html", context, partial="forces/partials/roster_table.html"
    )


@login_required
@require_POST
def roster_check_in_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    entry = ROSTER.get(user, pk)
    _require(user, REPORT_PERM, entry)
    entry = roster_check_in(entry=entry, present=request.POST.get("present") == "1", actor=user)
    entry.can_report = True  # type: ignore[attr-defined]
    if request.htmx:  # type: ignore[attr-defined]
        return render_page(request, "forces/partials/roster_row.html", {"row": entry})
    return redirect(request.POST.get("next") or _roster_url(entry.exercise_id))


@login_required
@require_POST
def roster_unit_present_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    from kvpt.forces.services import units_for

    user = request.user
    exercise = _exercise(user, exercise_pk)
    unit = get_visible_or_404(units_for(user, exercise), pk=request.POST.get("unit") or 0)
    _require(user, REPORT_PERM, RosterEntry(exercise=exercise, unit=unit))
    changed = roster_mark_unit_present(exercise=exercise, unit=unit, actor=user)
    messages.success(
        request,
        _("Đã điểm danh có mặt thêm %(n)s người của %(unit)s.") % {"n": changed, "unit": unit},
    )
    return redirect(_roster_url(exercise.pk) + f"?unit={unit.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def roster_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    _require(user, PERM, RosterEntry(exercise=exercise))
    form = RosterEntryForm(request.POST or None, user=user, exercise=exercise)
    return crud.form_page(
        request,
        form,
        save=lambda: roster_entry_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã thêm “%(obj)s” vào danh sách."),
        title=_("Thêm người vào danh sách"),
        breadcrumbs=_crumbs(exercise, (_("Danh sách quân số"), _roster_url(exercise.pk))),
        cancel_url=_roster_url(exercise.pk),
        classification=exercise.classification,
        success_url=lambda e: _roster_url(exercise.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = ROSTER.get_for_change(request.user, pk)
    exercise = entry.exercise
    form = RosterEntryForm(
        request.POST or None,
        instance=RosterEntry.objects.get(pk=pk),
        user=request.user,
        exercise=exercise,
    )
    return crud.form_page(
        request,
        form,
        save=lambda: roster_entry_update(
            entry=entry,
            changes=form.service_data(),
            expected_version=form.expected_version,
            actor=request.user,
        ),
        saved=_("Đã lưu “%(obj)s”."),
        title=_("Sửa “%(obj)s” trong danh sách") % {"obj": entry},
        breadcrumbs=_crumbs(exercise, (_("Danh sách quân số"), _roster_url(exercise.pk))),
        cancel_url=_roster_url(exercise.pk),
        classification=exercise.classification,
        success_url=lambda e: _roster_url(e.exercise_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = ROSTER.get_for_change(request.user, pk)
    return crud.delete_page(
        request,
        ROSTER,
        entry,
        what=_("người trong danh sách"),
        breadcrumbs=_crumbs(
            entry.exercise, (_("Danh sách quân số"), _roster_url(entry.exercise_id))
        ),
        success_url=_roster_url(entry.exercise_id),
    )


def _safe_name(code: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in code)


@login_required
@require_GET
def roster_export_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    # A queryset, not a list: the export then reads the ten columns it writes, no model objects.
    entries = (
        selectors.roster_list(user).filter(exercise=exercise).order_by("unit__name", "full_name")
    )
    response = HttpResponse(
        roster_export(exercise=exercise, entries=entries), content_type=xl.XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = (
        f'attachment; filename="danh-sach-{_safe_name(exercise.code)}.xlsx"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _import_key(user: Any, exercise: Any, digest: str) -> str:
    return f"forces:roster-import:{user.pk}:{exercise.pk}:{digest}"


@login_required
@require_http_methods(["GET", "POST"])
def roster_import_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    """Upload -> dry run (every problem listed, nothing written) -> confirm -> one transaction."""
    user = request.user
    exercise = _exercise(user, exercise_pk)
    _require(user, PERM, RosterEntry(exercise=exercise))
    form = RosterImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    digest = ""
    if request.method == "POST" and request.POST.get("confirm"):
        key = _import_key(user, exercise, request.POST["confirm"])
        data = cache.get(key)
        if data is None:
            messages.error(request, _("Tệp xem trước đã hết hạn; hãy tải tệp lên lại."))
            return redirect("forces:roster_import", exercise_pk=exercise.pk)
        result = roster_import(exercise=exercise, data=data, dry_run=False, actor=user)
        if result.applied:
            cache.delete(key)
            messages.success(request, _("Đã nhập %(n)s người vào danh sách.") % {"n": result.rows})
            return redirect(_roster_url(exercise.pk))
        status = 422
    elif request.method == "POST" and form.is_valid():
        try:
            data = xl.check_xlsx_upload(form.cleaned_data["file"])
        except xl.SpreadsheetRejectedError as exc:
            form.add_error("file", exc.messages[0])
            status = 422
        else:
            result = roster_import(exercise=exercise, data=data, dry_run=True, actor=user)
            if result.errors:
                status = 422
            else:
                digest = hashlib.sha256(data).hexdigest()
                cache.set(_import_key(user, exercise, digest), data, _IMPORT_KEEP_SECONDS)
    elif request.method == "POST":
        status = 422
    return render_page(
        request,
        "forces/roster_import.html",
        {
            "exercise": exercise,
            "form": form,
            "result": result,
            "digest": digest,
            "columns": COLUMNS,
            "max_mb": xl.max_import_bytes() // 1048576,
            "page_classification": exercise.classification,
            "breadcrumbs": _crumbs(
                exercise,
                (_("Danh sách quân số"), _roster_url(exercise.pk)),
                (_("Nhập từ Excel"), None),
            ),
        },
        status=status,
    )


# --- weapons accountability --------------------------------------------------------------------


def _weapons_url(exercise_id: int) -> str:
    return reverse("forces:weapons", args=[exercise_id])


@login_required
@require_GET
def weapons_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    return render_page(
        request,
        "forces/weapons.html",
        {
            "exercise": exercise,
            "a": accountability(user, exercise.pk),
            "can_add": user.has_perm(REPORT_PERM, WeaponIssue(exercise=exercise))
            or _can(user, PERM, exercise),
            "page_classification": exercise.classification,
            "breadcrumbs": _crumbs(exercise, (_("Vũ khí, trang bị"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def weapon_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not _can(user, PERM, exercise):
        # A unit commander adds records for their own unit: the service checks the unit chosen.
        from kvpt.accounts.models import Role
        from kvpt.core.permissions import roles_on

        if Role.UNIT_COMMANDER not in roles_on(user, WeaponIssue(exercise=exercise)):
            raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    form = WeaponIssueForm(request.POST or None, user=user, exercise=exercise)
    return crud.form_page(
        request,
        form,
        save=lambda: weapon_issue_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã thêm “%(obj)s”."),
        title=_("Thêm cấp phát vũ khí, trang bị"),
        breadcrumbs=_crumbs(exercise, (_("Vũ khí, trang bị"), _weapons_url(exercise.pk))),
        cancel_url=_weapons_url(exercise.pk),
        classification=exercise.classification,
        success_url=lambda i: _weapons_url(exercise.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def weapon_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    issue = WEAPON.get_for_change(request.user, pk)
    exercise = issue.exercise
    form = WeaponIssueForm(
        request.POST or None,
        instance=WeaponIssue.objects.get(pk=pk),
        user=request.user,
        exercise=exercise,
    )
    return crud.form_page(
        request,
        form,
        save=lambda: weapon_issue_update(
            issue=issue,
            changes=form.service_data(),
            expected_version=form.expected_version,
            actor=request.user,
        ),
        saved=_("Đã lưu “%(obj)s”."),
        title=_("Sửa “%(obj)s”") % {"obj": issue},
        breadcrumbs=_crumbs(exercise, (_("Vũ khí, trang bị"), _weapons_url(exercise.pk))),
        cancel_url=_weapons_url(exercise.pk),
        classification=exercise.classification,
        success_url=lambda i: _weapons_url(i.exercise_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def weapon_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    issue = WEAPON.get(request.user, pk)
    _require(request.user, PERM, issue)
    return crud.delete_page(
        request,
        WEAPON,
        issue,
        what=_("dòng cấp phát vũ khí"),
        breadcrumbs=_crumbs(
            issue.exercise, (_("Vũ khí, trang bị"), _weapons_url(issue.exercise_id))
        ),
        success_url=_weapons_url(issue.exercise_id),
    )


urlpatterns = [
    path("<int:exercise_pk>/forces/", mobilisation_view, name="mobilisation"),
    path("<int:exercise_pk>/forces/new/", force_create_view, name="force_create"),
    path("forces/<int:pk>/edit/", force_update_view, name="force_update"),
    path("forces/<int:pk>/delete/", force_delete_view, name="force_delete"),
    path("<int:exercise_pk>/forces/units/new/", allocation_create_view, name="allocation_create"),
    path("forces/allocations/<int:pk>/edit/", allocation_update_view, name="allocation_update"),
    path("forces/allocations/<int:pk>/delete/", allocation_delete_view, name="allocation_delete"),
    path("<int:exercise_pk>/roster/", roster_view, name="roster"),
    path("<int:exercise_pk>/roster/new/", roster_create_view, name="roster_create"),
    path("<int:exercise_pk>/roster/present/", roster_unit_present_view, name="roster_unit_present"),
    path("<int:exercise_pk>/roster/export.xlsx", roster_export_view, name="roster_export"),
    path("<int:exercise_pk>/roster/import/", roster_import_view, name="roster_import"),
    path("roster/<int:pk>/edit/", roster_update_view, name="roster_update"),
    path("roster/<int:pk>/delete/", roster_delete_view, name="roster_delete"),
    path("roster/<int:pk>/check-in/", roster_check_in_view, name="roster_check_in"),
    path("<int:exercise_pk>/weapons/", weapons_view, name="weapons"),
    path("<int:exercise_pk>/weapons/new/", weapon_create_view, name="weapon_create"),
    path("weapons/<int:pk>/edit/", weapon_update_view, name="weapon_update"),
    path("weapons/<int:pk>/delete/", weapon_delete_view, name="weapon_delete"),
]
