"""Review pages: the conference's fast entry (htmx), details, moves, the tracker and notifications;
outsider 404, observer 403, anonymous to the login page; flat query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kvpt.core.testing.world import World
from kvpt.review import services
from kvpt.review.models import CorrectiveAction, Directive, Notification, Observation
from kvpt.review.tests import helpers

pytestmark = pytest.mark.django_db

HTMX: Any = {"headers": {"HX-Request": "true"}}


def _url(name: str, obj: Any) -> str:
    return reverse(f"review:{name}", args=[obj.exercise_id, obj.pk])


def test_the_secretary_appends_an_observation_without_a_reload(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    conference = helpers.conference(world)
    client = client_for(world.erin)  # staff planner of the exercise: the secretary
    page = client.get(conference.get_absolute_url())
    assert page.status_code == 200
    assert b'data-testid="observation-form"' in page.content
    response = client.post(
        _url("conference_observation_add", conference),
        {"kind": "shortcoming", "area": "live_troops", "observation": "Thực binh chậm"},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-swap-oob="beforeend:#observation-list"' in body
    assert "Thực binh chậm" in body
    assert 'name="observation"' in body
    assert "Thực binh chậm</textarea>" not in body
    obs = Observation.objects.get()
    assert (obs.conference, obs.area, obs.code) == (conference, "live_troops", "NX-01")


def test_a_refused_entry_keeps_the_input_with_422(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    conference = helpers.conference(world)
    response = client_for(world.erin).post(
        _url("conference_observation_add", conference),
        {"kind": "shortcoming", "area": "nowhere", "observation": "Giữ lại chữ này"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "Giữ lại chữ này" in response.content.decode()
    assert not Observation.objects.exists()


def test_a_directive_spawns_actions_inline(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    conference = helpers.conference(world, chairs=[world.person])
    response = client_for(world.alice).post(
        _url("conference_directive_add", conference),
        {
            "text": "UBND huyện bàn giao công trình cho BCHQS",
            "given_by": world.person.pk,
            "action_1_title": "Bàn giao hầm chỉ huy",
            "action_1_owner": world.agency.pk,
            "action_1_due": "30/09/2023",
            "action_2_title": "Bàn giao sa bàn",
        },
        **HTMX,
    )
    assert response.status_code == 200, response.content.decode()
    directive = Directive.objects.get()
    assert directive.given_by == world.person
    actions = list(directive.actions.order_by("code"))
    assert [a.title for a in actions] == ["Bàn giao hầm chỉ huy", "Bàn giao sa bàn"]
    assert actions[0].due == dt.date(2023, 9, 30)
    assert actions[0].owner == world.agency
    assert "Bàn giao sa bàn" in response.content.decode()


def test_without_htmx_the_quick_form_redirects_back(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    conference = helpers.conference(world)
    response = client_for(world.alice).post(
        _url("conference_directive_add", conference), {"text": "Tiếp tục tuyên truyền"}
    )
    assert response.status_code == 302
    assert response["Location"] == conference.get_absolute_url()


def test_the_observer_reads_but_may_not_record_and_the_outsider_sees_nothing(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    conference = helpers.conference(world)
    bob = client_for(world.bob)
    page = bob.get(conference.get_absolute_url())
    assert page.status_code == 200
    assert b'data-testid="observation-form"' not in page.content
    post = bob.post(
        _url("conference_observation_add", conference),
        {"kind": "strength", "area": "other", "observation": "x"},
        **HTMX,
    )
    assert post.status_code == 403
    charlie = client_for(world.charlie)
    assert charlie.get(conference.get_absolute_url()).status_code == 404
    assert charlie.post(_url("conference_observation_add", conference), {}).status_code == 404
    overview = reverse("review:overview", args=[world.exercise.pk])
    assert charlie.get(overview).status_code == 404
    anonymous = Client().get(overview)
    assert anonymous.status_code == 302
    assert "/accounts/login" in anonymous["Location"]


def test_every_page_renders_for_the_owner(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    conference = helpers.conference(world)
    obs = helpers.observation(world, conference=conference)
    directive = helpers.directive(world, conference=conference)
    action = helpers.action(world, directive=directive, observation=obs)
    client = client_for(world.alice)
    for url in (
        reverse("review:overview", args=[world.exercise.pk]),
        reverse("review:conference_create", args=[world.exercise.pk]),
        _url("conference_edit", conference),
        _url("observation_detail", obs),
        _url("observation_edit", obs),
        _url("directive_detail", directive),
        _url("directive_edit", directive),
        _url("action_detail", action),
        _url("action_edit", action),
        _url("action_delete", action),
        reverse("review:action_create", args=[world.exercise.pk]) + f"?directive={directive.pk}",
        reverse("review:tracker"),
        reverse("review:my_actions"),
        reverse("review:notifications"),
    ):
        assert client.get(url).status_code == 200, url


def test_the_owner_moves_the_action_and_the_directing_side_closes_it(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    owner = helpers.owner(world)
    action = helpers.action(world, responsible=owner.person)
    client = client_for(owner)
    page = client.get(action.get_absolute_url())
    assert b'data-testid="move-in_progress"' in page.content
    assert b'data-testid="move-cancelled"' not in page.content
    client.post(_url("action_move", action), {"to": "done_pending_approval", "reason": "Xong"})
    action.refresh_from_db()
    assert action.status == "done_pending_approval"
    refused = client.post(_url("action_move", action), {"to": "closed"})
    assert refused.status_code == 403
    client_for(world.alice).post(_url("action_move", action), {"to": "closed"})
    action.refresh_from_db()
    assert action.status == "closed"
    assert action.closed_by == world.alice


def test_evidence_is_checked_and_downloadable(
    world: World, client_for: Callable[[Any], Client], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    owner = helpers.owner(world)
    action = helpers.action(world, responsible=owner.person)
    client = client_for(owner)
    pdf = SimpleUploadedFile("Biên bản.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    client.post(_url("action_evidence", action), {"file": pdf, "note": "Biên bản bàn giao"})
    evidence = action.evidence.get()
    assert evidence.filename == "Biên bản.pdf"
    exe = SimpleUploadedFile("x.pdf", b"MZ\x90\x00rest")
    client.post(_url("action_evidence", action), {"file": exe})
    assert action.evidence.count() == 1
    download = client.get(
        reverse(
            "review:action_evidence_download",
            args=[action.exercise_id, action.pk, evidence.pk],
        )
    )
    assert download.status_code == 200
    assert client_for(world.charlie).get(_url("action_detail", action)).status_code == 404


def test_the_tracker_query_count_does_not_grow_with_rows(
    world: World, client_for: Callable[[Any], Client], django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.alice)
    helpers.action(world, due=dt.date(2023, 9, 1))
    with django_assert_max_num_queries(20) as small:
        assert client.get(reverse("review:tracker")).status_code == 200
    for i in range(12):
        helpers.action(
            world, title=f"Việc {i}", responsible=world.person, due=dt.date(2023, 9, i + 1)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("review:tracker")).status_code == 200
    conference = helpers.conference(world)
    directive = helpers.directive(world, conference=conference)
    helpers.observation(world, conference=conference)
    with django_assert_max_num_queries(40) as few:
        client.get(conference.get_absolute_url())
    for _i in range(5):
        d = helpers.directive(world, conference=conference)
        helpers.action(world, directive=d)
        helpers.observation(world, conference=conference, raised_by_person=world.person)
    helpers.action(world, directive=directive)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(conference.get_absolute_url())
    overview = reverse("review:overview", args=[world.exercise.pk])
    with django_assert_max_num_queries(40) as before:
        client.get(overview)
    for _i in range(4):
        helpers.action(world, directive=helpers.directive(world, conference=conference))
        helpers.observation(world, conference=conference)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(overview)


def test_the_tracker_filters_and_lists_overdue_first(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    helpers.action(world, title="Việc còn xa", due=dt.date(2099, 1, 1))
    helpers.action(world, title="Việc quá hạn", due=dt.date(2023, 9, 1))
    body = client_for(world.alice).get(reverse("review:tracker")).content.decode()
    assert body.index("Việc quá hạn") < body.index("Việc còn xa")
    only = client_for(world.alice).get(reverse("review:tracker"), {"overdue": "1"})
    assert "Việc còn xa" not in only.content.decode()
    assert not CorrectiveAction.objects.filter(title="x").exists()
    bad = client_for(world.alice).get(reverse("review:tracker"), {"exercise": "abc"})
    assert bad.status_code == 200


def test_my_actions_and_notifications(world: World, client_for: Callable[[Any], Client]) -> None:
    owner = helpers.owner(world)
    action = helpers.action(world, responsible=owner.person)
    helpers.action(
        world, title="Việc của người khác", owner=world.sibling_agency, actor=world.admin
    )
    services.notify_assigned(action)
    client = client_for(owner)
    mine = client.get(reverse("review:my_actions")).content.decode()
    assert action.title in mine
    assert "Việc của người khác" not in mine
    page = client.get(reverse("review:notifications"))
    assert b'data-testid="unread-count">1<' in page.content
    notification = Notification.objects.get(user=owner)
    read = client.post(reverse("review:notification_read", args=[notification.pk]))
    assert read.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    # Someone else's notification does not exist for the owner's colleague.
    assert (
        client_for(world.bob)
        .post(reverse("review:notification_read", args=[notification.pk]))
        .status_code
        == 404
    )


def test_the_edit_pages_save_and_refuse_a_stale_version(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    conference = helpers.conference(world, chairs=[world.person])
    client = client_for(world.alice)
    data = {
        "code": conference.code,
        "title": "Hội nghị đã sửa",
        "held_on": "31/08/2023",
        "place": "Hội trường",
        "chairs": [world.person.pk],
        "agenda": "Một\nHai",
        "classification": 0,
        "version": 1,
    }
    saved = client.post(_url("conference_edit", conference), data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    conference.refresh_from_db()
    assert (conference.title, conference.agenda) == ("Hội nghị đã sửa", ["Một", "Hai"])
    stale = client.post(_url("conference_edit", conference), {**data, "title": "Cũ"})
    assert stale.status_code == 409
    obs = helpers.observation(world)
    saved = client.post(
        _url("observation_edit", obs),
        {
            "code": "",
            "kind": "strength",
            "area": "works",
            "observation": "Công trình bảo đảm chất lượng",
            "tags": "công trình, hầm",
            "classification": 0,
            "version": 1,
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    obs.refresh_from_db()
    assert (obs.code, obs.kind, obs.tags) == ("NX-01", "strength", ["công trình", "hầm"])
    action = helpers.action(world)
    saved = client.post(
        _url("action_edit", action),
        {
            "code": action.code,
            "title": "Việc đã sửa",
            "owner": world.agency.pk,
            "due": "15/10/2023",
            "classification": 0,
            "version": 1,
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    action.refresh_from_db()
    assert action.due == dt.date(2023, 10, 15)


def test_history_records_the_actor_of_an_api_call(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    obs = helpers.observation(world)
    response = api_client_for(world.erin).patch(
        f"/api/v1/exercises/{world.exercise.pk}/observations/{obs.pk}",
        {"version": 1, "conclusion": "Kết luận mới"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert obs.history.latest().history_user == world.erin


def test_the_directing_side_approves_from_the_tracker_and_next_stays_on_site(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    owner = helpers.owner(world)
    action = helpers.action(world, responsible=owner.person)
    services.action_transition(
        action=action, to_status="done_pending_approval", note="Xong", actor=owner
    )
    assert b"approve-" not in client_for(owner).get(reverse("review:tracker")).content
    client = client_for(world.alice)
    page = client.get(reverse("review:tracker"))
    assert f'data-testid="approve-{action.code}"'.encode() in page.content
    response = client.post(
        _url("action_move", action),
        {"to": "closed", "version": 2, "next": "https://evil.example/"},
    )
    assert response["Location"] == action.get_absolute_url()
    action.refresh_from_db()
    assert action.status == "closed"


def test_the_notifications_badge_counts_unread(world: World) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    owner = helpers.owner(world)
    services.notify_assigned(helpers.action(world, responsible=owner.person))
    request = RequestFactory().get("/")
    request.user = owner
    html = Template("{% load review_tags %}{% notifications_badge %}").render(
        Context({"request": request})
    )
    assert 'data-testid="unread-badge">1<' in html
    request.user = world.bob
    html = Template("{% load review_tags %}{% notifications_badge %}").render(
        Context({"request": request})
    )
    assert "unread-badge" not in html
