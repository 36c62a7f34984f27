"""The lessons library: search every observation and lesson a user may see, similar earlier
lessons of an area's lineage, and turning an open lesson into a preparation task.

What a search means (the same on SQLite and PostgreSQL; `matches` is its reference):

    words(q)  = the maximal runs of letters and digits (Python's \\w) of fold(q), without repeats
    a row matches when every word of words(q) is a substring of the row's `search_text`
              (fold of its code, ODCR texts and tags: kvpt.review.models.Observation.folded_text)

"hau can" finds "hậu cần", "duong" finds "đường" and also "đường" inside "con đường"; "can"
alone also finds "cán bộ"'s neighbour "cần". Substring, not word prefix: both engines index it
(PostgreSQL pg_trgm GIN serves LIKE '%word%'; SQLite FTS5 with the trigram tokenizer serves a
quoted phrase, which matches a substring of three or more characters; a shorter word is a LIKE on
the table). Ranking (newest first) is the engines' own and is not part of the meaning.

Who sees what: every observation of the exercises the user sees (kvpt.review.selectors), and
the lessons (states lesson identified, action planned, lesson learned) of the exercises held on
the lineage of the user's areas: the areas themselves, their ancestors, their predecessors through
AreaSuccession (transitively) and the predecessors' ancestors. A 2026 commune's staff learn from
the 2023 district their commune came from. Clearance applies to the exercise and the record.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import connection
from django.db.models import CharField, F, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.db.models.lookups import In

from kvpt.core.models import Classification
from kvpt.core.scope import get_scope
from kvpt.core.text import fold
from kvpt.review.models import Observation, ObservationState

LESSON_STATES = (
    ObservationState.LESSON_IDENTIFIED,
    ObservationState.ACTION_PLANNED,
    ObservationState.LESSON_LEARNED,
)
# A lesson still to act on: it can become a preparation task of a new exercise.
OPEN_LESSON_STATES = (ObservationState.LESSON_IDENTIFIED, ObservationState.ACTION_PLANNED)
# Exercise statuses in which one "is being planned": the similar lessons are shown, tasks added.
PLANNING_STATUSES = ("draft", "planned", "preparing")

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
COUNT_CAP = 1000  # "hơn 1.000 kết quả": counting every match of a frequent word costs too much
MAX_WORDS = 10
MAX_WORD_LENGTH = 60
MAX_LINEAGE_ROUNDS = 6  # predecessor generations walked (a merger of a merger ...)
SIMILAR_COUNT = 5
SIMILAR_CANDIDATES = 400
FTS_TABLE = "review_observation_fts"
# Up to this many visible exercises, the library filters by their ids (one more query).
MAX_LISTED_EXERCISES = 3000
# Up to this many, the search reads their rows rather than a word's index entries (a province
# holds about 250 exercises of 125 observations in the national set).
FEW_EXERCISES = 300
TRIGRAM = 3

_WORD = re.compile(r"\w+")


# --- the meaning -------------------------------------------------------------------------------


def query_words(q: str | None) -> list[str]:
    """The folded words of a query, in order, without repeats (at most MAX_WORDS)."""
    seen: list[str] = []
    for word in _WORD.findall(fold(q)):
        word = word[:MAX_WORD_LENGTH]
        if word not in seen:
            seen.append(word)
    return seen[:MAX_WORDS]


def matches(search_text: str, words: Iterable[str]) -> bool:
    """The reference meaning: every word occurs in the folded text."""
    return all(word in search_text for word in words)


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def with_words(
    queryset: QuerySet[Observation],
    words: list[str],
    *,
    use_index: bool = True,
    above: int | None = None,
) -> QuerySet[Observation]:
    """Rows whose search_text contains every word (the index each engine has serves it).

    Without `use_index` (a reader whose exercises hold few rows), the same substring test runs
    on those rows only: a frequent word's index entries cost more than reading them. `above`
    (search_page's newest window) keeps the rows of greater primary keys: SQLite's FTS5 seeks
    that rowid range; PostgreSQL reads those rows through the primary key, without the index.
    """
    if not words:
        return queryset
    if above is not None and connection.vendor != "sqlite":
        # search_page's newest window: its rows through the primary key, each tested.
        queryset = queryset.filter(pk__gt=above)
        use_index = False
    if not use_index:
        # An expression the trigram index does not cover: PostgreSQL then starts from the
        # exercises' rows (or the window's). The same LIKE '%word%' (escaped) on the same text:
        # the same meaning.
        queryset = queryset.alias(
            _lesson_text=Concat("search_text", Value(""), output_field=TextField())
        )
        for word in words:
            queryset = queryset.filter(_lesson_text__contains=word)
        return queryset
    if connection.vendor == "sqlite":
        long_words = [w for w in words if len(w) >= TRIGRAM]
        if above is not None:  # search_page's newest window: FTS5 seeks the rowid range
            queryset = queryset.filter(pk__gt=above)
        if long_words:
            expression = " AND ".join(_fts_phrase(w) for w in long_words)
            sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
            params: list[Any] = [expression]
            if above is not None:
                sql += " AND rowid > %s"
                params.append(above)
            # The table name is a constant; the expression goes in as a parameter.
            queryset = queryset.filter(pk__in=RawSQL(sql, params))  # noqa: S611
        for word in words:
            if len(word) < TRIGRAM:
                queryset = queryset.filter(search_text__contains=word)
        return queryset
    for word in words:
        # LIKE '%word%' (escaped by Django): the trigram GIN index serves it.
        queryset = queryset.filter(search_text__contains=word)
    return queryset


# --- who sees what -----------------------------------------------------------------------------


def _ids_of_paths(paths: Iterable[str]) -> set[int]:
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def lineage_area_ids(area_ids: Iterable[int], paths: Iterable[str] = ()) -> set[int]:
    """The areas, their ancestors, their predecessors (transitively) and those's ancestors.

    `paths` are the materialised paths of `area_ids` when the caller has them (saves a query).
    One query per generation of predecessors, at most MAX_LINEAGE_ROUNDS + 1 in all.
    """
    from kvpt.organisations.models import Area, AreaSuccession

    start = set(area_ids)
    paths = list(paths)
    if not paths and start:
        paths = list(Area.objects.filter(pk__in=start).values_list("path", flat=True))
    lineage = start | _ids_of_paths(paths)
    frontier = set(start)
    for _round in range(MAX_LINEAGE_ROUNDS):
        if not frontier:
            break
        found = AreaSuccession.objects.filter(successor_id__in=frontier).values_list(
            "predecessor_id", "predecessor__path"
        )
        new: set[int] = set()
        for predecessor_id, path in found:
            if predecessor_id not in lineage:
                new.add(predecessor_id)
            lineage |= {predecessor_id} | _ids_of_paths([path or ""])
        frontier = new
    return lineage


_LINEAGE_ATTR = "_kvpt_lesson_lineage"
_LISTED_ATTR = "_kvpt_lesson_listed"  # set by library_filter: the reader's exercises are listed


def user_lineage(user: Any) -> set[int]:
    """The lineage of the areas the user holds a role on and of their exercise grants' areas
    (cached on the user for the request)."""
    cached = getattr(user, _LINEAGE_ATTR, None)
    if cached is not None:
        return set(cached)
    scope = get_scope(user)
    paths = list(scope.area_roles)
    area_ids = {int(p.strip("/").split("/")[-1]) for p in paths if p.strip("/")}
    if scope.exercise_roles:
        from kvpt.exercises.models import Exercise

        for area_id, path in Exercise.objects.filter(pk__in=list(scope.exercise_roles)).values_list(
            "area_id", "area__path"
        ):
            area_ids.add(area_id)
            paths.append(path)
    lineage = lineage_area_ids(area_ids, paths) if area_ids else set()
    setattr(user, _LINEAGE_ATTR, frozenset(lineage))
    return lineage


def _lesson_state() -> In:
    """state IN LESSON_STATES, through an expression no index covers: with the exercises' ids
    beside it, SQLite would otherwise read every lesson of the whole table through the state
    index (four values, a fifth of the table each) instead of the exercises' rows."""
    return In(Concat("state", Value(""), output_field=CharField()), list(LESSON_STATES))


_FILTER_ATTR = "_kvpt_lesson_filter"


def library_filter(user: Any) -> Q:
    """Q on Observation: what the user may find in the library (module docstring).

    Kept on the user beside its scope for the request: search_page asks for it once per window,
    and for a scoped reader it costs two queries (the exercises' ids, the lineage's).
    forget_scope() gives a new scope, so a changed role or clearance is not served stale.
    """
    scope = get_scope(user)
    cached = getattr(user, _FILTER_ATTR, None)
    if cached is not None and cached[0] is scope:
        return cast(Q, cached[1])
    found = _library_filter(user, scope)
    setattr(user, _FILTER_ATTR, (scope, found))
    return found


def _library_filter(user: Any, scope: Any) -> Q:
    if scope.is_anonymous:
        return Q(pk__in=[])
    cleared = Q(classification__lte=scope.clearance, exercise__classification__lte=scope.clearance)
    if scope.is_superuser:
        # Cleared for every level: no condition, so no join on the exercise in the search.
        return Q() if scope.clearance >= max(Classification.values) else cleared
    from kvpt.exercises.models import Exercise

    # The exercises' ids, not a join on the area path: with a list, the database starts from
    # the few observations of those exercises (an index) instead of every match of a word.
    in_scope = scope.area_filter("area__path")
    if scope.exercise_roles:
        in_scope |= Q(pk__in=list(scope.exercise_roles))
    visible = Exercise.objects.filter(in_scope, classification__lte=scope.clearance)
    ids = list(visible.order_by().values_list("pk", flat=True)[: MAX_LISTED_EXERCISES + 1])
    if len(ids) <= MAX_LISTED_EXERCISES:
        own = Q(exercise_id__in=ids)
    else:  # a national-level reader: the join is as good
        own = scope.area_filter("exercise__area__path")
        if scope.exercise_roles:
            own |= Q(exercise_id__in=list(scope.exercise_roles))
    lineage = user_lineage(user)
    if lineage:
        lineage_ids = list(
            Exercise.objects.filter(
                area_id__in=sorted(lineage), classification__lte=scope.clearance
            )
            .order_by()
            .values_list("pk", flat=True)[: MAX_LISTED_EXERCISES + 1]
        )
        if len(lineage_ids) <= MAX_LISTED_EXERCISES:
            own |= Q(_lesson_state(), exercise_id__in=lineage_ids)
        else:
            own |= Q(state__in=LESSON_STATES, exercise__area_id__in=sorted(lineage))
            ids = ids + [0] * (MAX_LISTED_EXERCISES + 1)  # not a few
        ids = ids + lineage_ids
    setattr(user, _LISTED_ATTR, len(ids))
    return own & cleared


def library(user: Any) -> QuerySet[Observation]:
    """Every observation and lesson the user may find, with what a result line shows."""
    return Observation.objects.filter(library_filter(user)).select_related(
        "exercise", "exercise__area", "exercise__level", "exercise__organisation"
    )


# --- search ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonFilters:
    """What the library can be narrowed by; every field is optional (a wrong id finds nothing)."""

    q: str = ""
    area: str = ""  # ObservationArea
    kind: str = ""
    state: str = ""
    level: str = ""  # AreaLevel id or code: the exercise's level
    year: str = ""
    organisation: str = ""  # Agency id: the exercise's organisation

    @property
    def words(self) -> list[str]:
        return query_words(self.q)


def _as_int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if -(2**63) < number < 2**63 else None


def lesson_search(
    user: Any, filters: LessonFilters, *, above: int | None = None
) -> QuerySet[Observation]:
    """The library narrowed by `filters`, newest first (`above`: see search_page)."""
    queryset = library(user)
    if filters.area:
        queryset = queryset.filter(area=filters.area)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.year:
        year = _as_int(filters.year)
        queryset = queryset.filter(exercise__year=year) if year is not None else queryset.none()
    if filters.level:
        level = _as_int(filters.level)
        if level is not None:
            queryset = queryset.filter(exercise__level_id=level)
        else:
            queryset = queryset.filter(exercise__level__code=filters.level)
    if filters.organisation:
        organisation = _as_int(filters.organisation)
        queryset = (
            queryset.filter(exercise__organisation_id=organisation)
            if organisation is not None
            else queryset.none()
        )
    listed = getattr(user, _LISTED_ATTR, None)
    few = listed is not None and listed <= FEW_EXERCISES
    queryset = with_words(queryset, filters.words, use_index=not few, above=above)
    if few:
        # A reader with a few exercises: newest first over their (few) rows. Ordering by the bare
        # primary key would let PostgreSQL walk the whole table backwards looking for them.
        return queryset.order_by((F("pk") + Value(0)).desc())
    return queryset.order_by("-pk")


@dataclass
class ResultPage:
    """One page of results and a count capped at COUNT_CAP."""

    items: list[Observation]
    number: int
    size: int
    count: int
    capped: bool

    @property
    def has_next(self) -> bool:
        return self.number * self.size < self.count

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def last_number(self) -> int:
        return max(1, math.ceil(self.count / self.size))


def _page_bounds(count: int, page: Any, size: Any) -> tuple[int, int, int, int]:
    """(number, size, start, end) of the asked page among the first `count` results; a page past
    the end (or the cap) is the last one, and holds no result beyond `count`."""
    size_value = min(max(_as_int(size) or PAGE_SIZE, 1), MAX_PAGE_SIZE)
    last = max(1, math.ceil(count / size_value))
    number = min(max(_as_int(page) or 1, 1), last)
    start = (number - 1) * size_value
    return number, size_value, start, min(start + size_value, count)


def page_of(queryset: QuerySet[Observation], page: Any = 1, size: Any = PAGE_SIZE) -> ResultPage:
    """Two queries: the capped count, then the page (a page past the cap or the end is the last)."""
    counted = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    count = min(counted, COUNT_CAP)
    number, size_value, start, end = _page_bounds(count, page, size)
    items = list(queryset[start:end]) if count else []
    return ResultPage(
        items=items, number=number, size=size_value, count=count, capped=counted > COUNT_CAP
    )


# The newest rows searched first (search_page), in primary-key values. SQLite's FTS5 seeks a
# rowid range; PostgreSQL reads the window's rows through the primary key, about 2 microseconds
# a row, so its first window is smaller.
FIRST_WINDOW = 20_000
FIRST_WINDOW_POSTGRES = 5_000
MAX_WINDOW = 250_000
MAX_WINDOW_POSTGRES = 40_000
# A first window with fewer matches says the words are rare: the whole index answers at once.
MIN_WINDOW_MATCHES = 50


def search_page(
    user: Any, filters: LessonFilters, page: Any = 1, size: Any = PAGE_SIZE
) -> ResultPage:
    """One page of `lesson_search`: the same rows in the same order, read faster.

    Why: a frequent word matches hundreds of thousands of rows, while the results are newest
    first and counted only up to COUNT_CAP. So the newest window of rows is searched first: when
    it holds more than COUNT_CAP matches, they are the newest matches of all, and the answer (a
    capped count and every page up to the cap) lies inside it. From the first window's density
    a second, wider one is tried when it is expected to be enough; rare words go to the index.

    - SQLite's FTS5 hands over every matching rowid before the newest are picked: the windows
      spare it that; without a conclusive window it takes the plain search (page_of).
    - PostgreSQL's trigram index costs most for several frequent words (their trigrams' long
      lists), and its planner, misled by words that occur together, would join and sort every
      match to find the newest twenty. So the index only lists the ids of the matches (at most
      COUNT_CAP + 1, the count), the page's ids come from them or from the window, and the
      page's rows are read by id (`_indexed_page`).
    - A reader with few exercises reads their rows (lesson_search), once: the ids of the newest
      COUNT_CAP + 1 matches, then the page's rows by id. Asked for the page with its joins,
      PostgreSQL's planner, estimating a handful of rows from the unindexed words, had joined
      18,000 matches to every area in a nested loop (48 s for "trọng dân").
    """
    search = lesson_search(user, filters)
    if not filters.words:
        return page_of(search, page, size)
    listed = getattr(user, _LISTED_ATTR, None)
    if listed is not None and listed <= FEW_EXERCISES:
        # Their rows, read once: the newest COUNT_CAP + 1 matches give the count and every page.
        newest = list(search.values_list("pk", flat=True)[: COUNT_CAP + 1])
        return _page_of_ids(user, newest, page, size, capped=len(newest) > COUNT_CAP)
    newest = _newest_matches(user, filters)
    if len(newest) > COUNT_CAP:
        return _page_of_ids(user, newest, page, size, capped=True)
    if connection.vendor == "sqlite":
        return page_of(search, page, size)
    return _indexed_page(user, search, newest, page, size)


def _newest_matches(user: Any, filters: LessonFilters) -> list[int]:
    """Ids, newest first, of the matches in the newest window(s) of rows (at most COUNT_CAP + 1).

    At most two windows, each one query: the first, then one sized by its density, when that
    size is within the maximum. Nothing when the table is smaller than a window.
    """
    postgres = connection.vendor == "postgresql"
    window = FIRST_WINDOW_POSTGRES if postgres else FIRST_WINDOW
    widest = MAX_WINDOW_POSTGRES if postgres else MAX_WINDOW
    top = Observation.objects.order_by("-pk").values_list("pk", flat=True).first()
    newest: list[int] = []
    for _attempt in range(2):  # the first window, then one sized by its density
        if top is None or window >= top:
            break
        windowed = lesson_search(user, filters, above=top - window)
        newest = list(windowed.values_list("pk", flat=True)[: COUNT_CAP + 1])
        if len(newest) > COUNT_CAP or len(newest) < MIN_WINDOW_MATCHES or window >= widest:
            break
        # Expected to hold half again the matches needed, at this window's density.
        needed = math.ceil(window * 1.5 * (COUNT_CAP + 1) / len(newest))
        if needed > widest:
            break  # too sparse for a window: the index answers
        window = needed
    return newest


def _page_of_ids(user: Any, ids: list[int], page: Any, size: Any, *, capped: bool) -> ResultPage:
    """The page of `ids` (every match newest first, or the newest COUNT_CAP + 1 of them)."""
    count = min(len(ids), COUNT_CAP)
    number, size_value, start, end = _page_bounds(count, page, size)
    return ResultPage(
        items=_rows(user, ids[start:end]),
        number=number,
        size=size_value,
        count=count,
        capped=capped,
    )


def _rows(user: Any, ids: list[int]) -> list[Observation]:
    """The library's rows of `ids`, newest first, with what a result line shows (one query)."""
    if not ids:
        return []
    return list(library(user).filter(pk__in=ids).order_by("-pk"))


def _indexed_page(
    user: Any, search: QuerySet[Observation], newest: list[int], page: Any, size: Any
) -> ResultPage:
    """PostgreSQL: the index lists the matches' ids (at most COUNT_CAP + 1, in any order).

    All of them: the page is cut from them. More than the cap: the page comes from the window's
    newest matches when they reach that far, else from the index in order (ids only).
    """
    ids = list(search.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    if len(ids) <= COUNT_CAP:
        return _page_of_ids(user, sorted(ids, reverse=True), page, size, capped=False)
    number, size_value, start, end = _page_bounds(COUNT_CAP, page, size)
    if end <= len(newest):
        page_ids = newest[start:end]
    else:
        page_ids = list(search.values_list("pk", flat=True)[start:end])
    return ResultPage(
        items=_rows(user, page_ids), number=number, size=size_value, count=COUNT_CAP, capped=True
    )


# --- similar lessons ---------------------------------------------------------------------------

# Words too common in the register to say two lessons are alike.
STOP_WORDS = frozenset(
    fold(w)
    for w in " ".join(
        [
            "và các của cho được trong với là có những một này đã không còn chưa theo về để khi",
            "từ đến tại trên ra vào như năm nhận xét bài học diễn tập khu vực phòng thủ",
        ]
    ).split()
)


def text_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(fold(text)) if len(w) >= 2 and w not in STOP_WORDS}


@dataclass
class SimilarLesson:
    observation: Observation
    score: float
    shared: list[str] = field(default_factory=list)  # the words in common, rarest first


def exercise_text(exercise: Any) -> str:
    """What an exercise being planned is about: its name, purposes and requirements."""
    parts = [exercise.name, exercise.code_name or ""]
    parts += [str(p) for p in (exercise.purposes or [])]
    parts += [str(r) for r in (exercise.requirements or [])]
    return " ".join(parts)


def similar_lessons(
    user: Any, exercise: Any, text: str, *, limit: int = SIMILAR_COUNT
) -> list[SimilarLesson]:
    """The `limit` lessons of earlier exercises of `exercise`'s area lineage most like `text`.

    Score: the sum, over the words `text` shares with a lesson, of the word's rarity among the
    candidates (log(1 + N / df)); ties go to the newer lesson. Candidates: the SIMILAR_CANDIDATES
    newest lessons of the lineage the user may see. Three queries at most plus the lineage walk.
    """
    from kvpt.exercises.models import Exercise

    lineage = lineage_area_ids([exercise.area_id], [exercise.area.path])
    earlier = (
        Exercise.objects.filter(area_id__in=sorted(lineage), year__lte=exercise.year)
        .exclude(pk=exercise.pk)
        .values("pk")
    )
    candidates = (
        Observation.objects.filter(library_filter(user))
        # From the lineage's exercises' rows (an index on the exercise): SQLite would otherwise
        # read three fifths of the table through the state index (_lesson_state).
        .filter(_lesson_state(), exercise_id__in=earlier)
        .order_by("-exercise__year", "-pk")
        .values_list("pk", "search_text")[:SIMILAR_CANDIDATES]
    )
    rows = [(pk, set(_WORD.findall(search_text))) for pk, search_text in candidates]
    if not rows:
        return []
    wanted = text_words(text)
    frequency: Counter[str] = Counter()
    for _pk, words in rows:
        frequency.update(words & wanted)
    total = len(rows)
    scored = []
    for order, (pk, words) in enumerate(rows):
        shared = sorted(words & wanted, key=lambda w: (frequency[w], w))
        score = sum(math.log(1 + total / frequency[w]) for w in shared)
        scored.append((-score, order, pk, shared, score))
    scored.sort()
    best = scored[:limit]
    found = library(user).in_bulk([pk for *_rest, pk, _shared, _score in best])
    return [
        SimilarLesson(found[pk], round(score, 2), shared)
        for _neg, _order, pk, shared, score in best
        if pk in found
    ]


# --- turning a lesson into a task --------------------------------------------------------------

TASK_CATEGORIES = {
    "documents": "documents",
    "works": "works",
    "logistics": "logistics",
    "security": "security",
    "live_troops": "drills",
    "preparation": "other",
    "mechanism": "drills",
    "other": "other",
}


def task_code_for(observation: Observation) -> str:
    return f"BH-{observation.pk}"


def task_exercises(user: Any) -> QuerySet[Any]:
    """Exercises being planned that the user sees (the service checks the right to add tasks)."""
    from kvpt.exercises.selectors import exercise_list

    return exercise_list(user).filter(status__in=PLANNING_STATUSES).order_by("-year", "code")


def lesson_to_task(*, observation: Observation, exercise: Any, actor: Any) -> Any:
    """Add to `exercise` a preparation task carrying the lesson's recommendation.

    Through kvpt.preparation's task_create: the right to add tasks (403), the exercise's
    revision and the task's history apply. The task's note names the source lesson (its code,
    exercise and address); a lesson becomes a task of an exercise once.
    """
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    from kvpt.preparation.models import Task
    from kvpt.preparation.services.tasks import can_add_tasks, task_create

    if not can_add_tasks(actor, exercise):
        raise PermissionDenied(_("Bạn không có quyền thêm công việc vào cuộc diễn tập này."))
    if observation.state not in OPEN_LESSON_STATES:
        raise ValidationError(
            {
                "observation": _(
                    "Chỉ bài học chưa rút kinh nghiệm xong (đã xác định bài học, đã lập kế hoạch "
                    "khắc phục) mới chuyển được thành công việc."
                )
            }
        )
    if exercise.status not in PLANNING_STATUSES:
        raise ValidationError(
            {"exercise": _("Chỉ thêm công việc vào cuộc diễn tập đang lập kế hoạch, chuẩn bị.")}
        )
    code = task_code_for(observation)
    if Task.objects.filter(exercise=exercise, code=code).exists():
        raise ValidationError(
            {
                "exercise": _(
                    "Bài học này đã được chuyển thành công việc %(code)s của cuộc diễn tập."
                )
                % {"code": code}
            }
        )
    source = observation.exercise
    content = observation.recommendation or observation.conclusion or observation.observation
    title = content if len(content) <= 400 else content[:397] + "..."
    note = _(
        "Từ bài học %(code)s của cuộc diễn tập %(exercise)s (%(year)s): %(url)s\n"
        "Nhận xét: %(observation)s\nKiến nghị, giải pháp: %(recommendation)s"
    ) % {
        "code": observation.code,
        "exercise": source.code,
        "year": source.year,
        "url": observation_library_url(observation),
        "observation": observation.observation,
        "recommendation": observation.recommendation or "-",
    }
    return task_create(
        exercise=exercise,
        code=code,
        title=title,
        category=TASK_CATEGORIES.get(observation.area, "other"),
        classification=max(int(exercise.classification), int(observation.classification)),
        notes=note,
        actor=actor,
    )


def observation_library_url(observation: Observation) -> str:
    from django.urls import reverse

    return reverse("lessons:detail", args=[observation.pk])
