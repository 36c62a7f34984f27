"""The lessons library: the search's meaning (folding with đ, every word, equal to the Python
reference on this database), who finds what (scope, lineage), filters, flat query counts, similar
lessons of an area's lineage, and a lesson turned into a preparation task."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kvpt.accounts.models import Role
from kvpt.core.testing.factories import AreaFactory, ExerciseFactory, UserFactory, grant
from kvpt.core.testing.world import World
from kvpt.organisations.models import AreaSuccession
from kvpt.review import lessons
from kvpt.review.models import Observation

pytestmark = pytest.mark.django_db


def add(exercise: Any, text: str, *, code: str | None = None, **values: Any) -> Observation:
    values.setdefault("kind", "shortcoming")
    values.setdefault("area", "preparation")
    values.setdefault("state", "lesson_identified")
    n = Observation.objects.filter(exercise=exercise).count() + 1
    return Observation.objects.create(
        exercise=exercise, code=code or f"NX-{n:03d}", observation=text, **values
    )


def search(user: Any, q: str = "", **filters: str) -> set[int]:
    found = lessons.lesson_search(user, lessons.LessonFilters(q=q, **filters))
    return set(found.values_list("pk", flat=True))


# --- the meaning -------------------------------------------------------------------------------


def test_query_words_fold_accents_and_d_stroke() -> None:
    assert lessons.query_words("Đường  HẬU-CẦN, đường") == ["duong", "hau", "can"]
    assert lessons.query_words("  ") == []
    assert lessons.query_words("%_ \"'") == ["_"]


def test_duong_finds_duong_with_d_stroke_and_hau_can_finds_hau_can(world: World) -> None:
    road = add(world.exercise, "Đường cơ động vào khu vực diễn tập còn hẹp")
    logistics = add(world.exercise, "Bảo đảm hậu cần, kỹ thuật chưa kịp thời")
    assert search(world.alice, "duong") == {road.pk}
    assert search(world.alice, "DUONG co dong") == {road.pk}
    assert search(world.alice, "hau can") == {logistics.pk}
    assert search(world.alice, "hậu cần") == {logistics.pk}


def test_every_word_must_occur(world: World) -> None:
    both = add(world.exercise, "Hậu cần và đường cơ động")
    add(world.exercise, "Chỉ có hậu cần")
    add(world.exercise, "Chỉ có đường sá")
    assert search(world.alice, "hau can duong") == {both.pk}
    assert search(world.alice, "duong hau") == {both.pk}  # order does not matter
    assert search(world.alice, "hau can khongco") == set()


def test_a_word_matches_inside_a_longer_word(world: World) -> None:
    """Substring, not whole words: 'cong' finds 'công trình' and 'thành công'."""
    works = add(world.exercise, "Công trình sở chỉ huy")
    success = add(world.exercise, "Diễn tập thành công tốt đẹp")
    assert search(world.alice, "cong") == {works.pk, success.pk}
    assert search(world.alice, "ong") == {works.pk, success.pk}


# A fixed corpus with the cases where engines could differ: short words, LIKE's % and _, FTS5's
# quotes, upper case, đ, punctuation, digits, words across other words.
CORPUS = [
    "Đường cơ động vào khu vực diễn tập hẹp",
    "Bảo đảm hậu cần, kỹ thuật cho lực lượng thực binh",
    "Hiệp đồng xử lý tình huống A2 còn chậm; đạt 100% quân số",
    "Tỷ lệ 50% kinh phí_bổ sung chưa thanh toán",
    'Văn kiện "Quyết tâm" hoàn thành chậm',
    "ĐƯỜNG DÂY NÓNG, THÔNG TIN LIÊN LẠC",
    "Công tác tuyên truyền, giáo dục quốc phòng",
    "dân quân tự vệ; dự bị động viên",
    "Hầm hào, công sự, trận địa",
    "x y z",
]
QUERIES = [
    "duong",
    "đường",
    "hau can",
    "a2",
    "A",
    "d",
    "100",
    "50%",
    "phi_bo",
    "_",
    '"quyet tam"',
    "quyet",
    "ong",
    "đ",
    "thong tin",
    "ham hao cong su",
    "dan quan du bi",
    "x",
    "y z",
    "cong tac",
    "tac cong",
    "khongcotu",
    "can ky",
    "uan",
    "huống",
    "",
]


def test_results_equal_the_python_reference_on_this_database(world: World) -> None:
    """The same corpus and queries run on SQLite and on PostgreSQL (the two CI passes): each
    engine's result set must be the reference's."""
    rows = [add(world.exercise, text, code=f"C-{i:02d}") for i, text in enumerate(CORPUS)]
    texts = {row.pk: Observation.objects.get(pk=row.pk).search_text for row in rows}
    for q in QUERIES:
        words = lessons.query_words(q)
        expected = {pk for pk, text in texts.items() if lessons.matches(text, words)}
        assert search(world.admin, q) == expected, (connection.vendor, q, words)
        # alice sees few exercises: the same meaning without the index (lessons.with_words).
        assert search(world.alice, q) == expected, (connection.vendor, "few", q, words)
    # And a few are not trivially empty or full.
    assert search(world.admin, "duong") == {rows[0].pk, rows[5].pk}
    assert search(world.admin, "phi_bo") == {rows[3].pk}
    assert search(world.admin, "a2") == {rows[2].pk}


def test_the_index_follows_edits_and_deletes(world: World) -> None:
    row = add(world.exercise, "Đường cơ động")
    assert search(world.admin, "duong") == {row.pk}
    row.observation = "Hầm chỉ huy"
    row.save()
    assert search(world.admin, "duong") == set()
    assert search(world.admin, "ham chi") == {row.pk}
    row.delete()
    assert search(world.admin, "ham chi") == set()


# --- who finds what ----------------------------------------------------------------------------


def test_an_outsider_finds_nothing_of_another_branch(world: World) -> None:
    add(world.exercise, "Hậu cần chậm", state="observation")
    add(world.exercise, "Hậu cần thiếu", state="lesson_learned")
    assert search(world.charlie, "hau can") == set()
    assert search(world.charlie) == set()
    assert search(world.alice, "hau can") != set()


def test_clearance_hides_classified_lessons_and_exercises(world: World) -> None:
    add(world.exercise, "Hậu cần mật", classification=1)
    add(world.secret_exercise, "Hậu cần của diễn tập mật")
    assert search(world.bob, "hau can") == set()  # bob: unclassified clearance
    assert len(search(world.alice, "hau can")) == 2


def test_a_superuser_finds_by_clearance_and_with_full_clearance_everything(world: World) -> None:
    """A superuser cleared for every level searches without the clearance join; one cleared
    for less still does not find what is above it."""
    from kvpt.core.models import Classification

    plain = add(world.exercise, "Hậu cần thường")
    top = add(world.exercise, "Hậu cần tuyệt mật", classification=Classification.TOP_SECRET)
    in_secret = add(world.secret_exercise, "Hậu cần của cuộc diễn tập mật")
    world.secret_exercise.classification = Classification.TOP_SECRET
    world.secret_exercise.save()
    full = UserFactory.create(
        username="root-3", is_superuser=True, clearance=Classification.TOP_SECRET
    )
    partial = UserFactory.create(
        username="root-2", is_superuser=True, clearance=Classification.SECRET
    )
    assert search(full, "hau can") == {plain.pk, top.pk, in_secret.pk}
    assert search(partial, "hau can") == {plain.pk}


def test_a_commune_sees_the_lessons_of_its_predecessor_district_not_its_observations(
    world: World,
) -> None:
    """2026 commune, successor of the 2023 district: lessons yes, plain observations no, and
    nothing of the sibling district."""
    new_commune = AreaFactory.create(
        code="DEMO-XA-MOI", name="Xã Mới", level=world.commune.level, parent=world.province
    )
    AreaSuccession.objects.create(
        predecessor=world.district, successor=new_commune, effective_on=dt.date(2025, 7, 1)
    )
    commune_admin = UserFactory.create(username="xa.moi")
    grant(commune_admin, Role.ORG_ADMIN, area=new_commune)
    lesson = add(world.exercise, "Hậu cần: bài học", state="action_planned")
    add(world.exercise, "Hậu cần: nhận xét chưa thành bài học", state="observation")
    add(world.exercise, "Hậu cần: không chấp nhận", state="rejected")
    add(world.sibling_exercise, "Hậu cần của huyện bên", state="lesson_learned")
    assert search(commune_admin, "hau can") == {lesson.pk}


def test_lineage_walks_predecessors_of_predecessors_and_their_ancestors(world: World) -> None:
    middle = AreaFactory.create(
        code="M", name="Giữa", level=world.commune.level, parent=world.sibling
    )
    newest = AreaFactory.create(code="N", name="Mới", level=world.commune.level)
    AreaSuccession.objects.create(
        predecessor=world.commune, successor=middle, effective_on=dt.date(2020, 1, 1)
    )
    AreaSuccession.objects.create(
        predecessor=middle, successor=newest, effective_on=dt.date(2025, 7, 1)
    )
    lineage = lessons.lineage_area_ids([newest.pk])
    assert lineage >= {
        newest.pk,
        middle.pk,
        world.commune.pk,
        world.district.pk,
        world.sibling.pk,
        world.province.pk,
    }
    assert world.other_province.pk not in lineage


# --- filters -----------------------------------------------------------------------------------


def test_filters_area_kind_state_level_year_organisation(world: World) -> None:
    from kvpt.organisations.models import Area

    other_year = ExerciseFactory.create(
        code="DT-2019",
        area=world.district,
        level=world.district.level,
        year=2019,
        organisation=world.agency,
    )
    a = add(
        world.exercise, "Hậu cần một", area="logistics", kind="shortcoming", state="lesson_learned"
    )
    b = add(other_year, "Hậu cần hai", area="documents", kind="strength", state="observation")
    assert search(world.alice, "hau", area="logistics") == {a.pk}
    assert search(world.alice, "hau", kind="strength") == {b.pk}
    assert search(world.alice, "hau", state="lesson_learned") == {a.pk}
    assert search(world.alice, "hau", year="2019") == {b.pk}
    assert search(world.alice, "hau", year="năm") == set()
    assert search(world.alice, "hau", organisation=str(world.agency.pk)) == {b.pk}
    assert search(world.alice, "hau", organisation="x") == set()
    level = Area.objects.get(pk=world.district.pk).level
    assert search(world.alice, "hau", level=str(level.pk)) == {a.pk, b.pk}
    assert search(world.alice, "hau", level="huyen") == {a.pk, b.pk}
    assert search(world.alice, "hau", level="xa") == set()


def test_page_count_is_capped_and_pages_are_bounded(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(lessons, "COUNT_CAP", 5)
    for i in range(8):
        add(world.exercise, f"Hậu cần số {i}")
    page = lessons.page_of(lessons.lesson_search(world.alice, lessons.LessonFilters(q="hau")), 1, 3)
    assert (page.count, page.capped, len(page.items), page.has_next) == (5, True, 3, True)
    last = lessons.page_of(
        lessons.lesson_search(world.alice, lessons.LessonFilters(q="hau")), 99, 3
    )
    assert last.number == 2
    # Pages cover the first COUNT_CAP results: the last holds the 4th and 5th, not a 6th that
    # the capped count does not number (search_page's id lists end there too).
    assert [o.observation for o in last.items] == ["Hậu cần số 4", "Hậu cần số 3"]


def test_the_search_query_count_does_not_grow_with_rows(world: World) -> None:
    def queries() -> int:
        user = type(world.alice).objects.get(pk=world.alice.pk)  # a fresh scope each time
        with CaptureQueriesContext(connection) as captured:
            lessons.page_of(lessons.lesson_search(user, lessons.LessonFilters(q="hau can")))
        return len(captured)

    add(world.exercise, "Hậu cần")
    few = queries()
    for i in range(30):
        add(world.exercise, f"Hậu cần {i}")
    assert queries() == few
    assert few <= 8


def test_search_page_query_count_is_bounded_however_many_rows_match(
    world: World, monkeypatch: Any
) -> None:
    """The newest row, at most two windows, the index's ids, the page's ids, the page's rows: at
    most six queries for a superuser, whichever way the matches fall, as the rows grow."""
    monkeypatch.setattr(lessons, "COUNT_CAP", 6)
    for name in ("FIRST_WINDOW", "FIRST_WINDOW_POSTGRES"):
        monkeypatch.setattr(lessons, name, 4)
    superuser = UserFactory.create(username="root-q", is_superuser=True, clearance=3)

    def queries(q: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            lessons.search_page(superuser, lessons.LessonFilters(q=q), 2, 2)
        return len(captured)

    for rows in (10, 40, 80):
        for i in range(rows):
            add(world.exercise, f"Hậu cần {i}" if i % 4 else "Đường")
        for q in ("hau can", "hau", "duong", "zz"):
            assert queries(q) <= 6, (rows, q)


# --- similar lessons ---------------------------------------------------------------------------


def _new_commune_exercise(world: World) -> Any:
    commune = AreaFactory.create(
        code="XA-2026", name="Xã Linh Sơn", level=world.commune.level, parent=world.province
    )
    AreaSuccession.objects.create(
        predecessor=world.district, successor=commune, effective_on=dt.date(2025, 7, 1)
    )
    return ExerciseFactory.create(
        code="DT-XA-2026", area=commune, level=commune.level, year=2026, status="preparing"
    )


def test_similar_lessons_come_from_the_lineage_and_rank_shared_rare_words(world: World) -> None:
    exercise = _new_commune_exercise(world)
    best = add(world.exercise, "Bảo đảm hậu cần, kỹ thuật cho thực binh chậm")
    add(world.exercise, "Văn kiện hoàn thành chậm")
    add(world.exercise, "Hậu cần: chưa chấp nhận", state="observation")  # not a lesson
    add(world.sibling_exercise, "Bảo đảm hậu cần, kỹ thuật cho thực binh")  # not the lineage
    add(exercise, "Bảo đảm hậu cần của chính cuộc diễn tập này")  # not an earlier exercise
    found = lessons.similar_lessons(world.admin, exercise, "hậu cần kỹ thuật")
    assert [s.observation.pk for s in found][:1] == [best.pk]
    assert {s.observation.exercise_id for s in found} == {world.exercise.pk}
    assert len(found) == 2
    assert "hau" in found[0].shared
    assert found[0].score > found[1].score


def test_similar_lessons_use_a_bounded_number_of_queries(world: World) -> None:
    exercise = _new_commune_exercise(world)
    for i in range(12):
        add(world.exercise, f"Hậu cần bài học {i}")
    with CaptureQueriesContext(connection) as captured:
        found = lessons.similar_lessons(world.admin, exercise, "hậu cần")
    assert len(found) == 5
    assert len(captured) <= 2 + lessons.MAX_LINEAGE_ROUNDS + 1


# --- a lesson into a task ----------------------------------------------------------------------


def test_an_open_lesson_becomes_a_task_of_the_new_exercise_with_history(world: World) -> None:
    from kvpt.preparation.models import Task

    exercise = ExerciseFactory.create(
        code="DT-2026",
        area=world.district,
        level=world.district.level,
        year=2026,
        status="preparing",
    )
    lesson = add(
        world.exercise,
        "Hậu cần chậm",
        recommendation="Lập kế hoạch hậu cần sớm",
        area="logistics",
        state="action_planned",
    )
    task = lessons.lesson_to_task(observation=lesson, exercise=exercise, actor=world.alice)
    task = Task.objects.get(pk=task.pk)
    assert task.exercise_id == exercise.pk
    assert task.title == "Lập kế hoạch hậu cần sớm"
    assert task.category == "logistics"
    assert lesson.code in task.notes
    assert f"/lessons/{lesson.pk}/" in task.notes
    assert task.history.count() == 1
    assert task.history.first().history_user == world.alice
    with pytest.raises(ValidationError, match="đã được chuyển"):
        lessons.lesson_to_task(observation=lesson, exercise=exercise, actor=world.alice)


def test_turning_a_lesson_needs_the_right_an_open_lesson_and_an_exercise_in_preparation(
    world: World,
) -> None:
    exercise = ExerciseFactory.create(
        code="DT-2026",
        area=world.district,
        level=world.district.level,
        year=2026,
        status="preparing",
    )
    lesson = add(world.exercise, "Hậu cần chậm", state="lesson_identified")
    with pytest.raises(PermissionDenied):
        lessons.lesson_to_task(observation=lesson, exercise=exercise, actor=world.bob)
    learned = add(world.exercise, "Đã rút kinh nghiệm", state="lesson_learned")
    with pytest.raises(ValidationError, match="Chỉ bài học"):
        lessons.lesson_to_task(observation=learned, exercise=exercise, actor=world.alice)
    running = ExerciseFactory.create(
        code="DT-TH", area=world.district, level=world.district.level, status="conducting"
    )
    with pytest.raises(ValidationError, match="đang lập kế hoạch"):
        lessons.lesson_to_task(observation=lesson, exercise=running, actor=world.alice)


def test_search_page_reads_the_newest_window_first_and_gives_the_same_pages(
    world: World, monkeypatch: Any
) -> None:
    """search_page (windows, then the index: page_of on SQLite, the ids on PostgreSQL) =
    page_of(lesson_search), page by page, when the first window holds enough, when a wider one
    does, when none does and the page is beyond the window's matches, and for words too rare."""
    monkeypatch.setattr(lessons, "COUNT_CAP", 6)
    monkeypatch.setattr(lessons, "MIN_WINDOW_MATCHES", 1)
    for i in range(30):
        add(world.exercise, f"Hậu cần đợt {i}" if i % 3 else f"Hậu cần, đường cơ động {i}")
    add(world.exercise, "Đường cơ động, đợt cuối")
    superuser = UserFactory.create(username="root-w", is_superuser=True, clearance=3)
    for first, widest in ((8, 100), (2, 12), (2, 3)):
        for name in ("FIRST_WINDOW", "FIRST_WINDOW_POSTGRES"):
            monkeypatch.setattr(lessons, name, first)
        for name in ("MAX_WINDOW", "MAX_WINDOW_POSTGRES"):
            monkeypatch.setattr(lessons, name, widest)
        for q in ("hau can", "duong co dong", "dot", "cuoi", "xx"):
            filters = lessons.LessonFilters(q=q)
            # alice sees few exercises: no window, their rows (and, on PostgreSQL, the ids first).
            for reader in (superuser, world.alice):
                for number in (1, 2, 3):
                    got = lessons.search_page(reader, filters, number, 2)
                    want = lessons.page_of(lessons.lesson_search(reader, filters), number, 2)
                    where = (first, q, reader.username, number)
                    assert [o.pk for o in got.items] == [o.pk for o in want.items], where
                    assert (got.count, got.capped, got.number) == (
                        want.count,
                        want.capped,
                        want.number,
                    ), where


def test_the_library_filter_is_built_once_per_scope(world: World) -> None:
    """search_page asks for it per window: the second time costs nothing, and a scope forgotten
    (a role or clearance changed) builds it again."""
    from kvpt.core.scope import forget_scope

    user = type(world.alice).objects.get(pk=world.alice.pk)
    first = lessons.library_filter(user)
    with CaptureQueriesContext(connection) as again:
        assert lessons.library_filter(user) is first
    assert len(again) == 0
    forget_scope(user)
    with CaptureQueriesContext(connection) as rebuilt:
        assert lessons.library_filter(user) is not first
    assert len(rebuilt) > 0


def test_a_migration_that_rebuilds_the_table_leaves_the_search_index_working(world: World) -> None:
    """SQLite drops a table's triggers when a migration rebuilds it: post_migrate brings them
    back and rebuilds the index, so rows written while they were gone are found. PostgreSQL's
    index needs nothing: the check finds nothing missing there."""
    from kvpt.review import search_index

    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            for name in search_index.TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
    unseen = add(world.exercise, "Kho xăng dầu dã chiến")  # written with no trigger on SQLite
    dropped = list(search_index.TRIGGERS) if sqlite else []
    assert search_index.missing_triggers() == dropped
    call_command("migrate", verbosity=0)  # nothing to apply; post_migrate runs the check
    assert search_index.missing_triggers() == []
    assert search_index.ensure_search_index() == []  # nothing to do the second time
    superuser = UserFactory.create(username="root-m", is_superuser=True, clearance=3)
    assert search(superuser, "xang dau") == {unseen.pk}
    later = add(world.exercise, "Xăng dầu đợt hai")
    assert search(superuser, "xang dau") == {unseen.pk, later.pk}
