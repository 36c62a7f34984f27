# ruff: noqa: N806 - model classes in local variables, as in data migrations
"""Reproducible synthetic data for benchmarks (`kvpt bench seed --scale large|national`).

Everything is drawn from one `random.Random(seed)`, so the same scale and seed give the same rows
(the primary keys may differ between databases; codes, names, texts, dates and links do not).
Rows go in with bulk_create, in batches, one transaction per step: no history records, no
per-row services (this is bench data, not user data).

Adding a model is one function: a generator step keyed by the model's label.

    @generator_step("review.Observation", "ODCR observations, searchable (issue 5)")
    def observations(ctx: SeedContext) -> int:
        Observation = ctx.model("review.Observation")
        rows = (Observation(exercise_id=ex.pk, ...) for ex in ctx.exercises for _ in range(...))
        return ctx.bulk(Observation, rows)

A step whose model does not exist yet is skipped with a printed note; `pending_step` registers the
models the issues announce so that the note names them until someone writes the function.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.apps import apps
from django.db import connection, models, transaction

from kvpt.bench.vocabulary import TextMaker, fast_fold
from kvpt.core.text import fold

DEFAULT_SEED = 20231831
BATCH_SIZE = 2000
CODE_PREFIX = "BENCH"
# Dates are drawn relative to this day, not today, so that a seed gives the same rows every year.
REFERENCE_DAY = dt.date(2026, 6, 30)
REFORM_DAY = dt.date(2025, 7, 1)  # two-tier local government: districts end, communes take over


@dataclass(frozen=True)
class ExerciseSize:
    """How many rows of each kind one exercise gets."""

    tasks: int
    works: int
    documents: int
    budget_lines: int
    members: int
    milestones: int
    contents_per_phase: tuple[int, int, int]
    subcommittees: int
    dependencies: float  # share of tasks that depend on an earlier task
    # Rows of the later issues' models (forces, scenario, review).
    roster_rows: int = 0
    injects: int = 0
    log_entries: int = 0
    observations: int = 0
    actions: int = 0
    situations: int = 0
    forces: int = 0
    force_allocations: int = 0  # at most the units of the exercise's province
    directives: int = 0


LARGE = ExerciseSize(
    tasks=1000,
    works=300,
    documents=150,
    budget_lines=200,
    members=80,
    milestones=14,
    contents_per_phase=(3, 3, 2),
    subcommittees=7,
    dependencies=0.6,
    roster_rows=5000,
    injects=500,
    log_entries=2000,
    observations=1000,
    actions=500,
    situations=20,
    forces=8,
    force_allocations=40,
    directives=40,
)
# The same exercise with few rows: a page whose query count differs between the two is not flat.
SMALL = ExerciseSize(
    tasks=10,
    works=3,
    documents=3,
    budget_lines=3,
    members=5,
    milestones=3,
    contents_per_phase=(1, 1, 1),
    subcommittees=2,
    dependencies=0.3,
    roster_rows=20,
    injects=5,
    log_entries=10,
    observations=5,
    actions=3,
    situations=2,
    forces=2,
    force_allocations=3,
    directives=2,
)
# One of the national set's many exercises: sane row counts (8,000 of them).
NATIONAL = ExerciseSize(
    tasks=10,
    works=1,
    documents=3,
    budget_lines=3,
    members=3,
    milestones=4,
    contents_per_phase=(3, 3, 2),
    subcommittees=3,
    dependencies=0.0,
    observations=125,  # x 8,000 = 1,000,000
    actions=10,
    directives=2,
)


@dataclass(frozen=True)
class Scale:
    name: str
    provinces: int
    districts: int  # historical: valid until the 2025 reform, succeeded by communes
    communes: int
    exercises: int  # of `exercise_size`, spread over `years`
    exercise_size: ExerciseSize
    years: tuple[int, int]
    # The exercise the benchmarks open (its area is the scoped user's), and its small twin.
    bench_size: ExerciseSize | None
    people_per_province: int
    agencies_per_commune: int


SCALES: dict[str, Scale] = {
    "large": Scale(
        name="large",
        provinces=2,
        districts=4,
        communes=30,
        exercises=20,
        exercise_size=SMALL,
        years=(2019, 2025),
        bench_size=LARGE,
        people_per_province=300,
        agencies_per_commune=4,
    ),
    "national": Scale(
        name="national",
        provinces=34,
        districts=700,
        communes=3300,
        exercises=8000,
        exercise_size=NATIONAL,
        years=(2016, 2025),
        bench_size=LARGE,
        people_per_province=60,
        agencies_per_commune=1,
    ),
    # For the generator's own tests: every step runs, in well under a second.
    "tiny": Scale(
        name="tiny",
        provinces=2,
        districts=3,
        communes=8,
        exercises=4,
        exercise_size=SMALL,
        years=(2023, 2025),
        bench_size=SMALL,
        people_per_province=12,
        agencies_per_commune=1,
    ),
}


@dataclass
class PlannedExercise:
    code: str
    area_id: int
    level_id: int
    year: int
    start: dt.date
    size: ExerciseSize
    pk: int = 0
    subcommittee_ids: list[int] = field(default_factory=list)
    committee_ids: list[int] = field(default_factory=list)
    phase_ids: list[int] = field(default_factory=list)
    task_ids: list[int] = field(default_factory=list)
    member_people: list[int] = field(default_factory=list)
    budget_line_ids: list[int] = field(default_factory=list)


@dataclass
class SeedContext:
    """What the steps share: the random source, the text maker, and the rows made so far."""

    scale: Scale
    seed: int
    out: TextIO
    batch_size: int = BATCH_SIZE
    rng: random.Random = field(init=False)
    text: TextMaker = field(init=False)
    levels: dict[str, int] = field(default_factory=dict)  # code -> AreaLevel pk
    provinces: list[int] = field(default_factory=list)
    districts: list[int] = field(default_factory=list)
    communes: list[int] = field(default_factory=list)
    area_code: dict[int, str] = field(default_factory=dict)
    area_name: dict[int, str] = field(default_factory=dict)
    province_of: dict[int, int] = field(default_factory=dict)  # area -> its province
    agencies_by_province: dict[int, list[int]] = field(default_factory=dict)
    agency_by_area: dict[int, int] = field(default_factory=dict)  # the area's military command
    agencies_of_area: dict[int, list[int]] = field(default_factory=dict)
    units_of_area: dict[int, list[int]] = field(default_factory=dict)
    people_by_province: dict[int, list[int]] = field(default_factory=dict)
    exercises: list[PlannedExercise] = field(default_factory=list)
    bench: PlannedExercise | None = None
    bench_small: PlannedExercise | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    observations_of: dict[int, list[int]] = field(default_factory=dict)
    conference_of: dict[int, int] = field(default_factory=dict)  # exercise -> its conference
    directives_of: dict[int, list[int]] = field(default_factory=dict)
    injects_of: dict[int, list[int]] = field(default_factory=dict)
    situations_of: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.text = TextMaker(random.Random(self.seed + 1))

    def model(self, label: str) -> Any:
        """The model class (typed Any: the steps set fields the base Model does not declare)."""
        return apps.get_model(label)

    def bulk(self, model: type[models.Model], rows: Iterable[models.Model]) -> int:
        """Insert `rows` in batches with one prepared INSERT each (executemany); returns the count.

        Faster than bulk_create for the big tables (SQLite caps bulk_create at 999 parameters a
        statement, ~50 rows): plain INSERTs, so database triggers (the lessons search index)
        fire as for any row. Primary keys are NOT set on the rows: use `bulk_list` for rows the
        next steps point at. Field defaults and auto_now values are applied as on save().
        """
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608

        def values(row: models.Model) -> list[Any]:
            return [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]

        total = 0
        batch: list[list[Any]] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(values(row))
                if len(batch) >= self.batch_size:
                    cursor.executemany(sql, batch)
                    total += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                total += len(batch)
        return total

    def bulk_list(self, model: type[models.Model], rows: Iterable[models.Model]) -> list[Any]:
        """Like `bulk`, keeping the rows (with their new primary keys) for the next steps."""
        kept = list(rows)
        for start in range(0, len(kept), self.batch_size):
            model._default_manager.bulk_create(kept[start : start + self.batch_size])
        return kept

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def at(self, day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


# --- the registry --------------------------------------------------------------------------------

StepFunction = Callable[[SeedContext], int]


@dataclass(frozen=True)
class Step:
    label: str  # "app_label.ModelName": the model the step fills
    note: str
    function: StepFunction | None  # None: announced by an issue, no generator written yet


STEPS: dict[str, Step] = {}


def generator_step(label: str, note: str = "") -> Callable[[StepFunction], StepFunction]:
    """Register `function` as the step that fills `label` (run in registration order)."""

    def register(function: StepFunction) -> StepFunction:
        if label in STEPS and STEPS[label].function is not None:
            raise ValueError(f"generator step {label!r} registered twice")
        STEPS[label] = Step(label, note or (function.__doc__ or "").strip(), function)
        return function

    return register


def pending_step(label: str, note: str) -> None:
    """A model an issue announces: reported until `generator_step(label)` gives it a function."""
    STEPS.setdefault(label, Step(label, note, None))


def model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


# --- areas, agencies, people ---------------------------------------------------------------------


@generator_step("organisations.AreaLevel", "the three administrative levels (reused if present)")
def area_levels(ctx: SeedContext) -> int:
    AreaLevel = ctx.model("organisations.AreaLevel")
    made = 0
    for code, name, rank in (("tinh", "Tỉnh", 1), ("huyen", "Huyện", 2), ("xa", "Xã", 3)):
        level, created = AreaLevel._default_manager.get_or_create(
            code=code, defaults={"name": name, "rank": rank}
        )
        ctx.levels[code] = level.pk
        made += int(created)
    return made


def _set_paths(ctx: SeedContext, rows: list[Any], parent_paths: dict[int, str]) -> None:
    Area = ctx.model("organisations.Area")
    for row in rows:
        row.path = f"{parent_paths.get(row.parent_id, '/')}{row.pk}/"
        row.depth = row.path.count("/") - 2
    for start in range(0, len(rows), ctx.batch_size):
        Area._default_manager.bulk_update(rows[start : start + ctx.batch_size], ["path", "depth"])


@generator_step(
    "organisations.Area",
    "provinces, historical districts (valid until 30/06/2025) and communes (from 01/07/2025)",
)
def areas(ctx: SeedContext) -> int:
    from kvpt.bench.vocabulary import names

    Area = ctx.model("organisations.Area")
    scale = ctx.scale
    province_names = names()["province"]
    provinces = [
        Area(
            code=f"{CODE_PREFIX}-P{i + 1:02d}",
            name=province_names[i % len(province_names)]
            + ("" if i < len(province_names) else f" {i // len(province_names) + 1}"),
            level_id=ctx.levels["tinh"],
            valid_from=None,
        )
        for i in range(scale.provinces)
    ]
    for row in provinces:
        row.search_text = fold(f"{row.code} {row.name}")
    ctx.bulk_list(Area, provinces)
    _set_paths(ctx, provinces, {})
    for row in provinces:
        ctx.area_code[row.pk], ctx.area_name[row.pk] = row.code, row.name
    paths = {row.pk: row.path for row in provinces}
    ctx.provinces = [row.pk for row in provinces]

    def children(count: int, level: str, tag: str, **validity: Any) -> list[Any]:
        rows = []
        for i in range(count):
            parent = ctx.provinces[i % len(ctx.provinces)]
            prefix = {"huyen": "Huyện ", "xa": "Xã "}[level]
            name = prefix + ctx.text.place_name()
            rows.append(
                Area(
                    code=f"{CODE_PREFIX}-{tag}{i + 1:05d}",
                    name=name,
                    level_id=ctx.levels[level],
                    parent_id=parent,
                    search_text=fold(f"{CODE_PREFIX}-{tag}{i + 1:05d} {name}"),
                    **validity,
                )
            )
        ctx.bulk_list(Area, rows)
        _set_paths(ctx, rows, paths)
        for row in rows:
            ctx.area_code[row.pk], ctx.area_name[row.pk] = row.code, row.name
            ctx.province_of[row.pk] = row.parent_id
        return [row.pk for row in rows]

    ctx.districts = children(
        scale.districts, "huyen", "D", valid_from=dt.date(1990, 1, 1), valid_to=dt.date(2025, 6, 30)
    )
    ctx.communes = children(scale.communes, "xa", "C", valid_from=REFORM_DAY)
    for pk in ctx.provinces:
        ctx.province_of[pk] = pk
    return len(provinces) + len(ctx.districts) + len(ctx.communes)


@generator_step(
    "organisations.AreaSuccession",
    "each historical district passed to the communes of its province on 01/07/2025",
)
def area_successions(ctx: SeedContext) -> int:
    AreaSuccession = ctx.model("organisations.AreaSuccession")
    communes_of: dict[int, list[int]] = {}
    for commune in ctx.communes:
        communes_of.setdefault(ctx.province_of[commune], []).append(commune)
    districts_of: dict[int, list[int]] = {}
    for district in ctx.districts:
        districts_of.setdefault(ctx.province_of[district], []).append(district)

    def rows() -> Iterator[Any]:
        # Split each province's communes among its districts: every district has successors.
        for province, districts in districts_of.items():
            communes = communes_of.get(province, [])
            if not communes:
                continue
            share = max(1, math.ceil(len(communes) / len(districts)))
            for n, district in enumerate(districts):
                successors = communes[n * share : (n + 1) * share] or [communes[n % len(communes)]]
                for commune in successors:
                    yield AreaSuccession(
                        predecessor_id=district,
                        successor_id=commune,
                        effective_on=REFORM_DAY,
                        note="Sắp xếp đơn vị hành chính",
                    )

    return ctx.bulk(AreaSuccession, rows())


AGENCY_KINDS = (
    ("military_command", "Ban CHQS", "Bộ CHQS"),
    ("peoples_committee", "UBND", "UBND"),
    ("police", "Công an", "Công an"),
    ("party_committee", "Đảng ủy", "Tỉnh ủy"),
)


@generator_step("organisations.Agency", "military command, UBND, police, party committee per area")
def agencies(ctx: SeedContext) -> int:
    Agency = ctx.model("organisations.Agency")
    provinces, districts = set(ctx.provinces), set(ctx.districts)
    rows: list[Any] = []
    kinds: tuple[tuple[str, str, str], ...]
    for area in [*ctx.provinces, *ctx.districts, *ctx.communes]:
        if area in provinces:
            kinds = AGENCY_KINDS
        elif area in districts:
            kinds = AGENCY_KINDS[:2]
        else:
            kinds = AGENCY_KINDS[: ctx.scale.agencies_per_commune]
        for kind, short, province_short in kinds:
            short_name = province_short if area in provinces else short
            name = f"{short_name} {ctx.area_name[area].removeprefix('Huyện ').removeprefix('Xã ')}"
            code = f"{ctx.area_code[area]}-{kind[:3].upper()}"
            rows.append(
                Agency(
                    code=code,
                    name=name,
                    short_name=short_name,
                    kind=kind,
                    area_id=area,
                    search_text=fold(f"{code} {name} {short_name}"),
                )
            )
    ctx.bulk_list(Agency, rows)
    for row in rows:
        ctx.agencies_by_province.setdefault(ctx.province_of[row.area_id], []).append(row.pk)
        ctx.agencies_of_area.setdefault(row.area_id, []).append(row.pk)
        if row.kind == "military_command":
            ctx.agency_by_area[row.area_id] = row.pk
    return len(rows)


@generator_step(
    "organisations.Unit", "militia platoons and reserve companies of the military commands"
)
def units(ctx: SeedContext) -> int:
    Unit = ctx.model("organisations.Unit")
    kinds = (
        ("mobile_militia", "Trung đội dân quân cơ động", "1 trung đội"),
        ("reserve", "Đại đội DBĐV", "1 đại đội"),
        ("militia", "Tiểu đội dân quân tại chỗ", "1 tiểu đội"),
    )

    provinces = set(ctx.provinces)

    def rows() -> Iterator[Any]:
        for area, agency in ctx.agency_by_area.items():
            for n, (kind, label, size) in enumerate(kinds[: 3 if area in provinces else 1]):
                code = f"{ctx.area_code[area]}-U{n + 1}"
                name = f"{label} {n + 1}"
                strength = ctx.rng.choice([None, 30, 31, 96, 110, 12])
                yield Unit(
                    code=code,
                    name=name,
                    kind=kind,
                    agency_id=agency,
                    size_label=size,
                    strength=strength,
                    search_text=fold(f"{code} {name}"),
                )

    made = ctx.bulk_list(Unit, rows())
    area_of_agency = {agency: area for area, agency in ctx.agency_by_area.items()}
    for unit in made:
        ctx.units_of_area.setdefault(area_of_agency[unit.agency_id], []).append(unit.pk)
    return len(made)


RANKS = ("", "", "Thiếu tá", "Trung tá", "Thượng tá", "Đại úy", "Thượng úy", "Trung úy")


@generator_step("organisations.Person", "people of each province's directory")
def people(ctx: SeedContext) -> int:
    Person = ctx.model("organisations.Person")
    rows: list[Any] = []
    counter = 0
    areas_of: dict[int, list[int]] = {}
    for area, province in ctx.province_of.items():
        areas_of.setdefault(province, []).append(area)
    for province in ctx.provinces:
        # People are placed in the province and its districts and communes alike.
        pool = areas_of[province]
        for _ in range(ctx.scale.people_per_province):
            counter += 1
            code = f"{CODE_PREFIX}-N{counter:06d}"
            name = ctx.text.person_name()
            rows.append(
                Person(
                    code=code,
                    full_name=name,
                    rank=ctx.rng.choice(RANKS),
                    area_id=ctx.rng.choice(pool),
                    phone=f"09{ctx.rng.randint(10_000_000, 99_999_999)}",
                    search_text=fold(f"{code} {name}"),
                )
            )
    ctx.bulk_list(Person, rows)
    for row in rows:
        ctx.people_by_province.setdefault(ctx.province_of[row.area_id], []).append(row.pk)
    return len(rows)


@generator_step("organisations.Position", "titles the people hold in their area's agencies")
def positions(ctx: SeedContext) -> int:
    Position = ctx.model("organisations.Position")
    Person = ctx.model("organisations.Person")
    titles = (
        "Chỉ huy trưởng",
        "Chính trị viên",
        "Chủ tịch",
        "Phó Chủ tịch",
        "Trưởng Công an",
        "Bí thư",
    )

    def rows() -> Iterator[Any]:
        people = Person._default_manager.filter(code__startswith=CODE_PREFIX).order_by("code")
        for person_id, area_id in people.values_list("pk", "area_id"):
            agency = ctx.agency_by_area.get(area_id)
            if agency is None or ctx.rng.random() < 0.3:
                continue
            yield Position(
                person_id=person_id,
                agency_id=agency,
                title=ctx.rng.choice(titles),
                start=dt.date(ctx.rng.randint(2015, 2024), 1, 1),
            )

    return ctx.bulk(Position, rows())


# --- exercises -----------------------------------------------------------------------------------


def plan_exercises(ctx: SeedContext) -> list[PlannedExercise]:
    """Where and when each exercise is held: districts before the reform, communes after."""
    scale = ctx.scale
    planned = []
    first_year, last_year = scale.years
    for n in range(scale.exercises):
        year = ctx.rng.randint(first_year, last_year)
        start = ctx.day(dt.date(year, 3, 1), dt.date(year, 11, 30))
        if ctx.rng.random() < 0.05:
            area, level = ctx.rng.choice(ctx.provinces), "tinh"
        elif start < REFORM_DAY and ctx.districts:
            area, level = ctx.rng.choice(ctx.districts), "huyen"
        else:
            area, level = ctx.rng.choice(ctx.communes), "xa"
        planned.append(
            PlannedExercise(
                code=f"{CODE_PREFIX}-{year}-{n + 1:05d}",
                area_id=area,
                level_id=ctx.levels[level],
                year=year,
                start=start,
                size=scale.exercise_size,
            )
        )
    if scale.bench_size is not None:
        # The benchmarks' exercise, being prepared now in a commune, and its small twin next door.
        commune = ctx.communes[0]
        ctx.bench = PlannedExercise(
            code=f"{CODE_PREFIX}-LARGE",
            area_id=commune,
            level_id=ctx.levels["xa"],
            year=REFERENCE_DAY.year,
            start=dt.date(REFERENCE_DAY.year, 10, 20),
            size=scale.bench_size,
        )
        ctx.bench_small = PlannedExercise(
            code=f"{CODE_PREFIX}-SMALL",
            area_id=commune,
            level_id=ctx.levels["xa"],
            year=REFERENCE_DAY.year,
            start=dt.date(REFERENCE_DAY.year, 11, 5),
            size=SMALL,
        )
        planned = [ctx.bench, ctx.bench_small, *planned]
    return planned


EXERCISE_KIND = {"tinh": "kvpt_province", "huyen": "kvpt_district", "xa": "commune_combat"}


@generator_step(
    "exercises.Exercise", "the bench exercise, its small twin, and the others over the years"
)
def exercises(ctx: SeedContext) -> int:
    Exercise = ctx.model("exercises.Exercise")
    ctx.exercises = plan_exercises(ctx)
    level_code = {pk: code for code, pk in ctx.levels.items()}
    rows = []
    for plan in ctx.exercises:
        kind = EXERCISE_KIND[level_code[plan.level_id]]
        what = "chiến đấu phòng thủ" if kind == "commune_combat" else "khu vực phòng thủ"
        name = f"Diễn tập {what} {ctx.area_name[plan.area_id]} năm {plan.year}"
        current = plan is ctx.bench or plan is ctx.bench_small
        status = "preparing" if current else ctx.rng.choice(["closed"] * 9 + ["cancelled"])
        end = plan.start + dt.timedelta(days=ctx.rng.randint(1, 3))
        rows.append(
            Exercise(
                code=plan.code,
                name=name,
                area_id=plan.area_id,
                level_id=plan.level_id,
                year=plan.year,
                status=status,
                kind=kind,
                code_name=ctx.text.phrase(1, 2, limit=120),
                organisation_id=ctx.agency_by_area.get(plan.area_id),
                directing_organisation_id=ctx.agency_by_area.get(ctx.province_of[plan.area_id]),
                scale=ctx.rng.choice(["1 bên 2 cấp", "1 bên 1 cấp", "1 bên 3 cấp"]),
                purposes=[ctx.text.phrase(6, 14) for _ in range(3)],
                requirements=[ctx.text.phrase(6, 14) for _ in range(3)],
                start_date=plan.start,
                end_date=end,
                leadership_mechanism=(
                    "Cấp ủy lãnh đạo, chính quyền điều hành, các ban, ngành, đoàn thể làm tham "
                    "mưu, "
                    "cơ quan quân sự, công an làm nòng cốt."
                ),
                search_text=fold(f"{plan.code} {name}"),
            )
        )
    ctx.bulk_list(Exercise, rows)
    for plan, row in zip(ctx.exercises, rows, strict=True):
        plan.pk = row.pk
    return len(rows)


PHASES = (
    "Chuyển địa phương vào trạng thái quốc phòng, lực lượng vũ trang vào các trạng thái "
    "sẵn sàng chiến đấu",
    "Tổ chức chuẩn bị tác chiến khu vực phòng thủ",
    "Thực hành tác chiến khu vực phòng thủ",
)


@generator_step("exercises.Phase", "the three phases of every exercise")
def phases(ctx: SeedContext) -> int:
    Phase = ctx.model("exercises.Phase")
    rows = []
    for plan in ctx.exercises:
        for order, name in enumerate(PHASES, start=1):
            day = plan.start + dt.timedelta(days=order - 1)
            rows.append(
                Phase(
                    exercise_id=plan.pk,
                    order=order,
                    name=name,
                    planned_start=ctx.at(day, 7),
                    planned_end=ctx.at(day, 17),
                )
            )
    ctx.bulk_list(Phase, rows)
    for plan, start in zip(ctx.exercises, range(0, len(rows), 3), strict=True):
        plan.phase_ids = [row.pk for row in rows[start : start + 3]]
    return len(rows)


@generator_step("exercises.Content", "the contents (nội dung) of each phase")
def contents(ctx: SeedContext) -> int:
    Content = ctx.model("exercises.Content")

    def rows() -> Iterator[Any]:
        for plan in ctx.exercises:
            for phase_id, count in zip(plan.phase_ids, plan.size.contents_per_phase, strict=True):
                for order in range(1, count + 1):
                    yield Content(
                        phase_id=phase_id, order=order, name=ctx.text.phrase(5, 12, limit=400)
                    )

    return ctx.bulk(Content, rows())


MILESTONES = (
    ("directive", "Chỉ thị, giao nhiệm vụ diễn tập"),
    ("training", "Tập huấn cán bộ"),
    ("coordination", "Hiệp đồng đạo diễn"),
    ("inspection", "Kiểm tra của cấp trên"),
    ("trial_run", "Diễn tập thử"),
    ("rehearsal", "Tổng duyệt"),
    ("opening", "Khai mạc"),
    ("exercise_day", "Ngày thực hành"),
    ("closing", "Bế mạc"),
    ("conference", "Hội nghị tổng kết, rút kinh nghiệm"),
)


def milestone_plan(count: int) -> list[tuple[str, str]]:
    """`count` milestones in calendar order; a big exercise has several trial runs."""
    head, trial, tail = list(MILESTONES[:4]), MILESTONES[4], list(MILESTONES[5:])
    full = head + [trial] * max(1, count - len(head) - len(tail)) + tail
    if count >= len(full):
        return full
    if count <= 1:
        return full[-count:] if count else []
    return [full[round(i * (len(full) - 1) / (count - 1))] for i in range(count)]


@generator_step("exercises.Milestone", "the calendar from the directive to the summary conference")
def milestones(ctx: SeedContext) -> int:
    Milestone = ctx.model("exercises.Milestone")

    def rows() -> Iterator[Any]:
        for plan in ctx.exercises:
            planned = milestone_plan(plan.size.milestones)
            trials = 0
            for n, (kind, title) in enumerate(planned):
                # From four months before the exercise to a month after it.
                day = plan.start + dt.timedelta(days=-120 + n * 150 // max(1, len(planned) - 1))
                sequence = None
                if kind == "trial_run":
                    trials += 1
                    sequence = trials
                yield Milestone(
                    exercise_id=plan.pk,
                    kind=kind,
                    sequence=sequence,
                    title=title if sequence is None else f"{title} lần {sequence}",
                    starts_on=day,
                    location=ctx.text.place_name(),
                    done=day < REFERENCE_DAY,
                )

    return ctx.bulk(Milestone, rows())


MAIN_COMMITTEES = (
    ("steering", "BCD", "Ban Chỉ đạo"),
    ("organising", "BTC", "Ban Tổ chức"),
    ("directing", "BDD", "Ban Đạo diễn"),
)
SUBCOMMITTEES = (
    ("TB-VANKIEN", "Tiểu ban Văn kiện"),
    ("TB-CONGTRINH", "Tiểu ban Công trình"),
    ("TB-THUCBINH", "Tiểu ban Thực binh"),
    ("TB-HAUCAN", "Tiểu ban Hậu cần - Kỹ thuật"),
    ("TB-TAICHINH", "Tiểu ban Tài chính"),
    ("TB-TUYENTRUYEN", "Tiểu ban Tuyên truyền"),
    ("TB-BAOVE", "Tiểu ban Bảo vệ - An ninh"),
    ("TB-LETAN", "Tiểu ban Lễ tân"),
)


@generator_step("exercises.Committee", "BCĐ, BTC, Ban Đạo diễn and the subcommittees")
def committees(ctx: SeedContext) -> int:
    Committee = ctx.model("exercises.Committee")
    rows = []
    owner: list[tuple[PlannedExercise, bool]] = []
    for plan in ctx.exercises:
        entries = [(kind, code, name) for kind, code, name in MAIN_COMMITTEES]
        entries += [
            ("subcommittee", code, name) for code, name in SUBCOMMITTEES[: plan.size.subcommittees]
        ]
        for order, (kind, code, name) in enumerate(entries, start=1):
            rows.append(
                Committee(
                    exercise_id=plan.pk,
                    kind=kind,
                    code=code,
                    name=name,
                    order=order,
                    duties=ctx.text.paragraph(2, limit=2000),
                )
            )
            owner.append((plan, kind == "subcommittee"))
    ctx.bulk_list(Committee, rows)
    for (plan, is_sub), row in zip(owner, rows, strict=True):
        plan.committee_ids.append(row.pk)
        if is_sub:
            plan.subcommittee_ids.append(row.pk)
    return len(rows)


@generator_step(
    "exercises.CommitteeMember", "members of the committees, from the province's people"
)
def committee_members(ctx: SeedContext) -> int:
    CommitteeMember = ctx.model("exercises.CommitteeMember")
    roles = ["head", "standing_deputy", "deputy", "member", "member", "member", "secretary"]

    def rows() -> Iterator[Any]:
        for plan in ctx.exercises:
            pool = ctx.people_by_province.get(ctx.province_of[plan.area_id], [])
            if not pool or not plan.committee_ids:
                continue
            seats: set[tuple[int, int]] = set()
            for n in range(plan.size.members):
                committee = plan.committee_ids[n % len(plan.committee_ids)]
                person = ctx.rng.choice(pool)
                if (committee, person) in seats:
                    continue
                seats.add((committee, person))
                plan.member_people.append(person)
                yield CommitteeMember(
                    committee_id=committee,
                    person_id=person,
                    position=ctx.text.phrase(2, 5, limit=400),
                    role=roles[n // len(plan.committee_ids) % len(roles)],
                    exercise_role=ctx.text.phrase(1, 3, limit=255),
                    order=n,
                )

    return ctx.bulk(CommitteeMember, rows())


TASK_VERBS = (
    "Xây dựng",
    "Hoàn thiện",
    "Tổ chức",
    "Rà soát",
    "Chuẩn bị",
    "Triển khai",
    "Kiểm tra",
    "Bảo đảm",
    "Tập huấn",
    "Huấn luyện",
    "Báo cáo",
    "Thẩm định",
)
TASK_CATEGORIES = (
    "training",
    "documents",
    "drills",
    "works",
    "security",
    "logistics",
    "propaganda",
    "finance",
    "reception",
    "other",
)


def _status_and_progress(
    ctx: SeedContext, due: dt.date, done_share: float = 0.5
) -> tuple[str, int]:
    if due < REFERENCE_DAY and ctx.rng.random() < done_share + 0.3:
        return "done", 100
    roll = ctx.rng.random()
    if roll < 0.35:
        return "todo", 0
    if roll < 0.9:
        return "in_progress", ctx.rng.randrange(5, 100, 5)
    return "blocked", ctx.rng.randrange(0, 60, 5)


@generator_step("preparation.Task", "preparation tasks of the subcommittees, with dependencies")
def tasks(ctx: SeedContext) -> int:
    Task = ctx.model("preparation.Task")
    rows = []
    for plan in ctx.exercises:
        # Owners from the exercise's own area, assignees from its committees: what the services
        # accept from a user scoped to that area.
        agencies_pool: list[int | None] = list(ctx.agencies_of_area.get(plan.area_id, [None]))
        people_pool: list[int | None] = list(plan.member_people) or [None]
        for n in range(plan.size.tasks):
            start = plan.start - dt.timedelta(days=ctx.rng.randint(30, 240))
            due = start + dt.timedelta(days=ctx.rng.randint(3, 60))
            status, progress = _status_and_progress(ctx, due)
            verb = ctx.rng.choice(TASK_VERBS)
            rows.append(
                Task(
                    exercise_id=plan.pk,
                    code=f"CV-{n + 1:04d}",
                    subcommittee_id=ctx.rng.choice(plan.subcommittee_ids)
                    if plan.subcommittee_ids
                    else None,
                    title=f"{verb} {ctx.text.phrase(4, 11, limit=380).lower()}",
                    category=ctx.rng.choice(TASK_CATEGORIES),
                    owner_id=ctx.rng.choice(agencies_pool),
                    assignee_id=ctx.rng.choice(people_pool),
                    start=start,
                    due=due,
                    status=status,
                    progress=progress,
                    completed_on=due if status == "done" else None,
                    notes=ctx.text.paragraph(ctx.rng.randint(0, 2), limit=2000),
                    classification=1 if n % 50 == 0 else 0,  # 2 %, the small twin's too
                )
            )
    ctx.bulk_list(Task, rows)
    offset = 0
    for plan in ctx.exercises:
        plan.task_ids = [row.pk for row in rows[offset : offset + plan.size.tasks]]
        offset += plan.size.tasks
    # Dependencies on an earlier task of the same exercise: a DAG, never a cycle.
    Through = Task.depends_on.through
    links = []
    for plan in ctx.exercises:
        for n in range(1, len(plan.task_ids)):
            if ctx.rng.random() < plan.size.dependencies:
                earlier = plan.task_ids[ctx.rng.randrange(0, n)]
                links.append(Through(from_task_id=plan.task_ids[n], to_task_id=earlier))
    return len(rows) + ctx.bulk(Through, links)


@generator_step("preparation.Document", "document metadata (no files) from the kind catalogue")
def documents(ctx: SeedContext) -> int:
    Document = ctx.model("preparation.Document")
    DocumentKind = ctx.model("preparation.DocumentKind")
    kinds = list(DocumentKind._default_manager.order_by("order", "pk").values_list("pk", "name"))
    if not kinds:
        kinds = [
            (
                DocumentKind._default_manager.create(code="bench-other", name="Văn kiện khác").pk,
                "Văn kiện khác",
            )
        ]

    def rows() -> Iterator[Any]:
        for plan in ctx.exercises:
            custodians: list[int | None] = list(ctx.agencies_of_area.get(plan.area_id, [None]))
            for n in range(plan.size.documents):
                kind, kind_name = kinds[n % len(kinds)]
                issued = plan.start - dt.timedelta(days=ctx.rng.randint(5, 120))
                yield Document(
                    exercise_id=plan.pk,
                    code=f"VK-{n + 1:04d}",
                    subcommittee_id=ctx.rng.choice(plan.subcommittee_ids)
                    if plan.subcommittee_ids
                    else None,
                    kind_id=kind,
                    number=f"{ctx.rng.randint(1, 300)}/KH-BCH",
                    title=f"{kind_name} {ctx.text.phrase(3, 9, limit=300).lower()}"[:400],
                    status=ctx.rng.choice(["draft", "approved", "approved", "archived"]),
                    custodian_id=ctx.rng.choice(custodians),
                    issued_on=issued,
                    classification=ctx.rng.choice([0, 0, 0, 1, 2]),
                )

    return ctx.bulk(Document, rows())


BUDGET_CATEGORIES = (
    "works",
    "documents",
    "training",
    "live_troops",
    "logistics",
    "propaganda",
    "reception",
    "site_clearance",
    "other",
)
BUDGET_SOURCES = ("central", "province", "district", "commune", "defence", "other")


@generator_step(
    "preparation.BudgetLine", "budget lines in VND: estimate, actual, additional, settled"
)
def budget_lines(ctx: SeedContext) -> int:
    BudgetLine = ctx.model("preparation.BudgetLine")
    rows = []
    for plan in ctx.exercises:
        for n in range(plan.size.budget_lines):
            category = ctx.rng.choice(BUDGET_CATEGORIES)
            estimate = ctx.rng.randint(5, 2000) * 1_000_000
            actual = int(estimate * ctx.rng.uniform(0.6, 1.1)) // 1000 * 1000
            settled = actual if ctx.rng.random() < 0.6 else 0
            rows.append(
                BudgetLine(
                    exercise_id=plan.pk,
                    code=f"KP-{n + 1:04d}",
                    subcommittee_id=ctx.rng.choice(plan.subcommittee_ids)
                    if plan.subcommittee_ids
                    else None,
                    description=ctx.text.phrase(4, 10, limit=400),
                    category=category,
                    source=ctx.rng.choice(BUDGET_SOURCES),
                    is_site_clearance=category == "site_clearance",
                    estimate=estimate,
                    actual=actual,
                    additional=ctx.rng.choice([0, 0, 0, ctx.rng.randint(1, 50) * 1_000_000]),
                    settled_amount=settled,
                    settled_on=plan.start + dt.timedelta(days=60) if settled else None,
                )
            )
    ctx.bulk_list(BudgetLine, rows)
    offset = 0
    for plan in ctx.exercises:
        plan.budget_line_ids = [row.pk for row in rows[offset : offset + plan.size.budget_lines]]
        offset += plan.size.budget_lines
    return len(rows)


WORK_KINDS = (
    ("command_post", "Sở chỉ huy cơ bản", "each"),
    ("bunker", "Hầm chỉ huy", "each"),
    ("sand_table", "Sa bàn", "m2"),
    ("firing_position", "Trận địa", "each"),
    ("road", "Đường cơ động", "km"),
    ("live_troop_area", "Khu vực thực binh", "m2"),
    ("other", "Công trình", "each"),
)


@generator_step("preparation.Work", "works built or renovated, some handed over")
def works(ctx: SeedContext) -> int:
    Work = ctx.model("preparation.Work")

    def rows() -> Iterator[Any]:
        for plan in ctx.exercises:
            agencies_pool: list[int | None] = list(ctx.agencies_of_area.get(plan.area_id, [None]))
            for n in range(plan.size.works):
                kind, label, unit = ctx.rng.choice(WORK_KINDS)
                status = ctx.rng.choice(["planned", "building", "done", "handed_over"])
                handed = status == "handed_over"
                yield Work(
                    exercise_id=plan.pk,
                    code=f"CT-{n + 1:04d}",
                    subcommittee_id=ctx.rng.choice(plan.subcommittee_ids)
                    if plan.subcommittee_ids
                    else None,
                    name=f"{label} {ctx.text.place_name()}",
                    kind=kind,
                    construction=ctx.rng.choice(["new", "renovated"]),
                    quantity=round(ctx.rng.uniform(0.5, 40), 2)
                    if unit != "each"
                    else ctx.rng.randint(1, 4),
                    quantity_unit=unit,
                    location=f"Thôn {ctx.text.place_name()}",
                    status=status,
                    owner_id=ctx.rng.choice(agencies_pool),
                    custodian_id=ctx.rng.choice(agencies_pool) if handed else None,
                    budget_line_id=ctx.rng.choice(plan.budget_line_ids)
                    if plan.budget_line_ids
                    else None,
                    handed_over_to_id=ctx.rng.choice(agencies_pool) if handed else None,
                    handed_over_on=plan.start + dt.timedelta(days=30) if handed else None,
                    handover_record=f"{ctx.rng.randint(1, 99)}/BB-BG" if handed else "",
                    notes=ctx.text.paragraph(ctx.rng.randint(0, 1), limit=1000),
                )

    return ctx.bulk(Work, rows())


# --- users ---------------------------------------------------------------------------------------

BENCH_ADMIN = "bench_admin"
BENCH_ORG_ADMIN = "bench_org_admin"
BENCH_TARGET = "bench_target"  # a plain user for the pages about a user (edit, deactivate ...)
# Readers of the lessons library: a province's staff (a few hundred exercises, which the search
# reads row by row: kvpt.review.lessons.FEW_EXERCISES) and a military region's, of a few provinces
# (more than that, fewer than it lists).
BENCH_PROVINCE = "bench_province"
BENCH_REGION = "bench_region"
REGION_PROVINCES = 3
BENCH_PASSWORD = "bench-Mật-khẩu-2026"  # noqa: S105 - a throwaway database's known password


@generator_step(
    "accounts.User", "a superuser, an org admin of the bench exercise's area, API tokens"
)
def users(ctx: SeedContext) -> int:
    from django.contrib.auth.hashers import make_password

    from kvpt.accounts.models import ApiToken, Membership, User

    password = make_password(BENCH_PASSWORD)
    admin = User.objects.create(
        username=BENCH_ADMIN,
        first_name="Quản trị",
        last_name="Hệ thống",
        is_superuser=True,
        is_staff=True,
        clearance=3,
        password=password,
    )
    scoped = User.objects.create(
        username=BENCH_ORG_ADMIN,
        first_name="Đơn vị",
        last_name="Quản trị",
        clearance=1,
        password=password,
    )
    target = User.objects.create(username=BENCH_TARGET, first_name="Quan sát", password=password)
    area = ctx.bench.area_id if ctx.bench else ctx.communes[0]
    Membership.objects.create(user=scoped, role="org_admin", area_id=area)
    Membership.objects.create(user=target, role="observer", area_id=area)
    add_area_reader(BENCH_PROVINCE, ctx.provinces[:1], password)
    add_area_reader(BENCH_REGION, ctx.provinces[:REGION_PROVINCES], password)
    tokens = {}
    for user in (admin, scoped):
        raw, prefix, digest = ApiToken.generate()
        ApiToken.objects.create(user=user, name="bench", key_prefix=prefix, key_hash=digest)
        tokens[user.username] = raw
    ctx.manifest["users"] = {
        "superuser": BENCH_ADMIN,
        "org_admin": BENCH_ORG_ADMIN,
        "target": BENCH_TARGET,
        "province": BENCH_PROVINCE,
        "region": BENCH_REGION,
        "area_id": area,
    }
    ctx.manifest["tokens"] = tokens  # a throwaway database's keys; the manifest stays under var/
    return 5 + 2 + 2 + 1 + len(ctx.provinces[:REGION_PROVINCES])


def add_area_reader(username: str, area_ids: list[int], password: str) -> Any:
    """An observer cleared for everything on `area_ids` (the lessons library's readers)."""
    from kvpt.accounts.models import Membership, User

    reader = User.objects.create(username=username, clearance=3, password=password)
    for area_id in area_ids:
        Membership.objects.create(user=reader, role="observer", area_id=area_id)
    return reader


# --- extension points: models the issues announce --------------------------------------------


class StepSkippedError(Exception):
    """Raised by a step whose model exists but no longer has the fields the step fills."""


def require_fields(model: Any, *names: str) -> None:
    present = {f.name for f in model._meta.get_fields()}
    missing = [n for n in names if n not in present]
    if missing:
        raise StepSkippedError(
            f"{model._meta.label} has no field {', '.join(missing)}: update the step"
        )


@generator_step("review.Conference", "the summary conference of each exercise (issue 5)")
def conferences(ctx: SeedContext) -> int:
    Conference = ctx.model("review.Conference")
    require_fields(Conference, "exercise", "code", "title", "held_on", "place")
    rows = [
        Conference(
            exercise_id=plan.pk,
            code="HN-TK",
            title=f"Hội nghị tổng kết, rút kinh nghiệm diễn tập {plan.code}",
            held_on=plan.start + dt.timedelta(days=20),
            place=f"Hội trường {ctx.area_name[plan.area_id]}",
        )
        for plan in ctx.exercises
        if plan.size.observations
    ]
    ctx.bulk_list(Conference, rows)
    ctx.conference_of = {row.exercise_id: row.pk for row in rows}
    return len(rows)


OBSERVATION_KINDS = ("strength", "shortcoming")
OBSERVATION_AREAS = (
    "preparation",
    "mechanism",
    "live_troops",
    "documents",
    "works",
    "logistics",
    "security",
    "other",
)
OBSERVATION_STATES = ("observation", "lesson_identified", "action_planned", "lesson_learned")


@generator_step(
    "review.Observation",
    "ODCR observations (issue 5): large = 1,000 for the bench exercise; national = 125 x 8,000 "
    "= 1,000,000 (ExerciseSize.observations)",
)
def observations(ctx: SeedContext) -> int:
    Observation = ctx.model("review.Observation")
    require_fields(
        Observation, "exercise", "code", "kind", "area", "observation", "discussion", "state"
    )
    ctx.observations_of.clear()

    def rows() -> Iterator[Any]:
        for plan in ctx.exercises:
            for n in range(plan.size.observations):
                row = Observation(
                    exercise_id=plan.pk,
                    conference_id=ctx.conference_of.get(plan.pk),
                    code=f"NX-{n + 1:05d}",
                    kind=ctx.rng.choice(OBSERVATION_KINDS),
                    area=ctx.rng.choice(OBSERVATION_AREAS),
                    observation=ctx.text.paragraph(ctx.rng.randint(1, 3)),
                    discussion=ctx.text.paragraph(ctx.rng.randint(0, 2)),
                    conclusion=ctx.text.phrase(5, 14, limit=2000),
                    recommendation=ctx.text.paragraph(1),
                    tags=ctx.text.draw(2),
                    state=ctx.rng.choice(OBSERVATION_STATES),
                )
                # Bulk inserts skip save(): fill the folded search copy the model keeps, as
                # Observation.folded_text() does (fast_fold == fold; the tests check the two).
                parts = [row.code, row.observation, row.discussion, row.conclusion]
                parts += [row.recommendation, " ".join(row.tags)]
                row.search_text = fast_fold(" ".join(p for p in parts if p))
                yield row

    made = ctx.bulk(Observation, rows())
    # The actions' sources: the first 50 of each exercise (not a million rows in memory).
    sources = Observation._default_manager.filter(
        exercise__code__startswith=f"{CODE_PREFIX}-", code__lte="NX-00050"
    ).values_list("exercise_id", "pk")
    for exercise_id, pk in sources.order_by("exercise_id", "code").iterator(chunk_size=10_000):
        ctx.observations_of.setdefault(exercise_id, []).append(pk)
    return made


@generator_step(
    "review.Directive",
    "leaders' directives and conclusions at the conference (issue 5): large = 40",
)
def directives(ctx: SeedContext) -> int:
    Directive = ctx.model("review.Directive")
    require_fields(Directive, "exercise", "code", "text", "conference", "given_by", "given_on")
    rows: list[Any] = []
    for plan in ctx.exercises:
        people = ctx.people_by_province.get(ctx.province_of[plan.area_id], [])
        for n in range(plan.size.directives):
            rows.append(
                Directive(
                    exercise_id=plan.pk,
                    conference_id=ctx.conference_of.get(plan.pk),
                    code=f"CD-{n + 1:03d}",
                    text=ctx.text.paragraph(ctx.rng.randint(1, 2)),
                    given_by_id=ctx.rng.choice(people) if people else None,
                    given_on=plan.start + dt.timedelta(days=20),
                )
            )
    ctx.bulk_list(Directive, rows)
    ctx.directives_of.clear()
    for row in rows:
        kept = ctx.directives_of.setdefault(row.exercise_id, [])
        if len(kept) < 50:
            kept.append(row.pk)
    return len(rows)


@generator_step(
    "review.CorrectiveAction",
    "corrective actions from observations (issue 5): large = 500 (ExerciseSize.actions)",
)
def corrective_actions(ctx: SeedContext) -> int:
    Action = ctx.model("review.CorrectiveAction")
    require_fields(Action, "exercise", "code", "observation", "title", "owner", "due", "status")
    statuses = ("open", "open", "in_progress", "in_progress", "closed")

    def rows() -> Iterator[Any]:
        for plan in ctx.exercises:
            sources = ctx.observations_of.get(plan.pk, [])
            owners: list[int | None] = list(ctx.agencies_of_area.get(plan.area_id, [None]))
            for n in range(plan.size.actions):
                due = plan.start + dt.timedelta(days=ctx.rng.randint(30, 365))
                from_directive = ctx.rng.random() < 0.2 and plan.pk in ctx.directives_of
                yield Action(
                    exercise_id=plan.pk,
                    code=f"KP-{n + 1:04d}",
                    observation_id=(
                        ctx.rng.choice(sources) if sources and not from_directive else None
                    ),
                    directive_id=(
                        ctx.rng.choice(ctx.directives_of[plan.pk]) if from_directive else None
                    ),
                    title=ctx.text.phrase(5, 12, limit=400),
                    description=ctx.text.paragraph(ctx.rng.randint(0, 2)),
                    owner_id=ctx.rng.choice(owners),
                    start=plan.start,
                    due=due,
                    status=ctx.rng.choice(statuses),
                )

    return ctx.bulk(Action, rows())


RESERVE_STATUSES = ("reservist", "militia", "standing", "police", "other")
ROSTER_RANKS = ("Binh nhì", "Binh nhất", "Hạ sĩ", "Trung sĩ", "Thượng sĩ", "Thiếu úy", "")


@generator_step(
    "forces.RosterEntry",
    "roster rows (issue 4): large = 5,000 for the bench exercise (ExerciseSize.roster_rows)",
)
def roster_entries(ctx: SeedContext) -> int:
    RosterEntry = ctx.model("forces.RosterEntry")
    require_fields(
        RosterEntry, "exercise", "unit", "person_code", "full_name", "rank", "reserve_status"
    )

    def rows() -> Iterator[Any]:
        for plan in ctx.exercises:
            units = ctx.units_of_area.get(plan.area_id, [])
            if not units:
                continue
            for n in range(plan.size.roster_rows):
                row = RosterEntry(
                    exercise_id=plan.pk,
                    unit_id=ctx.rng.choice(units),
                    person_code=f"QN-{n + 1:06d}",
                    full_name=ctx.text.person_name(),
                    rank=ctx.rng.choice(ROSTER_RANKS),
                    role="Chiến sĩ",
                    reserve_status=ctx.rng.choice(RESERVE_STATUSES),
                    phone=f"09{ctx.rng.randint(10_000_000, 99_999_999)}",
                    date_of_birth=dt.date(1970, 1, 1) + dt.timedelta(days=ctx.rng.randrange(12000)),
                    attended=ctx.rng.random() < 0.9,
                )
                if hasattr(row, "search_text"):
                    row.search_text = fold(f"{row.full_name} {row.person_code} {row.phone}")[:400]
                yield row

    return ctx.bulk(RosterEntry, rows())


def _units_of_province(ctx: SeedContext, area: int) -> list[int]:
    """The units placed in the exercise's province (the province, its districts and communes)."""
    province = ctx.province_of[area]
    return [
        unit
        for other, units in ctx.units_of_area.items()
        if ctx.province_of.get(other) == province
        for unit in units
    ]


FORCE_NAMES: tuple[tuple[str, str, list[str]], ...] = (
    ("LL-TQL", "Lực lượng thực hiện thiết quân luật", ["TQL"]),
    ("LL-A2", "Lực lượng xử trí tình huống A2", ["A2"]),
    ("LL-CD", "Lực lượng cơ động", ["A2", "A3"]),
    ("LL-DQ", "Lực lượng dân quân tại chỗ", ["A1"]),
    ("LL-CA", "Lực lượng công an", ["TQL", "A4"]),
    ("LL-YT", "Lực lượng quân y", []),
    ("LL-HC", "Lực lượng hậu cần", []),
    ("LL-TT", "Lực lượng thông tin liên lạc", []),
)
VEHICLE_KINDS = ("Ô tô", "Xe máy", "Xuồng máy", "Xe cứu thương")
EQUIPMENT_ITEMS = ("Máy thông tin VTĐ", "Lều bạt", "Đèn pin", "Loa cầm tay", "Cáng thương")


@generator_step(
    "forces.Force",
    "forces and the units mobilised once per exercise, with vehicles and equipment (issue 4)",
)
def forces(ctx: SeedContext) -> int:
    Force = ctx.model("forces.Force")
    Allocation = ctx.model("forces.ForceAllocation")
    Vehicle = ctx.model("forces.VehicleAllocation")
    Equipment = ctx.model("forces.EquipmentAllocation")
    require_fields(Allocation, "exercise", "unit", "forces", "planned_personnel")
    made = 0
    force_rows: list[Any] = []
    allocation_rows: list[Any] = []
    for plan in ctx.exercises:
        for order, (code, name, situations) in enumerate(FORCE_NAMES[: plan.size.forces], 1):
            force_rows.append(
                Force(exercise_id=plan.pk, code=code, name=name, situations=situations, order=order)
            )
        units = _units_of_province(ctx, plan.area_id)[: plan.size.force_allocations]
        for unit in units:
            planned = ctx.rng.choice([12, 30, 31, 96, 110])
            allocation_rows.append(
                Allocation(
                    exercise_id=plan.pk,
                    unit_id=unit,
                    planned_personnel=planned,
                    actual_personnel=planned - ctx.rng.randint(0, 3),
                    notes=ctx.text.phrase(0, 6, limit=400),
                )
            )
    ctx.bulk_list(Force, force_rows)
    ctx.bulk_list(Allocation, allocation_rows)
    made += len(force_rows) + len(allocation_rows)
    forces_of: dict[int, list[int]] = {}
    for row in force_rows:
        forces_of.setdefault(row.exercise_id, []).append(row.pk)
    Link = Allocation.forces.through
    links = []
    vehicles = []
    equipment = []
    for row in allocation_rows:
        pool = forces_of.get(row.exercise_id, [])
        # A unit serves one force or two (counted once in the totals: domain.md section 4).
        for force in ctx.rng.sample(pool, min(len(pool), ctx.rng.choice([1, 1, 2]))):
            links.append(Link(forceallocation_id=row.pk, force_id=force))
        for kind in ctx.rng.sample(VEHICLE_KINDS, 2):
            count = ctx.rng.randint(1, 6)
            vehicles.append(
                Vehicle(allocation_id=row.pk, kind=kind, planned=count, actual=count - 1)
            )
        for item in ctx.rng.sample(EQUIPMENT_ITEMS, 2):
            equipment.append(
                Equipment(allocation_id=row.pk, item=item, quantity=ctx.rng.randint(1, 20))
            )
    made += ctx.bulk(Link, links) + ctx.bulk(Vehicle, vehicles) + ctx.bulk(Equipment, equipment)
    return made


@generator_step("scenario.Situation", "situations of the scenario (issue 4): large = 20")
def situations(ctx: SeedContext) -> int:
    Situation = ctx.model("scenario.Situation")
    Kind = ctx.model("scenario.SituationKind")
    require_fields(Situation, "exercise", "code", "title", "kind", "phase")
    kinds = list(Kind._default_manager.order_by("pk").values_list("pk", flat=True))
    if not kinds:
        kinds = [Kind._default_manager.create(code="bench", name="Tình huống chung").pk]
    rows = []
    for plan in ctx.exercises:
        agencies_pool: list[int | None] = list(ctx.agencies_of_area.get(plan.area_id, [None]))
        for n in range(plan.size.situations):
            rows.append(
                Situation(
                    exercise_id=plan.pk,
                    code=f"A{n + 1}",
                    title=ctx.text.phrase(4, 10, limit=400),
                    kind_id=ctx.rng.choice(kinds),
                    phase_id=ctx.rng.choice(plan.phase_ids) if plan.phase_ids else None,
                    lead_agency_id=ctx.rng.choice(agencies_pool),
                    location=f"Thôn {ctx.text.place_name()}",
                    forces_text=ctx.text.phrase(3, 8),
                )
            )
    ctx.bulk_list(Situation, rows)
    ctx.situations_of.clear()
    for row in rows:
        ctx.situations_of.setdefault(row.exercise_id, []).append(row.pk)
    return len(rows)


INJECT_STATUSES = ("pending", "approved", "approved", "delivered", "done")
INJECT_METHODS = ("phone", "radio", "document", "messenger", "in_person")


@generator_step("scenario.Inject", "MSEL injects (issue 4): large = 500 (ExerciseSize.injects)")
def injects(ctx: SeedContext) -> int:
    from kvpt.scenario.scenario_time import parse_scenario_time

    Inject = ctx.model("scenario.Inject")
    require_fields(Inject, "exercise", "serial", "scenario_time", "content", "status", "method")
    rows: list[Any] = []
    for plan in ctx.exercises:
        if not plan.size.injects:
            continue
        situations = ctx.situations_of.get(plan.pk, [])
        units: list[int | None] = list(ctx.units_of_area.get(plan.area_id, [None]))
        agencies_pool: list[int | None] = list(ctx.agencies_of_area.get(plan.area_id, [None]))
        people = ctx.people_by_province.get(ctx.province_of[plan.area_id], [])
        # Spread over day N-2 .. N+2, in story order; the real schedule follows it.
        for n in range(plan.size.injects):
            minutes = -2 * 1440 + n * (5 * 1440) // plan.size.injects
            day, rest = divmod(minutes, 1440)
            scenario_time = (
                f"N{day:+d} {rest // 60:02d}:{rest % 60:02d}"
                if day
                else (f"N {rest // 60:02d}:{rest % 60:02d}")
            )
            status = ctx.rng.choice(INJECT_STATUSES)
            scheduled = ctx.at(plan.start, 0) + dt.timedelta(minutes=minutes)
            delivered = status in ("delivered", "done")
            rows.append(
                Inject(
                    exercise_id=plan.pk,
                    serial=n + 1,
                    phase_id=plan.phase_ids[min(2, max(0, day + 1))] if plan.phase_ids else None,
                    situation_id=ctx.rng.choice(situations) if situations else None,
                    scenario_time=scenario_time,
                    scenario_offset=parse_scenario_time(scenario_time).offset_minutes,
                    scheduled_at=scheduled,
                    delivered_at=scheduled + dt.timedelta(minutes=2) if delivered else None,
                    completed_at=scheduled + dt.timedelta(minutes=30) if status == "done" else None,
                    from_org=ctx.rng.choice(["Công an xã báo cáo", "Ban CHQS xã", "Cấp trên"]),
                    to_agency_id=ctx.rng.choice(agencies_pool),
                    to_unit_id=ctx.rng.choice(units),
                    method=ctx.rng.choice(INJECT_METHODS),
                    content=ctx.text.paragraph(ctx.rng.randint(1, 3)),
                    expected_action=ctx.text.paragraph(1),
                    objective=ctx.text.phrase(3, 8),
                    controller_id=ctx.rng.choice(people) if people else None,
                    status=status,
                )
            )
    ctx.bulk_list(Inject, rows)
    ctx.injects_of.clear()
    for row in rows:
        ctx.injects_of.setdefault(row.exercise_id, []).append(row.pk)
    return len(rows)


LOG_KINDS = ("note", "note", "note", "inject", "clock", "safety")


@generator_step(
    "scenario.ConductLogEntry",
    "conduct log entries (issue 4): large = 2,000 (ExerciseSize.log_entries)",
)
def log_entries(ctx: SeedContext) -> int:
    Entry = ctx.model("scenario.ConductLogEntry")
    require_fields(Entry, "exercise", "at", "kind", "text", "inject")

    def rows() -> Iterator[Any]:
        for plan in ctx.exercises:
            injects = ctx.injects_of.get(plan.pk, [])
            begin = ctx.at(plan.start, 0) - dt.timedelta(days=2)
            for n in range(plan.size.log_entries):
                kind = ctx.rng.choice(LOG_KINDS)
                yield Entry(
                    exercise_id=plan.pk,
                    at=begin + dt.timedelta(minutes=n * 5 * 1440 // plan.size.log_entries),
                    kind=kind,
                    text=ctx.text.paragraph(ctx.rng.randint(1, 2)),
                    inject_id=ctx.rng.choice(injects) if injects and kind == "inject" else None,
                )

    return ctx.bulk(Entry, rows())


# --- running -------------------------------------------------------------------------------------


@dataclass
class StepResult:
    label: str
    status: str  # "done", "skipped: ..."
    rows: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


class AlreadySeededError(RuntimeError):
    pass


def _throwaway_sqlite() -> bool:
    """The database is a bench file under var/bench/ (made by `kvpt bench run|load`)."""
    from pathlib import Path

    from kvpt.bench.databases import var_dir

    name = Path(str(connection.settings_dict["NAME"])).resolve()
    return var_dir().resolve() in name.parents


@contextmanager
def fast_writes(out: TextIO) -> Iterator[None]:
    """Bulk-load settings for the seed, put back afterwards (the bench measures the app's own).

    SQLite: synchronous=OFF and a large page cache; journal_mode=OFF too when the file is a
    throwaway bench database (a crash mid-seed may corrupt it: it is deleted anyway).
    PostgreSQL: synchronous_commit=off for this session. Both: nothing changes inside a
    transaction the caller holds (the tests), and the statistics are refreshed at the end
    (ANALYZE on PostgreSQL, as autovacuum would; SQLite keeps its default planner).
    """
    if connection.in_atomic_block:
        yield
        return

    def sql(statement: str) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            rows = cursor.fetchall() if cursor.description else []  # no statement left open
        return rows[0][0] if rows else None

    if connection.vendor == "sqlite":
        journal, synchronous, cache = (
            sql(f"PRAGMA {name}") for name in ("journal_mode", "synchronous", "cache_size")
        )
        throwaway = _throwaway_sqlite()
        sql("PRAGMA synchronous=OFF")
        sql("PRAGMA cache_size=-262144")  # 256 MiB
        if throwaway:
            sql("PRAGMA journal_mode=OFF")
        journal_note = ", journal_mode=OFF" if throwaway else ""
        out.write(f"  (SQLite: synchronous=OFF{journal_note} while seeding)\n")
        try:
            yield
        finally:
            if throwaway:
                sql(f"PRAGMA journal_mode={journal}")
            sql(f"PRAGMA synchronous={int(synchronous)}")
            sql(f"PRAGMA cache_size={int(cache)}")
    elif connection.vendor == "postgresql":
        sql("SET synchronous_commit = off")
        # Text-search indexes (GIN/GiST: the lessons search's trigram index) cost far more row
        # by row than built once: dropped for the seed, rebuilt from their definition at the end.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND (indexdef ILIKE '%% USING gin %%' OR indexdef ILIKE '%% USING gist %%')"
            )
            search_indexes = cursor.fetchall()
        for name, _definition in search_indexes:
            sql(f'DROP INDEX "{name}"')
        out.write(
            "  (PostgreSQL: synchronous_commit=off while seeding; "
            f"{len(search_indexes)} GIN/GiST index(es) rebuilt at the end)\n"
        )
        try:
            yield
        finally:
            sql("RESET synchronous_commit")
            for name, definition in search_indexes:
                started = time.perf_counter()
                sql("SET maintenance_work_mem = '512MB'")
                sql(definition)
                out.write(f"  CREATE INDEX {name} {time.perf_counter() - started:.1f} s\n")
            sql("RESET maintenance_work_mem")
            started = time.perf_counter()
            sql("ANALYZE")
            out.write(f"  ANALYZE {time.perf_counter() - started:.1f} s\n")
    else:
        yield


def seed(
    scale_name: str, *, seed_value: int = DEFAULT_SEED, out: TextIO, batch_size: int = BATCH_SIZE
) -> dict[str, Any]:
    """Run every registered step on the default database; returns the manifest."""
    scale = SCALES[scale_name]
    Exercise = apps.get_model("exercises.Exercise")
    if Exercise._default_manager.filter(code__startswith=f"{CODE_PREFIX}-").exists():
        raise AlreadySeededError("this database already holds bench data (exercises BENCH-...)")
    with fast_writes(out):
        return _seed(scale, seed_value=seed_value, out=out, batch_size=batch_size)


def _seed(scale: Scale, *, seed_value: int, out: TextIO, batch_size: int) -> dict[str, Any]:
    ctx = SeedContext(scale=scale, seed=seed_value, out=out, batch_size=batch_size)
    results: list[StepResult] = []
    began = time.perf_counter()
    for step in STEPS.values():
        if not model_exists(step.label):
            result = StepResult(step.label, "skipped: model not built yet")
            out.write(f"  {step.label:<32} bỏ qua (skipped): chưa có model - {step.note}\n")
        elif step.function is None:
            result = StepResult(step.label, "skipped: model exists, no generator step yet")
            out.write(
                f"  {step.label:<32} bỏ qua (skipped): model đã có nhưng chưa có hàm sinh dữ liệu "
                f"- add @generator_step({step.label!r}) in kvpt/bench/seed.py ({step.note})\n"
            )
        else:
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    rows = step.function(ctx)
            except StepSkippedError as exc:
                results.append(StepResult(step.label, f"skipped: {exc}"))
                out.write(f"  {step.label:<32} bỏ qua (skipped): {exc}\n")
                continue
            result = StepResult(step.label, "done", rows, time.perf_counter() - started)
            out.write(
                f"  {step.label:<32} {rows:>9,} dòng (rows) {result.seconds:7.2f} s "
                f"{result.rows_per_second:>10,.0f} dòng/s\n"
            )
        out.flush()
        results.append(result)
    seconds = time.perf_counter() - began
    rows = sum(r.rows for r in results)
    tiers = ctx.text.tiers()
    out.write(
        f"  {'TOTAL':<32} {rows:>9,} dòng (rows) {seconds:7.2f} s "
        f"{rows / seconds if seconds else 0:>10,.0f} dòng/s "
        f"({connection.vendor}, scale {scale.name}, seed {seed_value})\n"
    )
    for tier, entries in tiers.items():
        listed = ", ".join(f"{e['word']} ({e['drawn']})" for e in entries)
        out.write(f"  từ {tier:<9} {listed}\n")
    ctx.manifest.update(
        {
            "scale": scale.name,
            "seed": seed_value,
            "database": connection.vendor,
            "rows": rows,
            "seconds": round(seconds, 3),
            "rows_per_second": round(rows / seconds) if seconds else 0,
            "steps": [
                {
                    "label": r.label,
                    "status": r.status,
                    "rows": r.rows,
                    "seconds": round(r.seconds, 3),
                    "rows_per_second": round(r.rows_per_second),
                }
                for r in results
            ],
            "vocabulary": tiers,
            "exercise": {"code": ctx.bench.code, "id": ctx.bench.pk} if ctx.bench else None,
            "small_exercise": (
                {"code": ctx.bench_small.code, "id": ctx.bench_small.pk}
                if ctx.bench_small
                else None
            ),
        }
    )
    return ctx.manifest
