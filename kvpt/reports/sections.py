"""The summary report's sections (domain.md §5), each a function of the data returning blocks.

A block is a heading, a paragraph, a table or a figure; `kvpt.reports.docx_summary` lays them out
in the administrative format, and a custom template receives them as text. Later apps add their
part by reading `data.extras[...]` (see kvpt.reports.data.register_source); a part whose data does
not exist yet says so plainly ("Chưa có dữ liệu ...").

The report is an official Vietnamese document: its wording is Vietnamese whatever the reader's
interface language, so it is not passed through gettext.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kvpt.core.labels import display
from kvpt.exercises.models import CommitteeKind, CommitteeRole
from kvpt.preparation.formatting import vn_number, vn_percent
from kvpt.preparation.models import (
    DocumentStatus,
    TaskCategory,
    TaskStatus,
    WorkConstruction,
    WorkKind,
    WorkStatus,
)
from kvpt.reports.data import SummaryData, more_than

ILLUSTRATIVE_MARK = "(*)"
ILLUSTRATIVE_NOTE = (
    "(*) Số liệu minh họa: không lấy từ hồ sơ thật của cuộc diễn tập, cần thay bằng số liệu "
    "chính thức trước khi ban hành."
)


# --- blocks ----------------------------------------------------------------------------------


@dataclass
class Heading:
    level: int  # 1: "I. ...", 2: "1. ...", 3: "a) ..."
    text: str


@dataclass
class Para:
    text: str
    italic: bool = False
    bold: bool = False


@dataclass
class Bullet:
    text: str


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths_mm: list[float] | None = None
    total: list[str] | None = None
    numeric: tuple[int, ...] = ()  # columns aligned right


@dataclass
class Figure:
    png: bytes
    caption: str
    width_mm: float = 150


Block = Heading | Para | Bullet | Table | Figure


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    build: Callable[[SummaryData], list[Block]]


@dataclass
class Built:
    """A section built: its number, title and blocks (the template context uses these)."""

    number: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [block_text(block) for block in self.blocks if not isinstance(block, Figure)]


def block_text(block: Block) -> str:
    if isinstance(block, Table):
        lines = [" | ".join(block.headers)]
        lines += [" | ".join(row) for row in block.rows]
        if block.total:
            lines.append(" | ".join(block.total))
        return "\n".join(lines)
    if isinstance(block, Bullet):
        return f"- {block.text}"
    if isinstance(block, Figure):
        return block.caption
    return block.text


# --- formatting ------------------------------------------------------------------------------


def d(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%H giờ %M, %d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def money(amount: int) -> str:
    return f"{int(amount):,}".replace(",", ".")


def mark(record: Any) -> str:
    return f" {ILLUSTRATIVE_MARK}" if getattr(record, "is_illustrative", False) else ""


def person_name(member: Any) -> str:
    person = member.person
    rank = getattr(person, "rank", "")
    return f"{rank} {person.full_name}".strip()


def no_data(what: str, why: str = "") -> Para:
    text = f"Chưa có dữ liệu {what}."
    if why:
        text = f"{text} {why}"
    return Para(text, italic=True)


def quantity_text(quantity: Decimal | None, unit: str) -> str:
    if quantity is None:
        return ""
    return f"{vn_number(quantity)} {unit}"


# --- I. purpose, requirements, characteristics ------------------------------------------------


def section_purpose(data: SummaryData) -> list[Block]:
    exercise = data.exercise
    blocks: list[Block] = [Heading(2, "1. Mục đích")]
    blocks += [Bullet(p) for p in exercise.purposes] or [no_data("về mục đích")]
    blocks.append(Heading(2, "2. Yêu cầu"))
    blocks += [Bullet(r) for r in exercise.requirements] or [no_data("về yêu cầu")]
    blocks.append(Heading(2, "3. Đặc điểm"))
    facts = [
        f"Loại diễn tập: {exercise.get_kind_display()}"
        + (f", quy mô {exercise.scale}" if exercise.scale else "")
        + ".",
        f"Địa bàn: {exercise.area.level.name} {exercise.area.name}.",
    ]
    if exercise.code_name:
        facts.append(f"Mật danh: {exercise.code_name}.")
    if exercise.start_date:
        facts.append(
            f"Thời gian thực hành: từ ngày {d(exercise.start_date)} "
            f"đến ngày {d(exercise.end_date or exercise.start_date)}."
        )
    if exercise.directing_organisation:
        facts.append(f"Cơ quan chỉ đạo: {exercise.directing_organisation.name}.")
    if exercise.leadership_mechanism:
        facts.append(f"Cơ chế lãnh đạo, điều hành: {exercise.leadership_mechanism}")
    blocks += [Bullet(fact) for fact in facts]
    return blocks


# --- II. preparation -------------------------------------------------------------------------


def _leadership(data: SummaryData) -> list[Block]:
    blocks: list[Block] = [Heading(2, "1. Công tác lãnh đạo, chỉ đạo")]
    if not data.committees:
        return [*blocks, no_data("về các ban chỉ đạo, tổ chức và tiểu ban")]
    for kind, label in (
        (CommitteeKind.STEERING, "Ban Chỉ đạo"),
        (CommitteeKind.ORGANISING, "Ban Tổ chức"),
        (CommitteeKind.DIRECTING, "Ban Đạo diễn"),
    ):
        head = data.head_of(kind)
        if head is not None:
            position = f", {head.position}" if head.position else ""
            blocks.append(
                Para(f"{label} do đồng chí {person_name(head)}{position} làm Trưởng ban.")
            )
    subcommittees = data.subcommittees
    if subcommittees:
        names = ", ".join(c.name for c in subcommittees)
        blocks.append(
            Para(
                f"Thành lập {len(subcommittees)} tiểu ban giúp việc: {names}; các tiểu ban "
                "được phân công nhiệm vụ cụ thể, chủ động triển khai theo kế hoạch."
            )
        )
    rows = []
    for committee in data.committees:
        heads = [m for m in committee.seated if m.role == CommitteeRole.HEAD]
        rows.append(
            [
                committee.name,
                "; ".join(person_name(m) for m in heads),
                str(len(committee.seated)),
            ]
        )
    blocks.append(
        Table(["Ban, tiểu ban", "Trưởng ban", "Số thành viên"], rows, [80, 60, 25], numeric=(2,))
    )
    return blocks


def _documents(data: SummaryData) -> list[Block]:
    blocks: list[Block] = [Heading(2, "2. Công tác văn kiện")]
    if not data.documents:
        return [*blocks, no_data("về văn kiện")]
    approved = sum(
        1 for x in data.documents if x.status in (DocumentStatus.APPROVED, DocumentStatus.ARCHIVED)
    )
    blocks.append(
        Para(
            f"Xây dựng {len(data.documents)} văn kiện diễn tập, trong đó {approved} văn kiện đã "
            "được phê duyệt; văn kiện được quản lý, lưu trữ theo quy định."
        )
    )
    rows = [
        [
            x.number or "",
            f"{x.title}{mark(x)}",
            str(display(x, "status")),
            str(display(x, "classification")),
        ]
        for x in data.documents
    ]
    blocks.append(
        Table(["Số, ký hiệu", "Trích yếu", "Trạng thái", "Độ mật"], rows, [30, 85, 30, 20])
    )
    return blocks


def _training(data: SummaryData) -> list[Block]:
    blocks: list[Block] = [Heading(2, "3. Công tác tập huấn, huấn luyện, luyện tập, diễn tập thử")]
    milestones = data.milestones_of("training", "inspection", "trial_run", "rehearsal")
    for m in milestones:
        span = d(m.starts_on) + (f" - {d(m.ends_on)}" if m.ends_on else "")
        where = f", tại {m.location}" if m.location else ""
        blocks.append(Bullet(f"{m.title}: {span}{where}{mark(m)}."))
    drills = [
        t
        for t in data.tasks
        if t.category in (TaskCategory.TRAINING, TaskCategory.DRILLS)
        and t.status != TaskStatus.CANCELLED
    ]
    if drills:
        done = sum(1 for t in drills if t.status == TaskStatus.DONE)
        blocks.append(
            Para(
                f"Hoàn thành {done}/{len(drills)} công việc tập huấn, huấn luyện, luyện tập"
                f"{' ' + ILLUSTRATIVE_MARK if any(t.is_illustrative for t in drills) else ''}."
            )
        )
    if not milestones and not drills:
        blocks.append(no_data("về tập huấn, luyện tập, diễn tập thử"))
    return blocks


def works_totals(works: Iterable[Any]) -> list[str]:
    """One phrase per kind of work: "3 hầm (xây mới 1, tu sửa 2)", "hơn 2 km đường (2,3 km)"."""
    phrases = []
    by_kind: dict[str, list[Any]] = {}
    for work in works:
        by_kind.setdefault(work.kind, []).append(work)
    for kind in WorkKind:
        rows = by_kind.get(kind.value)
        if not rows:
            continue
        label = str(kind.label).lower()
        measured = [w for w in rows if w.quantity is not None and w.quantity_unit != "each"]
        if measured and len({w.quantity_unit for w in measured}) == 1:
            unit = display(measured[0], "quantity_unit")
            total = sum((w.quantity for w in measured), Decimal(0))
            flag = mark(next((w for w in measured if w.is_illustrative), None))
            phrases.append(f"{label}: {more_than(total)} {unit} ({vn_number(total)} {unit}{flag})")
            continue
        new = sum(1 for w in rows if w.construction == WorkConstruction.NEW)
        renovated = len(rows) - new
        phrases.append(f"{label}: {len(rows)} (xây mới {new}, tu sửa, nâng cấp {renovated})")
    return phrases


def _works(data: SummaryData) -> list[Block]:
    blocks: list[Block] = [Heading(2, "4. Công tác xây dựng công trình diễn tập")]
    if not data.works:
        return [*blocks, no_data("về công trình")]
    new = [w for w in data.works if w.construction == WorkConstruction.NEW]
    renovated = [w for w in data.works if w.construction == WorkConstruction.RENOVATED]
    if new:
        blocks.append(Para("Xây dựng mới: " + "; ".join(w.name + mark(w) for w in new) + "."))
    if renovated:
        blocks.append(
            Para("Cải tạo, nâng cấp: " + "; ".join(w.name + mark(w) for w in renovated) + ".")
        )
    blocks.append(
        Para("Khối lượng theo loại công trình: " + "; ".join(works_totals(data.works)) + ".")
    )
    rows = [
        [
            w.name,
            str(display(w, "construction")),
            quantity_text(w.quantity, display(w, "quantity_unit")) + mark(w),
            str(display(w, "status")),
            (w.handed_over_to.name if w.handed_over_to else ""),
        ]
        for w in data.works
    ]
    blocks.append(
        Table(
            ["Công trình", "Xây mới / tu sửa", "Khối lượng", "Trạng thái", "Đơn vị nhận bàn giao"],
            rows,
            [62, 25, 25, 25, 28],
            numeric=(2,),
        )
    )
    pending = [w for w in data.works if w.status != WorkStatus.HANDED_OVER]
    if pending:
        blocks.append(
            Para(
                f"Còn {len(pending)}/{len(data.works)} công trình chưa bàn giao "
                "cho cơ quan quản lý."
            )
        )
    return blocks


def _budget(data: SummaryData) -> list[Block]:
    from kvpt.reports import charts

    blocks: list[Block] = [Heading(2, "5. Công tác bảo đảm hậu cần, kỹ thuật và tài chính")]
    logistics = [t for t in data.tasks if t.category == TaskCategory.LOGISTICS]
    if logistics:
        done = sum(1 for t in logistics if t.status == TaskStatus.DONE)
        blocks.append(
            Para(f"Hoàn thành {done}/{len(logistics)} công việc bảo đảm hậu cần, kỹ thuật.")
        )
    if not data.budget:
        return [*blocks, no_data("về kinh phí")]
    estimate = sum(b.estimate for b in data.budget)
    actual = sum(b.actual for b in data.budget)
    additional = sum(b.additional for b in data.budget)
    settled = sum(b.settled_amount for b in data.budget)
    spent = actual + additional
    flag = f" {ILLUSTRATIVE_MARK}" if any(b.is_illustrative for b in data.budget) else ""
    blocks.append(
        Para(
            f"Tổng dự toán {money(estimate)} đồng; thực chi {money(actual)} đồng, phát sinh "
            f"{money(additional)} đồng; đã thanh quyết toán {money(settled)} đồng "
            f"({vn_percent(settled, spent)} số đã chi), còn {money(max(spent - settled, 0))} đồng "
            f"chưa quyết toán{flag}."
        )
    )
    clearance = [b for b in data.budget if b.is_site_clearance]
    if clearance:
        c_estimate = sum(b.estimate for b in clearance)
        c_paid = sum(b.actual + b.additional for b in clearance)
        blocks.append(
            Para(
                f"Kinh phí đền bù, giải phóng mặt bằng: dự toán {money(c_estimate)} đồng, đã chi "
                f"trả {money(c_paid)} đồng{flag}."
            )
        )
    rows = [
        [
            b.description + mark(b),
            money(b.estimate),
            money(b.actual),
            money(b.additional),
            money(b.settled_amount),
            d(b.settled_on),
        ]
        for b in data.budget
    ]
    blocks.append(
        Table(
            ["Nội dung chi", "Dự toán", "Thực chi", "Phát sinh", "Đã quyết toán", "Ngày QT"],
            rows,
            [53, 25, 25, 20, 25, 17],
            total=[
                "Tổng cộng",
                money(estimate),
                money(actual),
                money(additional),
                money(settled),
                "",
            ],
            numeric=(1, 2, 3, 4),
        )
    )
    blocks.append(Para("Đơn vị tính: đồng.", italic=True))
    figure = charts.budget_estimate_vs_settled(data.budget)
    blocks.append(Figure(charts.to_png(figure), "Biểu đồ: kinh phí dự toán, thực chi, quyết toán"))
    return blocks


def _security(data: SummaryData) -> list[Block]:
    blocks: list[Block] = [Heading(2, "6. Công tác bảo đảm an ninh, trật tự")]
    security = [t for t in data.tasks if t.category == TaskCategory.SECURITY]
    if not security:
        return [*blocks, no_data("về công tác bảo đảm an ninh")]
    for task in security:
        blocks.append(Bullet(f"{task.title}: {display(task, 'status').lower()}{mark(task)}."))
    return blocks


def _progress(data: SummaryData) -> list[Block]:
    from kvpt.reports import charts

    blocks: list[Block] = [Heading(2, "7. Tiến độ chuẩn bị theo tiểu ban")]
    readiness = data.readiness
    if readiness is None or not readiness.subcommittees:
        return [*blocks, no_data("về công việc chuẩn bị")]
    blocks.append(
        Para(
            f"Tổng số {readiness.tasks_total} công việc chuẩn bị, "
            f"hoàn thành {readiness.tasks_done} "
            f"({readiness.tasks_done_percent} %), quá hạn {readiness.tasks_overdue}."
        )
    )
    rows = [
        [s.name, str(s.total), str(s.done), f"{s.done_percent} %", str(s.overdue)]
        for s in readiness.subcommittees
    ]
    blocks.append(
        Table(
            ["Tiểu ban", "Công việc", "Hoàn thành", "Tỉ lệ", "Quá hạn"],
            rows,
            [75, 22, 25, 20, 22],
            numeric=(1, 2, 3, 4),
        )
    )
    figure = charts.readiness_by_subcommittee(readiness)
    blocks.append(Figure(charts.to_png(figure), "Biểu đồ: tiến độ chuẩn bị theo tiểu ban"))
    return blocks


def section_preparation(data: SummaryData) -> list[Block]:
    return [
        *_leadership(data),
        *_documents(data),
        *_training(data),
        *_works(data),
        *_budget(data),
        *_security(data),
        *_progress(data),
    ]


# --- III. results ----------------------------------------------------------------------------


def section_results(data: SummaryData) -> list[Block]:
    blocks: list[Block] = [Heading(2, "1. Kết quả thực hành theo giai đoạn, nội dung")]
    if not data.phases:
        blocks.append(no_data("về giai đoạn, nội dung diễn tập"))
    for phase in data.phases:
        when = ""
        start, end = (
            phase.actual_start or phase.planned_start,
            phase.actual_end or phase.planned_end,
        )
        if start:
            when = f" (từ {d(start)}" + (f" đến {d(end)})" if end else ")")
        blocks.append(Heading(3, f"Giai đoạn {phase.order}: {phase.name}{when}{mark(phase)}"))
        for content in phase.contents.all():
            blocks.append(Bullet(f"Nội dung {phase.order}.{content.order}: {content.name}."))
    scenario = data.extras.get("scenario")
    blocks.append(Heading(2, "2. Các tình huống đã xử trí"))
    if scenario and scenario.get("situations"):
        for situation in scenario["situations"]:
            lead = f", chủ trì: {situation.lead_agency.name}" if situation.lead_agency_id else ""
            kind = f" ({situation.kind.name})" if situation.kind_id else ""
            blocks.append(
                Bullet(
                    f"Tình huống {situation.code}{kind}: {situation.title}{lead}{mark(situation)}."
                )
            )
    else:
        blocks.append(no_data("về tình huống", "Phần này sẽ có khi nhập kịch bản, tình huống."))
    forces = data.extras.get("forces") or {}
    blocks += _mobilisation(forces.get("mobilisation"))
    blocks.append(Heading(2, "4. Công tác bảo đảm an toàn"))
    account = forces.get("accountability")
    if account is not None:
        safety = account.safety
        blocks.append(Para(f"{safety.label}."))
        blocks += [Bullet(reason) for reason in safety.reasons]
        total = account.total
        if total.issued:
            blocks.append(
                Para(
                    f"Vũ khí, trang bị: cấp phát {total.issued}, thu hồi {total.returned}, "
                    f"mất {total.lost}, hư hỏng {total.damaged}."
                )
            )
    else:
        blocks.append(
            no_data(
                "về sự cố an toàn và quản lý vũ khí, trang bị",
                "Báo cáo chưa kết luận về an toàn khi chưa có số liệu.",
            )
        )
    return blocks


def _mobilisation(mob: Any) -> list[Block]:
    """Forces and units mobilised: each unit counted once in the total (domain.md §4)."""
    from kvpt.reports import charts

    blocks: list[Block] = [Heading(2, "3. Lực lượng, phương tiện huy động")]
    if mob is None or not mob.units:
        blocks.append(
            no_data(
                "về lực lượng, phương tiện huy động",
                "Bảng quân số, phương tiện và tỉ lệ huy động sẽ có khi nhập phân bổ lực lượng.",
            )
        )
        return blocks
    flag = f" {ILLUSTRATIVE_MARK}" if mob.any_illustrative else ""
    for force in mob.forces:
        tally = force.tally
        if not tally.units:
            continue
        parts = []
        if tally.planned:
            parts.append(f"{tally.actual_of_planned}/{tally.planned} người, đạt {tally.rate} %")
        elif tally.actual:
            parts.append(f"{tally.actual} người")
        parts += tally.size_only
        if tally.vehicle_total:
            parts.append(f"{tally.vehicle_total} phương tiện ({tally.vehicles_text})")
        situations = ", ".join(force.force.situations)
        where = f" (tình huống {situations})" if situations else ""
        blocks.append(Bullet(f"{force.force.name}{where}: {'; '.join(parts)}."))
    rows = [
        [
            line.unit_name + mark(line.allocation),
            ", ".join(f.name for f in line.forces),
            line.text,
            ", ".join(f"{n} {kind}" for kind, n in sorted(line.vehicles.items())),
        ]
        for line in mob.units
    ]
    total = mob.total
    blocks.append(
        Table(
            ["Đơn vị", "Lực lượng", "Quân số (thực tế/kế hoạch - tỉ lệ)", "Phương tiện"],
            rows,
            [50, 50, 40, 25],
            total=[
                "Tổng cộng (mỗi đơn vị tính một lần)",
                "",
                f"{total.actual} người"
                + (f"; {', '.join(total.size_only)}" if total.size_only else ""),
                str(total.vehicle_total or ""),
            ],
        )
    )
    if total.planned:
        blocks.append(Para(f"Tỉ lệ huy động theo kế hoạch: {total.rate_text}{flag}."))
    figure = charts.mobilisation_by_unit(mob.units)
    blocks.append(Figure(charts.to_png(figure), "Biểu đồ: huy động lực lượng theo đơn vị"))
    return blocks


# --- IV-VI. assessment, lessons, follow-up -----------------------------------------------------


def _review(data: SummaryData) -> dict[str, list[Any]]:
    found = data.extras.get("review")
    return found if isinstance(found, dict) else {}


def section_assessment(data: SummaryData) -> list[Block]:
    review = _review(data)
    observations = review.get("observations") or []
    blocks: list[Block] = []
    for kind, title in (
        ("strength", "1. Ưu điểm"),
        ("shortcoming", "2. Tồn tại, hạn chế và nguyên nhân"),
    ):
        blocks.append(Heading(2, title))
        rows = [o for o in observations if o.kind == kind]
        if not rows:
            blocks.append(no_data("về " + title.split(". ", 1)[1].lower()))
        for o in rows:
            cause = (
                f" Nguyên nhân: {o.discussion}" if kind == "shortcoming" and o.discussion else ""
            )
            blocks.append(Bullet(f"{display(o, 'area')}: {o.observation}{cause}{mark(o)}"))
    blocks.append(Heading(2, "3. Xếp loại"))
    evaluation = data.extras.get("evaluation") or {}
    grades = evaluation.get("grades") or []
    for grade in grades:
        by = grade.decided_by_agency.name if grade.decided_by_agency_id else ""
        blocks.append(
            Para(
                f"Cuộc diễn tập được {by + ' ' if by else ''}đánh giá xếp loại: {grade}"
                f"{mark(grade)}."
            )
        )
        if grade.basis:
            blocks.append(Para(grade.basis))
    if not grades:
        blocks.append(no_data("về đánh giá, xếp loại của cấp trên"))
    return blocks


def section_lessons(data: SummaryData) -> list[Block]:
    observations = _review(data).get("observations") or []
    lessons = [
        o for o in observations if (o.conclusion or o.recommendation) and o.state != "rejected"
    ]
    if not lessons:
        return [no_data("về bài học kinh nghiệm")]
    blocks: list[Block] = []
    for o in lessons:
        text = o.conclusion or o.observation
        if o.recommendation:
            text = f"{text} Giải pháp: {o.recommendation}"
        blocks.append(Bullet(f"{text}{mark(o)}"))
    return blocks


def section_follow_up(data: SummaryData) -> list[Block]:
    review = _review(data)
    blocks: list[Block] = [Heading(2, "1. Chỉ đạo, kết luận tại hội nghị tổng kết")]
    directives = review.get("directives") or []
    if not directives:
        blocks.append(no_data("về chỉ đạo, kết luận"))
    for directive in directives:
        who = f" ({directive.given_by.full_name})" if directive.given_by_id else ""
        blocks.append(Bullet(f"{directive.text}{who}{mark(directive)}"))
    blocks.append(Heading(2, "2. Nhiệm vụ khắc phục, người chịu trách nhiệm, thời hạn"))
    actions = review.get("actions") or []
    if actions:
        rows = [
            [
                a.title + mark(a),
                a.owner.name if a.owner_id else "",
                a.responsible.full_name if a.responsible_id else "",
                d(a.due),
                str(display(a, "status")),
            ]
            for a in actions
        ]
        blocks.append(
            Table(
                ["Nội dung", "Đơn vị chủ trì", "Người chịu trách nhiệm", "Hạn", "Trạng thái"],
                rows,
                [55, 35, 35, 20, 20],
            )
        )
    else:
        blocks.append(no_data("về việc khắc phục sau diễn tập"))
    pending = [w for w in data.works if w.status != WorkStatus.HANDED_OVER]
    if pending:
        blocks.append(
            Bullet(
                f"Bàn giao {len(pending)} công trình diễn tập còn lại cho cơ quan quản lý: "
                + "; ".join(w.name for w in pending)
                + "."
            )
        )
    unsettled = [
        b
        for b in data.budget
        if b.settled_amount < b.actual + b.additional
        or (b.is_site_clearance and b.actual < b.estimate)
    ]
    if unsettled:
        blocks.append(
            Bullet(
                "Hoàn thành thanh quyết toán, chi trả kinh phí còn lại (kể cả kinh phí phát sinh, "
                "đền bù giải phóng mặt bằng): " + "; ".join(b.description for b in unsettled) + "."
            )
        )
    blocks.append(Heading(2, "3. Khen thưởng"))
    awards = (data.extras.get("evaluation") or {}).get("awards") or []
    for award in awards:
        issuer = f" của {award.issuer_name}" if award.issuer_name else ""
        reason = f": {award.reason.rstrip('.')}" if award.reason else ""
        blocks.append(Bullet(f"{award}{issuer}{reason}{mark(award)}."))
    if not awards:
        blocks.append(no_data("về khen thưởng"))
    return blocks


SECTIONS: list[Section] = [
    Section("I", "MỤC ĐÍCH, YÊU CẦU, ĐẶC ĐIỂM", section_purpose),
    Section("II", "CÔNG TÁC CHUẨN BỊ", section_preparation),
    Section("III", "KẾT QUẢ THỰC HÀNH DIỄN TẬP", section_results),
    Section("IV", "ĐÁNH GIÁ CHUNG", section_assessment),
    Section("V", "BÀI HỌC KINH NGHIỆM", section_lessons),
    Section("VI", "NHIỆM VỤ TIẾP THEO, ĐỀ XUẤT, KIẾN NGHỊ VÀ KHEN THƯỞNG", section_follow_up),
]


def build_sections(
    data: SummaryData, progress: Callable[[int, str], None] | None = None
) -> list[Built]:
    built = []
    for index, section in enumerate(SECTIONS):
        if progress:
            progress(45 + 35 * index // len(SECTIONS), f"Viết phần {section.number}")
        built.append(Built(section.number, section.title, section.build(data)))
    return built
