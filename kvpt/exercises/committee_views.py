"""Pages of an exercise's committees ("Tổ chức chỉ đạo, điều hành") and their members.

Outside the user's scope -> 404 (the selectors hide it); in scope without
"exercises.change_structure" -> 403; anonymous -> the login page. They parse, call, render.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kvpt.core import crud
from kvpt.core.forms import DeleteForm
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_scope, get_visible_or_404
from kvpt.core.services import ConcurrentEditError
from kvpt.core.views_helpers import log_classified_read, render_page
from kvpt.exercises.committee_forms import (
    CommitteeForm,
    CommitteeMemberForm,
    person_label,
    person_options,
)
from kvpt.exercises.committee_services import (
    CATALOGUES,
    COMMITTEE,
    COMMITTEE_MEMBER,
    PERM,
    committee_add_standard,
    committee_create,
    committee_member_add,
    default_position,
    missing_standard,
)
from kvpt.exercises.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    CommitteeRole,
    Exercise,
    ExerciseStatus,
)
from kvpt.exercises.selectors import (
    committee_list,
    committee_member_visible_list,
    committee_person_choices,
    committee_record_counts,
    committee_with_members_list,
    exercise_list,
    subcommittees_of,
)


def _exercise_crumbs(exercise: Exercise) -> crud.Crumbs:
    return [
        (_("Diễn tập"), reverse("exercises:list")),
        (exercise.code, exercise.get_absolute_url()),
        (_title(), _committees_url(exercise.pk)),
    ]


def _title() -> str:
    return _("Tổ chức chỉ đạo, điều hành")


def _committees_url(exercise_id: int) -> str:
    return reverse("exercises:committees", args=[exercise_id])


def _detail_url(committee: Committee) -> str:
    return reverse("exercises:committee_detail", args=[committee.pk])


def _committee_crumbs(committee: Committee) -> crud.Crumbs:
    return [*_exercise_crumbs(committee.exercise), (committee.name, _detail_url(committee))]


def _editable(user: Any, exercise: Exercise) -> bool:
    """Whether to offer the editing buttons (a closed exercise is kept as it was)."""
    return exercise.status != ExerciseStatus.CLOSED and bool(user.has_perm(PERM, exercise))


def _visible_exercise(request: HttpRequest, pk: int) -> Exercise:
    exercise = get_visible_or_404(exercise_list(request.user), pk=pk)
    log_classified_read(request.user, exercise)
    return exercise


def _url_pattern(name: str) -> str:
    """The URL `name` takes with one pk, as a str.format pattern: one reverse() for a whole list."""
    marker = 987654321
    return reverse(name, args=[marker]).replace(str(marker), "{}")


def _link_members(committees: list[Any]) -> None:
    """Give each seated member its role's label and its edit/delete URLs, worked out once for
    the list (get_role_display and {% url %} row by row translate and reverse every time)."""
    roles = {value: str(label) for value, label in CommitteeRole.choices}
    edit = _url_pattern("exercises:committee_member_edit")
    delete = _url_pattern("exercises:committee_member_delete")
    for committee in committees:
        for member in committee.seated:
            member.role_label = roles.get(member.role, member.role)
            member.edit_url = edit.format(member.pk)
            member.delete_url = delete.format(member.pk)


def _exercise_committees(user: Any, exercise: Exercise) -> list[Committee]:
    """The exercise's committees (in the user's scope) with their visible members: two queries.

    The members carry only their person (without the columns the page does not show): the
    prefetch hands each its committee, and every committee is this exercise's, so neither is
    read again per member.
    """
    members = (
        committee_member_visible_list(user)
        .select_related(None)
        .select_related("person")
        .defer(
            "created_at",
            "updated_at",
            "person__created_at",
            "person__updated_at",
            "person__note",
            "person__search_text",
        )
    )
    committees = list(
        committee_list(user)
        .select_related(None)
        .filter(exercise=exercise)
        .prefetch_related(Prefetch("members", queryset=members, to_attr="seated"))
        .order_by("order", "pk")
    )
    for committee in committees:
        committee.exercise = exercise
    _link_members(committees)
    return committees


# --- the page of all committees ----------------------------------------------------------------


@login_required
@require_GET
def committees_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exercise = _visible_exercise(request, pk)
    committees = _exercise_committees(user, exercise)
    mine = set(subcommittees_of(user, exercise).values_list("pk", flat=True))
    can_edit = _editable(user, exercise)
    catalogues = (
        {name: missing_standard(exercise, name, committees) for name in CATALOGUES}
        if can_edit
        else {}
    )
    return render_page(
        request,
        "exercises/committees/list.html",
        {
            "exercise": exercise,
            "leading": [c for c in committees if not c.is_subcommittee],
            "subcommittees": [c for c in committees if c.is_subcommittee],
            "mine": mine,
            "can_edit": can_edit,
            "can_edit_exercise": user.has_perm("exercises.change_exercise", exercise),
            "missing_leading": catalogues.get("leading", []),
            "missing_subcommittees": catalogues.get("subcommittees", []),
            "kinds": CommitteeKind,
            "page_classification": exercise.classification,
            "breadcrumbs": [
                *_exercise_crumbs(exercise)[:-1],
                (_("Tổ chức chỉ đạo, điều hành"), None),
            ],
        },
    )


@login_required
@require_POST
def committee_add_standard_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exercise = get_visible_or_404(exercise_list(user), pk=pk)
    require_perm(user, PERM, exercise)
    catalogue = request.POST.get("catalogue", "")
    try:
        added = committee_add_standard(exercise=exercise, catalogue=catalogue, actor=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if added:
            messages.success(
                request,
                _("Đã thêm %(count)s ban: %(names)s.")
                % {"count": len(added), "names": ", ".join(c.name for c in added)},
            )
        else:
            messages.info(request, _("Cuộc diễn tập đã có đủ các ban trong danh mục này."))
    return redirect(_committees_url(exercise.pk))


# --- one committee -----------------------------------------------------------------------------


@login_required
@require_GET
def committee_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    committee = get_visible_or_404(committee_with_members_list(user), pk=pk)
    log_classified_read(user, committee.exercise)
    _link_members([committee])
    counts = (
        committee_record_counts([committee.pk], clearance=get_scope(user).clearance).get(
            committee.pk
        )
        if committee.is_subcommittee
        else None
    )
    can_edit = _editable(user, committee.exercise)
    return render_page(
        request,
        "exercises/committees/detail.html",
        {
            "committee": committee,
            "exercise": committee.exercise,
            "counts": counts,
            "is_mine": committee.is_subcommittee
            and any(m.person_id == getattr(user, "person_id", None) for m in committee.seated),
            **crud.detail_header(
                committee,
                can_manage=can_edit,
                edit="exercises:committee_edit",
                delete="exercises:committee_delete",
            ),
            "page_classification": committee.exercise.classification,
            "breadcrumbs": [*_exercise_crumbs(committee.exercise), (committee.name, None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exercise = get_visible_or_404(exercise_list(user), pk=pk)
    require_perm(user, PERM, exercise)
    kind = request.GET.get("kind", "")
    initial = {"kind": kind if kind in CommitteeKind.values else CommitteeKind.SUBCOMMITTEE}
    form = CommitteeForm(request.POST or None, user=user, initial=initial)
    return crud.form_page(
        request,
        form,
        save=lambda: committee_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã thêm “%(obj)s”."),
        title=_("Thêm ban, tiểu ban"),
        breadcrumbs=[*_exercise_crumbs(exercise), (_("Thêm mới"), None)],
        cancel_url=_committees_url(exercise.pk),
        classification=exercise.classification,
        success_url=_detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    committee = COMMITTEE.get_for_change(user, pk)
    form = CommitteeForm(request.POST or None, instance=copy.copy(committee), user=user)
    return crud.form_page(
        request,
        form,
        save=lambda: COMMITTEE.change(
            committee, form.service_data(), expected_version=form.expected_version, actor=user
        ),
        saved=_("Đã lưu “%(obj)s”."),
        title=_("Sửa “%(obj)s”") % {"obj": committee},
        breadcrumbs=[*_committee_crumbs(committee), (_("Sửa"), None)],
        cancel_url=_detail_url(committee),
        classification=committee.exercise.classification,
        success_url=_detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    committee = COMMITTEE.get_for_change(request.user, pk)
    return _delete_page(
        request,
        COMMITTEE,
        committee,
        what=_("ban"),
        breadcrumbs=_committee_crumbs(committee),
        cancel_url=_detail_url(committee),
        success_url=_committees_url(committee.exercise_id),
        classification=committee.exercise.classification,
    )


# --- members -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def committee_member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    committee = COMMITTEE.get_for_change(user, pk)
    initial: dict[str, Any] = {}
    if request.GET.get("person", "").isdigit():
        initial["person"] = int(request.GET["person"])
    form = CommitteeMemberForm(
        request.POST or None,
        user=user,
        committee=committee,
        initial=initial,
    )
    return crud.form_page(
        request,
        form,
        save=lambda: committee_member_add(committee=committee, **form.service_data(), actor=user),
        saved=_("Đã thêm thành viên %(obj)s."),
        title=_("Thêm thành viên vào “%(committee)s”") % {"committee": committee},
        breadcrumbs=[*_committee_crumbs(committee), (_("Thêm thành viên"), None)],
        cancel_url=_detail_url(committee),
        classification=committee.exercise.classification,
        success_url=lambda member: _detail_url(committee),
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_member_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    member = COMMITTEE_MEMBER.get_for_change(user, pk)
    committee = member.committee
    form = CommitteeMemberForm(
        request.POST or None,
        instance=copy.copy(member),
        user=user,
        committee=committee,
    )
    return crud.form_page(
        request,
        form,
        save=lambda: COMMITTEE_MEMBER.change(
            member, form.service_data(), expected_version=form.expected_version, actor=user
        ),
        saved=_("Đã lưu thành viên %(obj)s."),
        title=_("Sửa thành viên %(person)s") % {"person": member.person},
        breadcrumbs=[*_committee_crumbs(committee), (str(member.person), None), (_("Sửa"), None)],
        cancel_url=_detail_url(committee),
        classification=committee.exercise.classification,
        success_url=lambda saved: _detail_url(committee),
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_member_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = COMMITTEE_MEMBER.get_for_change(request.user, pk)
    committee = member.committee
    return _delete_page(
        request,
        COMMITTEE_MEMBER,
        member,
        what=_("thành viên"),
        breadcrumbs=[*_committee_crumbs(committee), (str(member.person), None)],
        cancel_url=_detail_url(committee),
        success_url=_detail_url(committee),
        classification=committee.exercise.classification,
    )


@login_required
@require_GET
def committee_people_view(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the <option>s of the member form's person list, narrowed by what was typed."""
    user = request.user
    committee = COMMITTEE.get_for_change(user, pk)
    people = person_options(user, committee.exercise, request.GET.get("person_q", ""))
    value = request.GET.get("person", "")
    chosen = int(value) if value.isdigit() else None
    if chosen is not None and all(p.pk != chosen for p in people):
        # Keep the person already picked while the list narrows to other names.
        kept = committee_person_choices(user, committee.exercise).filter(pk=chosen).first()
        people = [kept, *people] if kept is not None else people
    return render(
        request,
        "exercises/committees/partials/person_options.html",
        {"options": [(p.pk, person_label(p)) for p in people], "chosen": chosen},
    )


@login_required
@require_GET
def committee_person_position_view(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the position input, filled with the chosen person's titles unless already typed."""
    user = request.user
    committee = COMMITTEE.get_for_change(user, pk)
    typed = request.GET.get("position", "")
    value = typed
    person_id = request.GET.get("person", "")
    if not typed.strip() and person_id.isdigit():
        choices = committee_person_choices(user, committee.exercise)
        person = choices.filter(pk=int(person_id)).first()
        if person is not None:
            value = default_position(person, committee.exercise, user)
    field = CommitteeMember._meta.get_field("position")
    return render(
        request,
        "exercises/committees/partials/position_input.html",
        {"value": value, "max_length": field.max_length},
    )


# --- shared ------------------------------------------------------------------------------------


def _delete_page(
    request: HttpRequest,
    entity: crud.Entity[Any],
    obj: Committee | CommitteeMember,
    *,
    what: str,
    breadcrumbs: crud.Crumbs,
    cancel_url: str,
    success_url: str,
    classification: int,
) -> HttpResponse:
    """crud.delete_page for records reached under their exercise (they have no URL of their own)."""
    form = DeleteForm(
        request.POST if request.method == "POST" else None, initial={"version": obj.version}
    )
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            entity.remove(
                obj, expected_version=form.cleaned_data.get("version"), actor=request.user
            )
        except ConcurrentEditError as exc:
            error, status = exc.messages[0], 409
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 422
        else:
            messages.success(request, _("Đã xóa %(what)s “%(obj)s”.") % {"what": what, "obj": obj})
            return redirect(success_url)
    return render_page(
        request,
        crud.DELETE_TEMPLATE,
        {
            "object": obj,
            "form": form,
            "error": error,
            "what": what,
            "breadcrumbs": [*breadcrumbs, (_("Xóa"), None)],
            "cancel_url": cancel_url,
            "page_classification": classification,
        },
        status=status,
    )


urlpatterns = [
    path("<int:pk>/committees/", committees_view, name="committees"),
    path("<int:pk>/committees/new/", committee_create_view, name="committee_create"),
    path(
        "<int:pk>/committees/standard/", committee_add_standard_view, name="committee_add_standard"
    ),
    path("committees/<int:pk>/", committee_detail_view, name="committee_detail"),
    path("committees/<int:pk>/edit/", committee_edit_view, name="committee_edit"),
    path("committees/<int:pk>/delete/", committee_delete_view, name="committee_delete"),
    path(
        "committees/<int:pk>/members/new/", committee_member_add_view, name="committee_member_add"
    ),
    path("committees/<int:pk>/people/", committee_people_view, name="committee_people"),
    path(
        "committees/<int:pk>/position/",
        committee_person_position_view,
        name="committee_person_position",
    ),
    path(
        "committee-members/<int:pk>/edit/", committee_member_edit_view, name="committee_member_edit"
    ),
    path(
        "committee-members/<int:pk>/delete/",
        committee_member_delete_view,
        name="committee_member_delete",
    ),
]
