"""The seed's exercise as data: DT-KVPT-2023, the 2023 district defence-area exercise of Lang Chánh.

What the seed report states (../shared/seed/, domain.md §6) is entered as such: 7 subcommittees,
the heads of the BCĐ and BTC and their positions, the preparation areas all achieved, every work it
names, the summary conference on 31/8/2023, the leadership mechanism. Everything the report does not
give (dates other than the conference, quantities beyond "hơn 2 km", money, task lists, document
numbers) is plausible and carries `illustrative=True`, which becomes the record's `is_illustrative`
field so that screens and reports can say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kvpt.core.models import Classification

EXERCISE_CODE = "DT-KVPT-2023"

D = dt.date
SECRET = Classification.CONFIDENTIAL  # "Mật": command-post and bunker locations, plans


class ExerciseFacts:
    """The exercise's own fields (a namespace of constants)."""

    code: str = EXERCISE_CODE
    name: str = "Diễn tập khu vực phòng thủ huyện Lang Chánh năm 2023"
    code_name: str = "LC-23"
    scale: str = "1 bên 2 cấp"
    organisation: str = "388-UBND"
    directing_organisation: str = "38-BCD-DT"
    start_date: D = D(2023, 8, 22)
    end_date: D = D(2023, 8, 24)
    leadership_mechanism: str = (
        "Đảng lãnh đạo, chính quyền điều hành, các ban, ngành, đoàn thể làm tham mưu, quân sự, "
        "công an làm nòng cốt khi có tình huống. Ban CHQS huyện là cơ quan tham mưu trực tiếp "
        "cho Ban Chỉ đạo diễn tập."
    )
    purposes: tuple[str, ...] = (
        "Nâng cao năng lực lãnh đạo, chỉ đạo, điều hành của cấp ủy, chính quyền huyện trong xây "
        "dựng và hoạt động khu vực phòng thủ.",
        "Nâng cao năng lực tham mưu, hiệp đồng tác chiến của cơ quan quân sự, công an và các ban, "
        "ngành, đoàn thể trong xử lý các tình huống quốc phòng, an ninh.",
        "Kiểm nghiệm hệ thống văn kiện, kế hoạch tác chiến phòng thủ của huyện sát với địa bàn "
        "miền núi biên giới.",
    )
    requirements: tuple[str, ...] = (
        "Quán triệt sâu sắc nhiệm vụ, xác định rõ quyết tâm, nội dung sát với tình hình thực tiễn "
        "địa bàn.",
        "Bảo đảm an toàn tuyệt đối về người, vũ khí trang bị.",
        "Tiết kiệm, hiệu quả, đúng quy định về quản lý kinh phí.",
    )


@dataclass(frozen=True)
class PhaseRow:
    order: int
    name: str
    contents: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2023, 8, day, hour, 0)


PHASES = [
    PhaseRow(
        1,
        "Chuyển địa phương vào các trạng thái quốc phòng, chuyển lực lượng vũ trang vào các trạng "
        "thái sẵn sàng chiến đấu",
        (
            "Lãnh đạo chuyển địa phương vào tình trạng khẩn cấp về quốc phòng",
            "Chuyển lực lượng vũ trang vào các trạng thái sẵn sàng chiến đấu",
            "Thực hiện thiết quân luật, xử trí tình huống A2",
        ),
        _at(22, 7),
        _at(22, 17),
    ),
    PhaseRow(
        2,
        "Tổ chức chuẩn bị tác chiến phòng thủ",
        (
            "Hạ quyết tâm tác chiến phòng thủ huyện",
            "Tổ chức hiệp đồng tác chiến",
            "Bảo đảm hậu cần, kỹ thuật cho tác chiến",
        ),
        _at(23, 7),
        _at(23, 17),
    ),
    PhaseRow(
        3,
        "Thực hành tác chiến phòng thủ",
        (
            "Đánh địch xâm nhập biên giới (thực binh)",
            "Xử trí các tình huống trong tác chiến phòng thủ",
        ),
        _at(24, 7),
        _at(24, 16),
    ),
]


@dataclass(frozen=True)
class MilestoneRow:
    kind: str
    title: str
    starts_on: D
    ends_on: D | None = None
    sequence: int | None = None
    location: str = ""
    illustrative: bool = True


MILESTONES = [
    MilestoneRow("directive", "Triển khai nhiệm vụ diễn tập", D(2023, 3, 15)),
    MilestoneRow("training", "Tập huấn cán bộ tham gia diễn tập", D(2023, 5, 16), D(2023, 5, 18)),
    MilestoneRow("inspection", "Kiểm tra của Ban Chỉ đạo diễn tập tỉnh", D(2023, 7, 12)),
    MilestoneRow("trial_run", "Diễn tập thử lần 1", D(2023, 7, 25), sequence=1),
    MilestoneRow("trial_run", "Diễn tập thử lần 2", D(2023, 8, 8), sequence=2),
    MilestoneRow("rehearsal", "Tổng duyệt", D(2023, 8, 17)),
    MilestoneRow("opening", "Khai mạc diễn tập", D(2023, 8, 22)),
    MilestoneRow("exercise_day", "Thực hành diễn tập", D(2023, 8, 22), D(2023, 8, 24)),
    MilestoneRow("closing", "Bế mạc diễn tập", D(2023, 8, 24)),
    # The one date the seed gives.
    MilestoneRow(
        "conference",
        "Hội nghị tổng kết, rút kinh nghiệm diễn tập khu vực phòng thủ huyện năm 2023",
        D(2023, 8, 31),
        location="Hội trường Huyện ủy Lang Chánh",
        illustrative=False,
    ),
]


@dataclass(frozen=True)
class MemberRow:
    person: str
    role: str
    position: str
    exercise_role: str = ""


@dataclass(frozen=True)
class CommitteeRow:
    code: str
    kind: str
    name: str
    members: tuple[MemberRow, ...] = ()
    duties: str = ""


# The heads and their positions are the seed's; the other seats are illustrative.
COMMITTEES = [
    CommitteeRow(
        "BCD",
        "steering",
        "Ban Chỉ đạo diễn tập khu vực phòng thủ huyện",
        (
            MemberRow(
                "CB-388-0001",
                "head",
                "Bí thư Huyện ủy, Chủ tịch HĐND huyện",
                "Bí thư Huyện ủy",
            ),
            MemberRow(
                "CB-388-0002",
                "deputy",
                "Phó Bí thư Huyện ủy, Chủ tịch UBND huyện",
                "Chủ tịch UBND huyện",
            ),
            MemberRow(
                "CB-388-0003",
                "standing_deputy",
                "Chỉ huy trưởng Ban CHQS huyện",
                "Chỉ huy trưởng Ban CHQS huyện",
            ),
            MemberRow("CB-388-0005", "member", "Trưởng Công an huyện", "Trưởng Công an huyện"),
        ),
    ),
    CommitteeRow(
        "BTC",
        "organising",
        "Ban Tổ chức diễn tập khu vực phòng thủ huyện",
        (
            MemberRow("CB-388-0002", "head", "Phó Bí thư Huyện ủy, Chủ tịch UBND huyện"),
            MemberRow("CB-388-0003", "standing_deputy", "Chỉ huy trưởng Ban CHQS huyện"),
            MemberRow(
                "CB-388-0004",
                "member",
                "Phó Chỉ huy trưởng - Tham mưu trưởng Ban CHQS huyện",
            ),
        ),
    ),
    CommitteeRow(
        "BDD",
        "directing",
        "Ban Đạo diễn",
        (
            MemberRow("CB-388-0003", "head", "Chỉ huy trưởng Ban CHQS huyện", "Tổng đạo diễn"),
            MemberRow(
                "CB-388-0004",
                "member",
                "Phó Chỉ huy trưởng - Tham mưu trưởng Ban CHQS huyện",
                "Đạo diễn",
            ),
        ),
    ),
    CommitteeRow(
        "TB-VANKIEN",
        "subcommittee",
        "Tiểu ban Văn kiện",
        (MemberRow("CB-388-0004", "head", "Phó Chỉ huy trưởng - Tham mưu trưởng Ban CHQS huyện"),),
        "Xây dựng, hoàn chỉnh và quản lý hệ thống văn kiện diễn tập.",
    ),
    CommitteeRow(
        "TB-CONGTRINH",
        "subcommittee",
        "Tiểu ban Công trình",
        (MemberRow("CB-388-0003", "head", "Chỉ huy trưởng Ban CHQS huyện"),),
        "Xây dựng mới, cải tạo công trình sở chỉ huy, hầm, sa bàn, đường cơ động.",
    ),
    CommitteeRow(
        "TB-THUCBINH",
        "subcommittee",
        "Tiểu ban Thực binh",
        (
            MemberRow("CB-388-0004", "head", "Phó Chỉ huy trưởng - Tham mưu trưởng Ban CHQS huyện"),
            MemberRow("CB-388-0006", "member", "Đại đội trưởng Đại đội 1 bộ binh dự bị động viên"),
            MemberRow("CB-XA-TRI-NANG-0001", "member", "Chỉ huy trưởng Ban CHQS xã Trí Nang"),
        ),
        "Huấn luyện, luyện tập và tổ chức thực binh.",
    ),
    CommitteeRow(
        "TB-HCKT",
        "subcommittee",
        "Tiểu ban Hậu cần - Kỹ thuật",
        (MemberRow("CB-388-0003", "head", "Chỉ huy trưởng Ban CHQS huyện"),),
    ),
    CommitteeRow(
        "TB-TAICHINH",
        "subcommittee",
        "Tiểu ban Tài chính",
        (MemberRow("CB-388-0007", "head", "Trưởng phòng Tài chính - Kế hoạch huyện"),),
        "Lập dự toán, cấp phát, thanh quyết toán kinh phí diễn tập.",
    ),
    CommitteeRow(
        "TB-TUYENTRUYEN",
        "subcommittee",
        "Tiểu ban Tuyên truyền",
        (
            MemberRow("CB-388-0009", "head", "Chủ tịch Ủy ban MTTQ Việt Nam huyện"),
            MemberRow(
                "CB-388-0008",
                "member",
                "Phóng viên Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch",
            ),
        ),
    ),
    CommitteeRow(
        "TB-BVAN",
        "subcommittee",
        "Tiểu ban Bảo vệ - An ninh",
        (MemberRow("CB-388-0005", "head", "Trưởng Công an huyện"),),
    ),
]


@dataclass(frozen=True)
class TaskRow:
    code: str
    title: str
    category: str
    subcommittee: str
    start: D
    due: D
    owner: str = "388-BCHQS"
    assignee: str | None = None
    depends_on: tuple[str, ...] = ()
    completed_on: D | None = None


# The seed: training, documents, drills, works and security "đều đạt kết quả". All done; the dates
# are illustrative.
TASKS = [
    TaskRow(
        "CV-01",
        "Tập huấn cán bộ các ban, ngành tham gia diễn tập",
        "training",
        "TB-VANKIEN",
        D(2023, 5, 2),
        D(2023, 5, 18),
        assignee="CB-388-0004",
    ),
    TaskRow(
        "CV-02",
        "Xây dựng hệ thống văn kiện diễn tập",
        "documents",
        "TB-VANKIEN",
        D(2023, 4, 1),
        D(2023, 6, 30),
        assignee="CB-388-0004",
        depends_on=("CV-01",),
    ),
    TaskRow(
        "CV-03",
        "Thông qua văn kiện với Ban Chỉ đạo diễn tập tỉnh",
        "documents",
        "TB-VANKIEN",
        D(2023, 7, 1),
        D(2023, 7, 12),
        depends_on=("CV-02",),
    ),
    TaskRow(
        "CV-04",
        "Xây dựng mới hầm họp, sa bàn Ban CHQS huyện, hầm Huyện ủy",
        "works",
        "TB-CONGTRINH",
        D(2023, 4, 15),
        D(2023, 7, 31),
        owner="388-UBND",
    ),
    TaskRow(
        "CV-05",
        "Cải tạo hầm họp UBND huyện, hầm Công an huyện, hầm BCĐ diễn tập tỉnh",
        "works",
        "TB-CONGTRINH",
        D(2023, 5, 1),
        D(2023, 7, 31),
        owner="388-UBND",
    ),
    TaskRow(
        "CV-06",
        "Nâng cấp đường cơ động, bê tông hóa đường vào sở chỉ huy diễn tập",
        "works",
        "TB-CONGTRINH",
        D(2023, 4, 15),
        D(2023, 8, 10),
        owner="388-UBND",
    ),
    TaskRow(
        "CV-07",
        "Huấn luyện Đại đội 1 bộ binh dự bị động viên",
        "drills",
        "TB-THUCBINH",
        D(2023, 6, 1),
        D(2023, 7, 20),
        assignee="CB-388-0006",
    ),
    TaskRow(
        "CV-08",
        "Luyện tập thiết quân luật, xử trí tình huống A2",
        "drills",
        "TB-THUCBINH",
        D(2023, 6, 15),
        D(2023, 7, 24),
        owner="388-CA",
        assignee="CB-388-0005",
    ),
    TaskRow(
        "CV-09",
        "Diễn tập thử lần 1",
        "drills",
        "TB-THUCBINH",
        D(2023, 7, 25),
        D(2023, 7, 25),
        depends_on=("CV-03", "CV-07", "CV-08"),
    ),
    TaskRow(
        "CV-10",
        "Diễn tập thử lần 2",
        "drills",
        "TB-THUCBINH",
        D(2023, 8, 8),
        D(2023, 8, 8),
        depends_on=("CV-09",),
    ),
    TaskRow(
        "CV-11",
        "Tổng duyệt",
        "drills",
        "TB-THUCBINH",
        D(2023, 8, 17),
        D(2023, 8, 17),
        depends_on=("CV-10", "CV-04", "CV-05", "CV-06"),
    ),
    TaskRow(
        "CV-12",
        "Bảo đảm hậu cần, kỹ thuật cho lực lượng thực binh",
        "logistics",
        "TB-HCKT",
        D(2023, 7, 1),
        D(2023, 8, 20),
    ),
    TaskRow(
        "CV-13",
        "Lập dự toán kinh phí diễn tập",
        "finance",
        "TB-TAICHINH",
        D(2023, 3, 20),
        D(2023, 4, 15),
        owner="388-TCKH",
        assignee="CB-388-0007",
    ),
    TaskRow(
        "CV-14",
        "Cấp phát kinh phí theo tiến độ",
        "finance",
        "TB-TAICHINH",
        D(2023, 4, 15),
        D(2023, 8, 20),
        owner="388-TCKH",
        assignee="CB-388-0007",
        depends_on=("CV-13",),
    ),
    TaskRow(
        "CV-15",
        "Tuyên truyền về diễn tập khu vực phòng thủ trên sóng truyền thanh huyện",
        "propaganda",
        "TB-TUYENTRUYEN",
        D(2023, 7, 1),
        D(2023, 8, 31),
        owner="388-VHTT",
        assignee="CB-388-0008",
    ),
    TaskRow(
        "CV-16",
        "Bảo đảm an ninh, trật tự khu vực diễn tập",
        "security",
        "TB-BVAN",
        D(2023, 8, 1),
        D(2023, 8, 24),
        owner="388-CA",
        assignee="CB-388-0005",
    ),
]


@dataclass(frozen=True)
class DocumentRow:
    code: str
    kind: str
    title: str
    number: str
    classification: int = SECRET


# The catalogue's kinds the demo uses (migration preparation 0002 seeds the full catalogue).
DOCUMENT_KINDS = {
    "NQ-CTT": "Nghị quyết lãnh đạo chuyển trạng thái",
    "QT-TC": "Quyết tâm tác chiến",
    "KH-DT": "Kế hoạch diễn tập",
    "KH-A2": "Kế hoạch xử lý tình huống A2",
    "KH-ANTT": "Kế hoạch bảo đảm an ninh, trật tự",
    "KH-CDLL": "Kế hoạch cơ động lực lượng",
    "KH-HD": "Kế hoạch hiệp đồng",
}

DOCUMENTS = [
    DocumentRow(
        "VK-01",
        "NQ-CTT",
        "Nghị quyết lãnh đạo chuyển địa phương vào trạng thái quốc phòng",
        "01-NQ/HU",
    ),
    DocumentRow("VK-02", "QT-TC", "Quyết tâm tác chiến phòng thủ huyện", "02/QT-BCHQS"),
    DocumentRow(
        "VK-03",
        "KH-DT",
        "Kế hoạch tổ chức diễn tập khu vực phòng thủ huyện năm 2023",
        "45/KH-UBND",
        Classification.UNCLASSIFIED,
    ),
    DocumentRow("VK-04", "KH-A2", "Kế hoạch xử lý tình huống A2", "03/KH-CA"),
    DocumentRow("VK-05", "KH-ANTT", "Kế hoạch bảo đảm an ninh, trật tự", "04/KH-CA"),
    DocumentRow("VK-06", "KH-CDLL", "Kế hoạch cơ động lực lượng", "05/KH-BCHQS"),
    DocumentRow("VK-07", "KH-HD", "Kế hoạch hiệp đồng tác chiến", "06/KH-BCHQS"),
]


@dataclass(frozen=True)
class WorkRow:
    code: str
    name: str
    kind: str
    construction: str
    budget_line: str
    quantity: Decimal | None = None
    unit: str = "each"
    location: str = ""
    classification: int = Classification.UNCLASSIFIED
    illustrative: bool = False
    notes: str = ""


# Every work the seed names. Command-post and bunker locations are typical secrets: Mật.
WORKS = [
    WorkRow(
        "CT-01",
        "Công trình trận địa khu vực Sở chỉ huy diễn tập",
        "command_post",
        "new",
        "KP-01",
        location="Khu vực Sở chỉ huy diễn tập (tọa độ trong văn kiện)",
        classification=SECRET,
    ),
    WorkRow("CT-02", "Công trình các khu vực thực binh", "live_troop_area", "new", "KP-01"),
    WorkRow(
        "CT-03",
        "Hầm họp",
        "bunker",
        "new",
        "KP-01",
        Decimal(1),
        location="Khu vực Sở chỉ huy diễn tập",
        classification=SECRET,
    ),
    WorkRow("CT-04", "Sa bàn Ban CHQS huyện", "sand_table", "new", "KP-01", Decimal(1)),
    WorkRow(
        "CT-05",
        "Hầm Huyện ủy",
        "bunker",
        "new",
        "KP-01",
        Decimal(1),
        location="Khu vực Sở chỉ huy diễn tập",
        classification=SECRET,
    ),
    WorkRow(
        "CT-06",
        "Hầm họp UBND huyện",
        "bunker",
        "renovated",
        "KP-02",
        Decimal(1),
        classification=SECRET,
    ),
    WorkRow(
        "CT-07",
        "Hầm Công an huyện",
        "bunker",
        "renovated",
        "KP-02",
        Decimal(1),
        classification=SECRET,
    ),
    WorkRow(
        "CT-08",
        "Hầm Ban Chỉ đạo diễn tập tỉnh",
        "bunker",
        "renovated",
        "KP-02",
        Decimal(1),
        classification=SECRET,
    ),
    WorkRow(
        "CT-09",
        "Đường cơ động vào Sở chỉ huy diễn tập và các khu thực binh (bê tông hóa)",
        "road",
        "renovated",
        "KP-03",
        Decimal("2.30"),
        "km",
        illustrative=True,
        notes='Báo cáo ghi "đổ bê tông hơn 2 km đường giao thông"; 2,3 km là số minh họa.',
    ),
]


@dataclass(frozen=True)
class BudgetRow:
    code: str
    description: str
    category: str
    source: str
    subcommittee: str
    estimate: int
    actual: int
    additional: int = 0
    settled: int = 0
    settled_on: D | None = None
    site_clearance: bool = False


# All money is illustrative: the seed gives none.
BUDGET = [
    BudgetRow(
        "KP-01",
        "Xây dựng mới công trình sở chỉ huy, hầm, sa bàn",
        "works",
        "district",
        "TB-CONGTRINH",
        2_800_000_000,
        2_750_000_000,
        120_000_000,
        2_000_000_000,
        D(2023, 10, 20),
    ),
    BudgetRow(
        "KP-02",
        "Cải tạo hầm họp UBND, hầm Công an, hầm BCĐ tỉnh",
        "works",
        "district",
        "TB-CONGTRINH",
        900_000_000,
        880_000_000,
        0,
        880_000_000,
        D(2023, 10, 20),
    ),
    BudgetRow(
        "KP-03",
        "Bê tông hóa đường cơ động",
        "works",
        "province",
        "TB-CONGTRINH",
        1_500_000_000,
        1_480_000_000,
        95_000_000,
        1_000_000_000,
        D(2023, 11, 15),
    ),
    BudgetRow(
        "KP-04",
        "Xây dựng, in ấn văn kiện",
        "documents",
        "district",
        "TB-VANKIEN",
        150_000_000,
        142_500_000,
        0,
        142_500_000,
        D(2023, 9, 30),
    ),
    BudgetRow(
        "KP-05",
        "Tập huấn, diễn tập thử, tổng duyệt",
        "training",
        "district",
        "TB-THUCBINH",
        400_000_000,
        415_000_000,
        15_000_000,
        415_000_000,
        D(2023, 9, 30),
    ),
    BudgetRow(
        "KP-06",
        "Bồi dưỡng quân nhân dự bị, dân quân thực binh",
        "live_troops",
        "district",
        "TB-THUCBINH",
        650_000_000,
        640_000_000,
        0,
        640_000_000,
        D(2023, 9, 30),
    ),
    BudgetRow(
        "KP-07",
        "Bảo đảm hậu cần, kỹ thuật",
        "logistics",
        "defence",
        "TB-HCKT",
        300_000_000,
        310_000_000,
        10_000_000,
        0,
    ),
    BudgetRow(
        "KP-08",
        "Tuyên truyền về diễn tập",
        "propaganda",
        "district",
        "TB-TUYENTRUYEN",
        60_000_000,
        58_000_000,
        0,
        58_000_000,
        D(2023, 9, 30),
    ),
    BudgetRow(
        "KP-09",
        "Lễ tân, hội nghị tổng kết",
        "reception",
        "district",
        "TB-TAICHINH",
        80_000_000,
        76_000_000,
        0,
        0,
    ),
    BudgetRow(
        "KP-10",
        "Đền bù, giải phóng mặt bằng khu sở chỉ huy và đường cơ động",
        "site_clearance",
        "district",
        "TB-TAICHINH",
        350_000_000,
        0,
        0,
        0,
        site_clearance=True,
    ),
]

# Who receives the works after the exercise (the conference's directive: UBND hands the
# command-post works and bunkers over to the BCHQS). Not handed over in the demo: that is the
# follow-up action the summary conference assigned.
HANDOVER_TO = "388-BCHQS"


@dataclass(frozen=True)
class TransitionRow:
    to_status: str
    on: dt.datetime
    by: str  # demo username
    reason: str = ""


# The status history up to the summary conference (dates illustrative, the order is the workflow's).
TRANSITIONS = [
    TransitionRow("planned", dt.datetime(2023, 3, 15, 9, 0), "thammuu"),
    TransitionRow("preparing", dt.datetime(2023, 4, 1, 8, 0), "bcd.truongban"),
    TransitionRow("conducting", dt.datetime(2023, 8, 22, 7, 0), "bcd.truongban"),
    TransitionRow("reviewing", dt.datetime(2023, 8, 24, 17, 0), "bcd.truongban"),
]

# Small text files standing in for the real documents (which are not public): version 1 of each.
DOCUMENT_FILES = {
    "VK-03": (
        "ke-hoach-dien-tap-2023.txt",
        "Kế hoạch tổ chức diễn tập khu vực phòng thủ huyện Lang Chánh năm 2023.\n"
        "(Tệp minh họa của dữ liệu mẫu: nội dung văn kiện thật không được công bố.)\n",
    ),
    "VK-04": (
        "ke-hoach-xu-ly-tinh-huong-A2.txt",
        "Kế hoạch xử lý tình huống A2 - gây rối, bạo loạn (MẬT).\n"
        "(Tệp minh họa của dữ liệu mẫu.)\n",
    ),
}


class SuccessorExercise:
    """A 2026 commune exercise planned from the 2023 district one (two tiers since 7/2025).

    Its structure is copied from DT-KVPT-2023 (the product's "copy structure"); its progress is
    made up and fixed to the demo's reference day, so the readiness dashboard has something to show.
    """

    code: str = "DT-XA-LINHSON-2026"
    name: str = "Diễn tập chiến đấu phòng thủ xã Linh Sơn năm 2026"
    start: D = D(2026, 12, 15)
    # Tasks due on or before this day are done; a few after it are late or blocked.
    done_until: D = D(2026, 11, 20)
    blocked_task: str = "CV-12"


SUCCESSOR = SuccessorExercise()
