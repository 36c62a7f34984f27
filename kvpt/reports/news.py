"""The news summary: a short public article about the exercise and its summary conference.

Built like the seed (a district TV station's account) from releasable fields of unclassified
records only (kvpt.reports.releasable): a classified record is left out entirely, a field that is
not declared releasable cannot be read. A classified exercise gets no article at all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kvpt.exercises.models import CommitteeKind, CommitteeRole
from kvpt.preparation.models import TaskStatus
from kvpt.reports.data import SummaryData, more_than
from kvpt.reports.releasable import Public, public


class NotPublishableError(ValueError):
    """The exercise itself is classified: nothing about it is public."""


def _date(on: dt.date) -> str:
    return f"ngày {on.day} tháng {on.month} năm {on.year}"


def _lower_first(text: str) -> str:
    """ "Tổ chức ..." -> "tổ chức ..."; an acronym ("UBND huyện") stays as it is."""
    if not text or (len(text) > 1 and text[1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def _heads(data: SummaryData) -> list[tuple[str, str, str]]:
    """(name, position, committee) of the heads of the BCĐ and BTC, when public."""
    found = []
    for kind in (CommitteeKind.STEERING, CommitteeKind.ORGANISING):
        for committee in data.committees_of(kind):
            pc = public(committee)
            if pc is None:
                continue
            for member in committee.seated:
                pm = public(member)
                if pm is None or pm.role != CommitteeRole.HEAD:
                    continue
                person = pm.related("person")
                if person is None:
                    continue
                found.append((person.full_name, pm.position, pc.name))
                break
            break
    return found


def _works_sentence(data: SummaryData) -> str:
    works = [w for w in (public(x) for x in data.works) if w is not None]
    if not works:
        return ""
    new = [w.name for w in works if w.construction == "new"]
    renovated = [w.name for w in works if w.construction == "renovated"]
    parts = []
    if new:
        parts.append("xây dựng mới " + ", ".join(_lower_first(n) for n in new))
    if renovated:
        parts.append("cải tạo, nâng cấp " + ", ".join(_lower_first(n) for n in renovated))
    roads = [
        w for w in works if w.kind == "road" and w.quantity is not None and w.quantity_unit == "km"
    ]
    if roads:
        total = sum((Decimal(w.quantity) for w in roads), Decimal(0))
        parts.append(f"đổ bê tông {more_than(total)} km đường giao thông")
    return "Công tác xây dựng công trình diễn tập đạt kết quả: " + "; ".join(parts) + "."


def _preparation_sentence(data: SummaryData) -> str:
    tasks = [t for t in (public(x) for x in data.tasks) if t is not None]
    done_categories: list[str] = []
    for task in tasks:
        label = task.display("category").lower()
        if task.status == TaskStatus.DONE and label not in done_categories:
            done_categories.append(label)
    subcommittees = [c for c in data.subcommittees if public(c) is not None]
    sentence = ""
    if subcommittees:
        sentence = f"Cùng với {len(subcommittees)} tiểu ban giúp việc, "
    if done_categories:
        sentence += (
            "các nội dung của diễn tập từ công tác "
            + ", ".join(done_categories)
            + " đều hoàn thành."
        )
    return sentence[:1].upper() + sentence[1:] if sentence else ""


def _conference(data: SummaryData) -> tuple[Public | None, dt.date | None]:
    review = data.extras.get("review") or {}
    for conference in review.get("conferences") or []:
        pc = public(conference)
        if pc is not None:
            return pc, pc.held_on
    for milestone in data.milestones_of("conference"):
        pm = public(milestone)
        if pm is not None:
            return None, pm.starts_on
    return None, None


def _directives(data: SummaryData) -> list[tuple[str, str]]:
    review = data.extras.get("review") or {}
    found = []
    for directive in review.get("directives") or []:
        pd = public(directive)
        if pd is None:
            continue
        giver = pd.related("given_by") if directive.given_by_id else None
        found.append((giver.full_name if giver else "", pd.text))
    return found


def build_news(data: SummaryData) -> str:
    """The article as plain text: a title line, then paragraphs separated by blank lines."""
    exercise = public(data.exercise)
    if exercise is None:
        raise NotPublishableError("Cuộc diễn tập có độ mật: không tạo tin bài công khai.")
    area = exercise.related("area")
    level = area.related("level") if area else None
    place = f"{_lower_first(level.name)} {area.name}" if area and level else ""
    name = _lower_first(exercise.name)
    conference, held_on = _conference(data)
    title = conference.title if conference else f"Hội nghị tổng kết, rút kinh nghiệm {name}"
    paragraphs = [title]
    heads = _heads(data)
    opening = (
        (f"{_date(held_on).capitalize()}, " if held_on else "")
        + f"Ban Chỉ đạo diễn tập khu vực phòng thủ {place} tổ chức hội nghị tổng kết, "
        + f"rút kinh nghiệm {name}."
    )
    if heads:
        chaired = "; ".join(
            f"đồng chí {person}{', ' + position if position else ''}, Trưởng {committee}"
            for person, position, committee in heads
        )
        opening += f" Dự và chủ trì hội nghị có {chaired}."
    paragraphs.append(opening[:1].upper() + opening[1:])
    phases = [p for p in (public(x) for x in data.phases) if p is not None]
    if phases:
        paragraphs.append(
            f"Cuộc diễn tập được tổ chức theo {len(phases)} giai đoạn: "
            + "; ".join(_lower_first(p.name) for p in phases)
            + "."
        )
    for sentence in (_preparation_sentence(data), _works_sentence(data)):
        if sentence:
            paragraphs.append(sentence)
    directives = _directives(data)
    if directives:
        givers = sorted({g for g, _t in directives if g})
        lead = (
            f"Phát biểu chỉ đạo tại hội nghị, đồng chí {', '.join(givers)} nhấn mạnh"
            if givers
            else "Hội nghị thống nhất"
        )
        paragraphs.append(
            lead
            + " một số nhiệm vụ trong thời gian tới: "
            + "; ".join(_lower_first(t.rstrip(".")) for _g, t in directives)
            + "."
        )
    paragraphs.append(
        "Thông qua diễn tập khu vực phòng thủ đã góp phần nâng cao nhận thức, năng lực tham mưu, "
        "hiệp đồng của cơ quan, đơn vị và các ban, ngành, đoàn thể trong xử lý tình huống, tăng "
        "cường củng cố quốc phòng - an ninh gắn với phát triển kinh tế - xã hội tại địa phương."
    )
    return "\n\n".join(paragraphs) + "\n"
