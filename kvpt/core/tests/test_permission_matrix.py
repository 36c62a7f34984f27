"""The scope matrix for every object type: outsider 404, no role 403, anonymous login/401,
higher level 200, on the history, detail and edit pages and the API.

The object types are not listed by hand: they are read from the history registry (every scoped
domain model registers its selector there), so a new model is covered as soon as it is registered -
and a registered model without a factory below fails loudly instead of being skipped. A scoped model
with history that is not registered fails too, so "registered" cannot be forgotten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from kvpt.core.history import _REGISTRY
from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db


def _position(world: World) -> Any:
    from kvpt.organisations.models import Position

    return Position.objects.create(
        person=world.person, agency=world.agency, title="Chỉ huy trưởng Ban CHQS huyện"
    )


def _succession(world: World) -> Any:
    from kvpt.organisations.models import AreaSuccession

    # 1/7/2025: the district's territory passed to its communes (two-tier local government).
    return AreaSuccession.objects.create(
        predecessor=world.district, successor=world.commune, effective_on=dt.date(2025, 7, 1)
    )


def _membership(world: World) -> Any:
    return world.bob.memberships.get(area=world.district)


def _phase(world: World) -> Any:
    from kvpt.exercises.models import Phase

    return Phase.objects.create(exercise=world.exercise, order=9, name="Giai đoạn thử")


def _content(world: World) -> Any:
    from kvpt.exercises.models import Content

    return Content.objects.create(phase=_phase(world), order=1, name="Nội dung thử")


def _milestone(world: World) -> Any:
    from kvpt.exercises.models import Milestone

    return Milestone.objects.create(
        exercise=world.exercise,
        kind="rehearsal",
        title="Tổng duyệt",
        starts_on=dt.date(2023, 8, 20),
    )


def _committee(world: World) -> Any:
    from kvpt.exercises.models import Committee

    return Committee.objects.create(
        exercise=world.exercise, kind="subcommittee", code="TB-THU", name="Tiểu ban thử"
    )


def _committee_member(world: World) -> Any:
    from kvpt.exercises.models import CommitteeMember

    return CommitteeMember.objects.create(committee=_committee(world), person=world.person)


def _task(world: World) -> Any:
    from kvpt.preparation.models import Task

    return Task.objects.create(
        exercise=world.exercise, code="CV-THU", title="Công việc thử", category="training"
    )


def _document(world: World) -> Any:
    from kvpt.preparation.models import Document, DocumentKind

    return Document.objects.create(
        exercise=world.exercise,
        code="VK-THU",
        title="Văn kiện thử",
        kind=DocumentKind.objects.get_or_create(code="KH-DT", defaults={"name": "Kế hoạch"})[0],
    )


def _work(world: World) -> Any:
    from kvpt.preparation.models import Work

    return Work.objects.create(
        exercise=world.exercise, code="CT-THU", name="Hầm thử", kind="bunker", construction="new"
    )


def _budget_line(world: World) -> Any:
    from kvpt.preparation.models import BudgetLine

    return BudgetLine.objects.create(
        exercise=world.exercise,
        code="KP-THU",
        description="Chi thử",
        category="other",
        source="district",
    )


def _review(world: World, kind: str) -> Any:
    import datetime as dt

    from kvpt.review import models as review

    exercise = world.exercise
    if kind == "conference":
        return review.Conference.objects.create(
            exercise=exercise, code="HN-THU", title="Hội nghị thử", held_on=dt.date(2023, 8, 31)
        )
    if kind == "observation":
        return review.Observation.objects.create(
            exercise=exercise, code="NX-THU", kind="shortcoming", area="other", observation="Thử"
        )
    if kind == "directive":
        return review.Directive.objects.create(exercise=exercise, code="CD-THU", text="Thử")
    return review.CorrectiveAction.objects.create(exercise=exercise, code="KP-THU", title="Thử")


def _forces(world: World, kind: str) -> Any:
    from kvpt.forces import models as fm

    allocation = fm.ForceAllocation.objects.create(
        exercise=world.exercise, unit=world.unit, planned_personnel=10
    )
    made = {
        "force": lambda: fm.Force.objects.create(exercise=world.exercise, code="LL-THU", name="LL"),
        "allocation": lambda: allocation,
        "vehicle": lambda: fm.VehicleAllocation.objects.create(allocation=allocation, kind="ô tô"),
        "equipment": lambda: fm.EquipmentAllocation.objects.create(
            allocation=allocation, item="Máy thông tin"
        ),
        "roster": lambda: fm.RosterEntry.objects.create(
            exercise=world.exercise, unit=world.unit, full_name="Hà Văn Thử"
        ),
        "weapon": lambda: fm.WeaponIssue.objects.create(
            exercise=world.exercise, unit=world.unit, item="Súng AK", quantity_issued=2
        ),
    }
    return made[kind]()


def _situation(world: World) -> Any:
    from kvpt.scenario.models import Situation, SituationKind

    return Situation.objects.create(
        exercise=world.exercise,
        code="A2-THU",
        title="Tình huống thử",
        kind=SituationKind.objects.get_or_create(code="riot", defaults={"name": "Gây rối"})[0],
    )


def _inject(world: World) -> Any:
    from kvpt.scenario.models import Inject

    return Inject.objects.create(exercise=world.exercise, serial=901, content="Sự kiện thử")


def _conduct_clock(world: World) -> Any:
    from kvpt.scenario.models import ConductClock

    return ConductClock.objects.create(exercise=world.exercise)


def _log_entry(world: World) -> Any:
    from kvpt.scenario.models import ConductLogEntry

    return ConductLogEntry.objects.create(exercise=world.exercise, text="Ghi chép thử")


def _incident(world: World) -> Any:
    from kvpt.scenario.models import SafetyIncident

    return SafetyIncident.objects.create(
        exercise=world.exercise, category="property", description="Sự cố thử"
    )


def _evaluation(world: World, kind: str) -> Any:
    from django.utils import timezone

    from kvpt.evaluation import models as ev

    exercise = world.exercise
    passed = ev.ScaleLevel.objects.get(scale__code="GKDK", code="DAT")
    target = {"target_kind": "exercise", "target_id": exercise.pk, "target_label": exercise.name}
    if kind in {"set", "criterion"}:
        criteria_set = ev.CriteriaSet.objects.create(
            exercise=exercise, code="BTC-THU", name="Thử", scale=passed.scale
        )
        if kind == "set":
            return criteria_set
        return ev.Criterion.objects.create(
            exercise=exercise, criteria_set=criteria_set, code="TC-THU", text="Thử"
        )
    if kind == "evaluation":
        return ev.Evaluation.objects.create(
            exercise=exercise, evaluator=world.dave, level=passed, **target
        )
    if kind == "result":
        return ev.OfficialResult.objects.create(
            exercise=exercise, level=passed, decided_at=timezone.now(), **target
        )
    if kind == "grade":
        return ev.ExerciseGrade.objects.create(exercise=exercise, level=passed)
    return ev.Award.objects.create(
        exercise=exercise,
        code="KT-THU",
        kind="bang_khen",
        issuer_text="Thử",
        recipient_unit=world.unit,
    )


def _report(world: World, kind: str) -> Any:
    from kvpt.reports.models import GeneratedReport, ReportTemplate

    if kind == "template":
        return ReportTemplate.objects.create(
            area=world.district, name="Mẫu", file="t.docx", filename="t.docx", sha256="0" * 64
        )
    return GeneratedReport.objects.create(
        exercise=world.exercise, kind="summary", format="docx", status="done"
    )


# label -> an object of that type lying in alice's district (Lang Chánh), built from the world.
FACTORIES: dict[str, Callable[[World], Any]] = {
    "organisations.area": lambda w: w.district,
    "organisations.areasuccession": _succession,
    "organisations.agency": lambda w: w.agency,
    "organisations.unit": lambda w: w.unit,
    "organisations.person": lambda w: w.person,
    "organisations.position": _position,
    "accounts.membership": _membership,
    "exercises.exercise": lambda w: w.exercise,
    "exercises.phase": _phase,
    "exercises.content": _content,
    "exercises.milestone": _milestone,
    "exercises.committee": _committee,
    "exercises.committeemember": _committee_member,
    "preparation.task": _task,
    "preparation.document": _document,
    "preparation.work": _work,
    "preparation.budgetline": _budget_line,
    "scenario.situation": _situation,
    "scenario.inject": _inject,
    "scenario.conductclock": _conduct_clock,
    "scenario.conductlogentry": _log_entry,
    "scenario.safetyincident": _incident,
    "review.conference": lambda w: _review(w, "conference"),
    "review.observation": lambda w: _review(w, "observation"),
    "review.directive": lambda w: _review(w, "directive"),
    "review.correctiveaction": lambda w: _review(w, "action"),
    "evaluation.criteriaset": lambda w: _evaluation(w, "set"),
    "evaluation.criterion": lambda w: _evaluation(w, "criterion"),
    "evaluation.evaluation": lambda w: _evaluation(w, "evaluation"),
    "evaluation.officialresult": lambda w: _evaluation(w, "result"),
    "evaluation.exercisegrade": lambda w: _evaluation(w, "grade"),
    "evaluation.award": lambda w: _evaluation(w, "award"),
    "forces.force": lambda w: _forces(w, "force"),
    "forces.forceallocation": lambda w: _forces(w, "allocation"),
    "forces.vehicleallocation": lambda w: _forces(w, "vehicle"),
    "forces.equipmentallocation": lambda w: _forces(w, "equipment"),
    "forces.rosterentry": lambda w: _forces(w, "roster"),
    "forces.weaponissue": lambda w: _forces(w, "weapon"),
    "reports.reporttemplate": lambda w: _report(w, "template"),
    "reports.generatedreport": lambda w: _report(w, "report"),
}

# label -> the API's detail path; only these endpoints are part of the contract checked here.
API_PATHS: dict[str, str] = {
    "evaluation.criteriaset": "/api/v1/exercises/{obj.exercise_id}/criteria-sets/{pk}",
    "evaluation.evaluation": "/api/v1/exercises/{obj.exercise_id}/evaluations/{pk}",
    "evaluation.award": "/api/v1/exercises/{obj.exercise_id}/awards/{pk}",
    "forces.force": "/api/v1/exercises/{obj.exercise_id}/forces/{pk}",
    "forces.forceallocation": "/api/v1/exercises/{obj.exercise_id}/force-allocations/{pk}",
    "forces.rosterentry": "/api/v1/exercises/{obj.exercise_id}/roster/{pk}",
    "forces.weaponissue": "/api/v1/exercises/{obj.exercise_id}/weapon-issues/{pk}",
    "organisations.area": "/api/v1/areas/{pk}",
    "organisations.agency": "/api/v1/agencies/{pk}",
    "organisations.unit": "/api/v1/units/{pk}",
    "organisations.person": "/api/v1/people/{pk}",
    "accounts.membership": "/api/v1/memberships/{pk}",
    "exercises.exercise": "/api/v1/exercises/{pk}",
    "exercises.committee": "/api/v1/exercises/{obj.exercise_id}/committees/{pk}",
    "exercises.committeemember": (
        "/api/v1/exercises/{obj.committee.exercise_id}/committees/{obj.committee_id}/members/{pk}"
    ),
    # Nested paths name their parents through the object: {obj.exercise_id}.
    "exercises.phase": "/api/v1/exercises/{obj.exercise_id}/phases/{pk}",
    "exercises.content": (
        "/api/v1/exercises/{obj.phase.exercise_id}/phases/{obj.phase_id}/contents/{pk}"
    ),
    "exercises.milestone": "/api/v1/exercises/{obj.exercise_id}/milestones/{pk}",
    "preparation.work": "/api/v1/exercises/{obj.exercise_id}/works/{pk}",
    "preparation.budgetline": "/api/v1/exercises/{obj.exercise_id}/budget-lines/{pk}",
    "preparation.document": "/api/v1/exercises/{obj.exercise_id}/documents/{pk}",
    "review.conference": "/api/v1/exercises/{obj.exercise_id}/conferences/{pk}",
    "review.observation": "/api/v1/exercises/{obj.exercise_id}/observations/{pk}",
    "review.directive": "/api/v1/exercises/{obj.exercise_id}/directives/{pk}",
    "review.correctiveaction": "/api/v1/exercises/{obj.exercise_id}/actions/{pk}",
    "preparation.task": "/api/v1/tasks/{pk}",
    "scenario.situation": "/api/v1/exercises/{obj.exercise_id}/situations/{pk}",
    "scenario.inject": "/api/v1/exercises/{obj.exercise_id}/injects/{pk}",
    "scenario.conductclock": "/api/v1/exercises/{obj.exercise_id}/clock",
    "scenario.conductlogentry": "/api/v1/exercises/{obj.exercise_id}/log/{pk}",
    "scenario.safetyincident": "/api/v1/exercises/{obj.exercise_id}/incidents/{pk}",
    "reports.generatedreport": "/api/v1/exercises/{obj.exercise_id}/reports/{pk}",
}

LABELS = sorted(set(_REGISTRY) | set(API_PATHS))


def _object(world: World, label: str) -> Any:
    factory = FACTORIES.get(label)
    if factory is None:
        pytest.fail(
            f"{label} is registered for history but the permission matrix has no factory for it: "
            f"add one to FACTORIES in {__file__} (an object in alice's district)."
        )
    return factory(world)


def _history_url(label: str, pk: int) -> str:
    return reverse("core:history", args=[label, pk])


def test_the_registry_is_not_empty_and_every_label_has_a_factory() -> None:
    assert "exercises.exercise" in _REGISTRY
    missing = sorted(set(_REGISTRY) - set(FACTORIES))
    assert not missing, f"registered without a factory in the permission matrix: {missing}"


def test_every_scoped_model_with_history_is_registered() -> None:
    """A domain model that has a scope and a history must have a history selector (and so a row
    in this matrix); otherwise its history page would 404 for everyone and escape the matrix."""
    unregistered = sorted(
        model._meta.label_lower
        for model in apps.get_models()
        if model.__module__.startswith("kvpt.")
        and hasattr(model, "scope_key")
        and hasattr(model, "history")
        and model._meta.label_lower not in _REGISTRY
    )
    assert not unregistered, f"scoped models with history but no register_history(): {unregistered}"


@pytest.mark.parametrize("label", LABELS)
def test_the_outsider_gets_404(
    label: str,
    world: World,
    client_for: Callable[[Any], Client],
    api_client_for: Callable[[Any], Client],
) -> None:
    obj = _object(world, label)
    if label in _REGISTRY:
        response = client_for(world.charlie).get(_history_url(label, obj.pk))
        assert response.status_code == 404, f"history of {label} visible to an outsider"
    if label in API_PATHS:
        response = api_client_for(world.charlie).get(API_PATHS[label].format(pk=obj.pk, obj=obj))
        assert response.status_code == 404, f"API {label} visible to an outsider"
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("label", LABELS)
def test_anonymous_is_sent_to_login_in_the_ui_and_gets_401_on_the_api(
    label: str, world: World
) -> None:
    obj = _object(world, label)
    client = Client()
    if label in _REGISTRY:
        response = client.get(_history_url(label, obj.pk))
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("accounts:login")), label
    if label in API_PATHS:
        response = client.get(API_PATHS[label].format(pk=obj.pk, obj=obj))
        assert response.status_code == 401, label
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("label", LABELS)
def test_the_higher_level_sees_it(
    label: str,
    world: World,
    client_for: Callable[[Any], Client],
    api_client_for: Callable[[Any], Client],
) -> None:
    obj = _object(world, label)
    if label in _REGISTRY:
        response = client_for(world.dave).get(_history_url(label, obj.pk))
        assert response.status_code == 200, f"history of {label} hidden from the province"
    if label in API_PATHS:
        response = api_client_for(world.dave).get(API_PATHS[label].format(pk=obj.pk, obj=obj))
        assert response.status_code == 200, (
            f"API {label} answers {response.status_code} to the province: {response.content!r}"
        )
        assert response.json()["id"] == obj.pk


@pytest.mark.parametrize("label", LABELS)
def test_the_owner_sees_it(label: str, world: World, client_for: Callable[[Any], Client]) -> None:
    """The control: the 404s above mean "hidden", not "the page does not exist"."""
    obj = _object(world, label)
    if label in _REGISTRY:
        assert client_for(world.alice).get(_history_url(label, obj.pk)).status_code == 200


# label -> the UI's edit page; every kind of record people edit in the UI must be listed here.
EDIT_URLS: dict[str, str] = {
    "evaluation.criteriaset": "evaluation:criteria_set_edit",
    "evaluation.criterion": "evaluation:criterion_edit",
    "evaluation.award": "evaluation:award_edit",
    "forces.force": "forces:force_update",
    "forces.forceallocation": "forces:allocation_update",
    "forces.rosterentry": "forces:roster_update",
    "forces.weaponissue": "forces:weapon_update",
    "organisations.area": "organisations:area_update",
    "organisations.agency": "organisations:agency_update",
    "organisations.unit": "organisations:unit_update",
    "organisations.person": "organisations:person_update",
    "accounts.membership": "accounts:membership_edit",
    "exercises.exercise": "exercises:edit",
    "exercises.committee": "exercises:committee_edit",
    "exercises.committeemember": "exercises:committee_member_edit",
    "exercises.phase": "exercises:phase_edit",
    "exercises.content": "exercises:content_edit",
    "exercises.milestone": "exercises:milestone_edit",
    "preparation.work": "preparation:work_update",
    "preparation.budgetline": "preparation:budget_line_update",
    "preparation.document": "preparation:document_update",
    "review.conference": "review:conference_edit",
    "review.observation": "review:observation_edit",
    "review.directive": "review:directive_edit",
    "review.correctiveaction": "review:action_edit",
    "preparation.task": "preparation:task_update",
    "scenario.situation": "scenario:situation_update",
    "scenario.inject": "scenario:inject_update",
    "scenario.conductlogentry": "scenario:log_entry_update",
    "scenario.safetyincident": "scenario:incident_update",
}
# label -> the edit page's URL arguments when they are not just the record's pk (nested pages).
EDIT_ARGS: dict[str, Callable[[Any], list[Any]]] = {
    "evaluation.criteriaset": lambda obj: [obj.exercise_id, obj.pk],
    "evaluation.criterion": lambda obj: [obj.exercise_id, obj.pk],
    "evaluation.award": lambda obj: [obj.exercise_id, obj.pk],
    "preparation.document": lambda obj: [obj.exercise_id, obj.pk],
    "preparation.work": lambda obj: [obj.exercise_id, obj.pk],
    "preparation.budgetline": lambda obj: [obj.exercise_id, obj.pk],
    "scenario.situation": lambda obj: [obj.exercise_id, obj.pk],
    "scenario.inject": lambda obj: [obj.exercise_id, obj.pk],
    "scenario.conductlogentry": lambda obj: [obj.exercise_id, obj.pk],
    "scenario.safetyincident": lambda obj: [obj.exercise_id, obj.pk],
    "review.conference": lambda obj: [obj.exercise_id, obj.pk],
    "review.observation": lambda obj: [obj.exercise_id, obj.pk],
    "review.directive": lambda obj: [obj.exercise_id, obj.pk],
    "review.correctiveaction": lambda obj: [obj.exercise_id, obj.pk],
}


def _edit_url(label: str, obj: Any) -> str:
    return reverse(EDIT_URLS[label], args=EDIT_ARGS.get(label, lambda o: [o.pk])(obj))


@pytest.mark.parametrize("label", LABELS)
def test_the_outsider_gets_404_on_the_detail_and_edit_pages(
    label: str, world: World, client_for: Callable[[Any], Client]
) -> None:
    obj = _object(world, label)
    client = client_for(world.charlie)
    if hasattr(obj, "get_absolute_url"):
        assert client.get(obj.get_absolute_url()).status_code == 404, label
    if label in EDIT_URLS:
        assert client.get(_edit_url(label, obj)).status_code == 404, label


@pytest.mark.parametrize("label", sorted(EDIT_URLS))
def test_a_member_without_the_role_gets_403_on_the_edit_page_and_the_api(
    label: str,
    world: World,
    client_for: Callable[[Any], Client],
    api_client_for: Callable[[Any], Client],
) -> None:
    """bob observes Lang Chánh: he sees these records and may change none of them."""
    obj = _object(world, label)
    if hasattr(obj, "get_absolute_url"):
        assert client_for(world.bob).get(obj.get_absolute_url()).status_code == 200, label
    edit = client_for(world.bob).get(_edit_url(label, obj))
    assert edit.status_code == 403, label
    if label in API_PATHS:
        patch = api_client_for(world.bob).patch(
            API_PATHS[label].format(pk=obj.pk, obj=obj),
            {"version": obj.version},
            content_type="application/json",
        )
        assert patch.status_code == 403, (label, patch.content)
        assert patch.json()["code"] == "permission_denied"
