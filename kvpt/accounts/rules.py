"""Object permissions: which roles may do what, in one file.

Scope (may the user see the object at all?) is decided by kvpt.core.scope; these rules decide what
a user who can see it may do with it.
"""

from __future__ import annotations

from typing import Any

import rules

from kvpt.accounts.models import Role
from kvpt.core.permissions import roles_on

DIRECTORY_ADMINS = frozenset({Role.SYSTEM_ADMIN, Role.ORG_ADMIN})
EXERCISE_EDITORS = frozenset(
    {Role.SYSTEM_ADMIN, Role.ORG_ADMIN, Role.STEERING_LEADER, Role.STAFF_PLANNER}
)


def holds_any(name: str, wanted: frozenset[str]) -> Any:
    @rules.predicate(name=name)
    def predicate(user: Any, obj: Any) -> bool:
        return bool(roles_on(user, obj) & wanted)

    return predicate


@rules.predicate
def in_scope(user: Any, obj: Any) -> bool:
    return bool(roles_on(user, obj))


is_directory_admin = holds_any("is_directory_admin", DIRECTORY_ADMINS)
is_exercise_editor = holds_any("is_exercise_editor", EXERCISE_EDITORS)


@rules.predicate
def sits_on_records_subcommittee(user: Any, obj: Any) -> bool:
    """A subcommittee member edits only the work of a subcommittee they sit on.

    `obj` is a preparation record (task, work, budget line, document) with a `subcommittee_id`;
    membership is the user's person among the subcommittee's members.
    """
    if obj is None or Role.SUBCOMMITTEE_MEMBER not in roles_on(user, obj):
        return False
    subcommittee_id = getattr(obj, "subcommittee_id", None)
    person_id = getattr(user, "person_id", None)
    if not subcommittee_id or not person_id:
        return False
    from kvpt.exercises.models import CommitteeMember

    return CommitteeMember.objects.filter(
        committee_id=subcommittee_id, person_id=person_id
    ).exists()


# Areas, agencies, units, people, positions: add under / change / delete an object in the subtree.
rules.add_perm("organisations.manage", is_directory_admin)
# Grant or revoke roles on an area subtree or exercise the admin manages.
rules.add_perm("accounts.manage_memberships", is_directory_admin)
# Create an exercise in an area / edit an exercise.
rules.add_perm("exercises.add_exercise", is_exercise_editor)
rules.add_perm("exercises.change_exercise", is_exercise_editor)
rules.add_perm("exercises.delete_exercise", is_exercise_editor)
# Export a whole exercise to an exchange file (kvpt/exchange); importing one is creating an
# exercise in the file's area (exercises.add_exercise).
rules.add_perm("exchange.export_exercise", is_exercise_editor)
# The exercise's structure: phases, contents, milestones, committees and their members.
rules.add_perm("exercises.change_structure", is_exercise_editor)
# Preparation records (tasks, documents, works, budget lines): add / change / delete. The object
# is the record (for an add, the unsaved record with its exercise and subcommittee set).
rules.add_perm("preparation.change_record", is_exercise_editor | sits_on_records_subcommittee)
# See who changed what: anyone who can see the object.
rules.add_perm("core.view_history", in_scope)


# --- review: conference, observations, directives, corrective actions (kvpt/review) ----------
# The directing side approves the closure of corrective actions: steering leaders and org admins
# of the exercise's area or above (an exercise-only grant does not make anyone the directing side).
REVIEW_DIRECTING = frozenset({Role.SYSTEM_ADMIN, Role.ORG_ADMIN, Role.STEERING_LEADER})


@rules.predicate
def is_directing_side(user: Any, obj: Any) -> bool:
    from kvpt.core.scope import get_scope

    if obj is None:
        return False
    scope = get_scope(user)
    if scope.is_anonymous:
        return False
    if scope.is_superuser:
        return True
    path, _exercise_id = obj.scope_key()
    return bool(scope.roles_on_path(path) & REVIEW_DIRECTING)


@rules.predicate
def owns_action(user: Any, obj: Any) -> bool:
    """The action's responsible person; or, when nobody is named, a holder of an owner role on
    the owner agency's own area (kvpt.review.selectors.OWNER_ROLES)."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return False
    from kvpt.core.scope import get_scope
    from kvpt.review.selectors import OWNER_ROLES

    person_id = getattr(user, "person_id", None)
    if person_id and getattr(obj, "responsible_id", None) == person_id:
        return True
    owner = getattr(obj, "owner", None)
    if owner is None or getattr(obj, "responsible_id", None):
        return False
    roles = get_scope(user).area_roles.get(owner.area.path, frozenset())
    return bool(roles & OWNER_ROLES)


# Conferences, observations (and their states), directives: the exercise's editors (the
# conference secretary is a staff planner of the exercise).
rules.add_perm("review.record", is_exercise_editor)
# Corrective actions: add, edit all fields, delete, cancel.
rules.add_perm("review.manage_action", is_exercise_editor)
# Report progress on an action and ask for its closure: its owners (and its managers).
rules.add_perm("review.work_on_action", is_exercise_editor | owns_action)
# Approve or refuse an action's closure.
rules.add_perm("review.approve_action", is_directing_side)


# --- forces: allocations, rosters, weapons accountability (kvpt/forces) ------------------------


@rules.predicate
def commands_records_unit(user: Any, obj: Any) -> bool:
    """A unit commander reports for their own unit only.

    `obj` is a forces record with a `unit` (allocation, roster entry, weapon issue); the user holds
    the unit_commander role on its exercise and their person holds a current position in the
    agency that manages the unit.
    """
    if obj is None or Role.UNIT_COMMANDER not in roles_on(user, obj):
        return False
    unit = getattr(obj, "unit", None)
    person_id = getattr(user, "person_id", None)
    if unit is None or not person_id:
        return False
    import datetime as dt

    from django.db.models import Q

    from kvpt.organisations.models import Position

    today = dt.date.today()
    current = (Q(start__isnull=True) | Q(start__lte=today)) & (
        Q(end__isnull=True) | Q(end__gte=today)
    )
    return Position.objects.filter(current, person_id=person_id, agency_id=unit.agency_id).exists()


# Forces and unit allocations (add, link, delete), rosters import, weapons records: editors.
rules.add_perm("forces.change_forces", is_exercise_editor)
# A unit's own report: actual personnel and vehicles, roster check-in, weapons issued/returned.
rules.add_perm("forces.report_unit", is_exercise_editor | commands_records_unit)


# --- scenario: situations, MSEL, conduct console (kvpt/scenario) -------------------------------
# The directing staff (Ban Đạo diễn): directors / controllers write and approve the MSEL and run the
# console; the exercise's editors (staff planners ...) write situations and MSEL entries too.
SCENARIO_DIRECTORS = frozenset({Role.SYSTEM_ADMIN, Role.STEERING_LEADER, Role.DIRECTOR})
is_scenario_director = holds_any("is_scenario_director", SCENARIO_DIRECTORS)


@rules.predicate
def controls_inject(user: Any, obj: Any) -> bool:
    """The inject's responsible controller (their person) delivers and completes it."""
    person_id = getattr(user, "person_id", None)
    return bool(
        person_id
        and obj is not None
        and getattr(obj, "controller_id", None) == person_id
        and in_scope(user, obj)
    )


# Situations and MSEL entries: add, edit, delete, import.
rules.add_perm("scenario.change_scenario", is_exercise_editor | is_scenario_director)
# Approve an MSEL entry (or take the approval back, reinstate a skipped one).
rules.add_perm("scenario.approve_inject", is_scenario_director)
# The console: clock, log entries, safety incidents, deliver / complete / skip any inject.
rules.add_perm("scenario.conduct", is_scenario_director)
# Deliver / complete / skip one inject: the directing staff, or the inject's own controller.
rules.add_perm("scenario.run_inject", is_scenario_director | controls_inject)


# --- reports: summary DOCX/PDF, news, exports (kvpt/reports) ---------------------------------
REPORT_MAKERS = frozenset(
    {Role.SYSTEM_ADMIN, Role.ORG_ADMIN, Role.STEERING_LEADER, Role.STAFF_PLANNER, Role.EVALUATOR}
)
# Generate (and delete) an exercise's reports: its editors and the evaluators who grade it.
rules.add_perm("reports.generate", holds_any("is_report_maker", REPORT_MAKERS))
# Download a report or an export: anyone who sees the exercise (clearance is the selector's).
rules.add_perm("reports.view", in_scope)
# Upload or retire the DOCX template of an agency or an area: its directory admins.
rules.add_perm("reports.manage_template", is_directory_admin)


# --- evaluation: criteria, ratings, official results, grade, awards (kvpt/evaluation) --------
# Evaluators grade what their level directs (an evaluator role on the province area reaches the
# district's exercises through the subtree); steering leaders grade too.
EVALUATORS = frozenset({Role.SYSTEM_ADMIN, Role.EVALUATOR, Role.STEERING_LEADER})


@rules.predicate
def is_chief_evaluator(user: Any, obj: Any) -> bool:
    """The evaluator of a level strictly above the exercise's area, or a steering leader.

    `obj` is an evaluation record or an exercise (anything with `scope_key()`).
    """
    from kvpt.core.scope import get_scope

    if obj is None:
        return False
    scope = get_scope(user)
    if scope.is_anonymous:
        return False
    if scope.is_superuser:
        return True
    path, _exercise_id = obj.scope_key()
    roles = roles_on(user, obj)
    if Role.STEERING_LEADER in roles or Role.SYSTEM_ADMIN in roles:
        return True
    return any(
        Role.EVALUATOR in granted and path.startswith(granted_path) and path != granted_path
        for granted_path, granted in scope.area_roles.items()
    )


# Rate a target (own evaluations only: the service checks the evaluator).
rules.add_perm("evaluation.evaluate", holds_any("is_evaluator", EVALUATORS))
# Criteria sets and criteria: the exercise's editors and the chief evaluator.
rules.add_perm("evaluation.manage_criteria", is_exercise_editor | is_chief_evaluator)
# Official results and the exercise's overall grade: the chief evaluator only.
rules.add_perm("evaluation.decide", is_chief_evaluator)
# Awards: the exercise's editors (steering leaders among them).
rules.add_perm("evaluation.manage_awards", is_exercise_editor)
