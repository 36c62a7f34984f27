"""The demo world as plain data: the seed's district of 2023 and its successors after 1/7/2025.

Everything is keyed by a stable code (users by username) so `load_demo()` can match rows on a second
run and on another installation. Official codes (tỉnh 38, huyện 388 and 386) are the General
Statistics Office's; the communes' codes carry a "DEMO-" prefix because they are illustrative only.

The people are illustrative: their names are made up, chosen to look ordinary for the region
(Kinh and Thái family names). The seed report names the real office holders; a demo has no
business putting real people's names into every installation, so it keeps their positions and
not their names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kvpt.accounts.models import Role
from kvpt.core.models import Classification
from kvpt.organisations.models import AgencyKind, UnitKind

# The one password every demo login shares (documented in README and printed by `kvpt demo`).
DEMO_PASSWORD = "kvpt-demo-2023"  # noqa: S105 - a published demo password, not a secret

# 1/7/2025: two-tier local government (no more districts); 30/6/2025 is the districts' last day.
DISTRICTS_END = dt.date(2025, 6, 30)
TWO_TIER_START = dt.date(2025, 7, 1)
# District police were dissolved earlier, on 1/3/2025, when the police moved to two tiers.
DISTRICT_POLICE_END = dt.date(2025, 2, 28)

# Area codes other modules (the exercise stage, tests) refer to.
THANH_HOA = "38"
LANG_CHANH = "388"
BA_THUOC = "386"
TRI_NANG = "DEMO-XA-TRI-NANG"
TAM_VAN = "DEMO-XA-TAM-VAN"
LINH_SON = "DEMO-XA2025-LINH-SON"
VAN_PHU = "DEMO-XA2025-VAN-PHU"
DONG_LUONG = "DEMO-XA2025-DONG-LUONG"
GIAO_AN = "DEMO-XA2025-GIAO-AN"

_DEMO_CODE = (
    "Mã bắt đầu bằng DEMO- là mã minh họa của dữ liệu mẫu, không phải mã hành chính chính thức."
)
_NEW_COMMUNE = (
    "Xã thành lập từ 01/07/2025 (chính quyền địa phương hai cấp), trực thuộc tỉnh. Tên theo phương "
    "án sắp xếp đơn vị hành chính cấp xã của tỉnh; cần đối chiếu nghị quyết chính thức. "
    + _DEMO_CODE
)


@dataclass(frozen=True)
class LevelRow:
    code: str
    name: str
    rank: int


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    level: str
    parent: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class SuccessionRow:
    predecessor: str
    successor: str
    effective_on: dt.date
    note: str = ""


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    short_name: str
    kind: str
    area: str
    parent: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    covered_areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    kind: str
    agency: str
    size_label: str = ""
    strength: int | None = None
    parent: str | None = None


@dataclass(frozen=True)
class PositionRow:
    agency: str
    title: str
    start: dt.date | None = None


@dataclass(frozen=True)
class PersonRow:
    code: str
    full_name: str
    area: str
    rank: str = ""
    positions: tuple[PositionRow, ...] = ()


@dataclass(frozen=True)
class UserRow:
    username: str
    description: str
    role: str
    area: str
    clearance: int = Classification.UNCLASSIFIED
    person: str | None = None
    is_superuser: bool = False


LEVELS = [
    LevelRow("tinh", "Tỉnh", 1),
    LevelRow("huyen", "Huyện", 2),
    LevelRow("xa", "Xã", 3),
]

AREAS = [
    AreaRow(
        THANH_HOA,
        "Thanh Hóa",
        "tinh",
        note=(
            "Từ 01/07/2025 cả nước sắp xếp từ 63 còn 34 tỉnh, thành phố; tỉnh Thanh Hóa giữ "
            "nguyên, không hợp nhất với tỉnh khác."
        ),
    ),
    AreaRow(
        LANG_CHANH,
        "Lang Chánh",
        "huyen",
        parent=THANH_HOA,
        valid_to=DISTRICTS_END,
        note=(
            "Huyện miền núi biên giới (giáp Lào). Nơi tổ chức diễn tập khu vực phòng thủ huyện năm "
            "2023. Không còn cấp huyện từ 01/07/2025; địa bàn chuyển cho các xã mới."
        ),
    ),
    AreaRow(
        BA_THUOC,
        "Bá Thước",
        "huyen",
        parent=THANH_HOA,
        valid_to=DISTRICTS_END,
        note="Huyện lân cận (một nhánh khác của cây địa bàn). Không còn cấp huyện từ 01/07/2025.",
    ),
    AreaRow(
        TRI_NANG,
        "Trí Nang",
        "xa",
        parent=LANG_CHANH,
        valid_to=DISTRICTS_END,
        note="Xã của huyện Lang Chánh trước 01/07/2025. " + _DEMO_CODE,
    ),
    AreaRow(
        TAM_VAN,
        "Tam Văn",
        "xa",
        parent=LANG_CHANH,
        valid_to=DISTRICTS_END,
        note="Xã của huyện Lang Chánh trước 01/07/2025. " + _DEMO_CODE,
    ),
    AreaRow(LINH_SON, "Linh Sơn", "xa", THANH_HOA, TWO_TIER_START, note=_NEW_COMMUNE),
    AreaRow(VAN_PHU, "Văn Phú", "xa", THANH_HOA, TWO_TIER_START, note=_NEW_COMMUNE),
    AreaRow(DONG_LUONG, "Đồng Lương", "xa", THANH_HOA, TWO_TIER_START, note=_NEW_COMMUNE),
    AreaRow(GIAO_AN, "Giao An", "xa", THANH_HOA, TWO_TIER_START, note=_NEW_COMMUNE),
]

_DISTRICT_TO_COMMUNE = "Địa bàn huyện Lang Chánh chuyển cho xã mới (một phần)."
SUCCESSIONS = [
    SuccessionRow(LANG_CHANH, LINH_SON, TWO_TIER_START, _DISTRICT_TO_COMMUNE),
    SuccessionRow(LANG_CHANH, VAN_PHU, TWO_TIER_START, _DISTRICT_TO_COMMUNE),
    SuccessionRow(LANG_CHANH, DONG_LUONG, TWO_TIER_START, _DISTRICT_TO_COMMUNE),
    SuccessionRow(LANG_CHANH, GIAO_AN, TWO_TIER_START, _DISTRICT_TO_COMMUNE),
    SuccessionRow(TRI_NANG, LINH_SON, TWO_TIER_START, "Xã Trí Nang (cũ) nhập vào xã Linh Sơn."),
    SuccessionRow(TAM_VAN, VAN_PHU, TWO_TIER_START, "Xã Tam Văn (cũ) nhập vào xã Văn Phú."),
]

K = AgencyKind
AGENCIES = [
    # Province: the level that directs and grades the district's exercise.
    AgencyRow("38-TU", "Tỉnh ủy Thanh Hóa", "Tỉnh ủy", K.PARTY_COMMITTEE, THANH_HOA),
    AgencyRow(
        "38-UBND", "Ủy ban nhân dân tỉnh Thanh Hóa", "UBND tỉnh", K.PEOPLES_COMMITTEE, THANH_HOA
    ),
    AgencyRow(
        "38-BCHQS",
        "Bộ Chỉ huy Quân sự tỉnh Thanh Hóa",
        "Bộ CHQS tỉnh",
        K.MILITARY_COMMAND,
        THANH_HOA,
    ),
    AgencyRow(
        "38-BCD-DT",
        "Ban Chỉ đạo diễn tập khu vực phòng thủ tỉnh Thanh Hóa",
        "BCĐ diễn tập tỉnh",
        K.STEERING_COMMITTEE,
        THANH_HOA,
    ),
    # Since 1/7/2025: a regional defence command under the province's military command.
    AgencyRow(
        "38-PTKV-DEMO",
        "Ban Chỉ huy Phòng thủ khu vực Lang Chánh (minh họa)",
        "BCH PTKV",
        K.REGIONAL_DEFENCE,
        THANH_HOA,
        parent="38-BCHQS",
        valid_from=TWO_TIER_START,
        covered_areas=(LINH_SON, VAN_PHU, DONG_LUONG, GIAO_AN),
    ),
    # District Lang Chánh (2023): "cấp ủy lãnh đạo, chính quyền điều hành, ... quân sự, công an
    # làm nòng cốt".
    AgencyRow(
        "388-HU",
        "Huyện ủy Lang Chánh",
        "Huyện ủy",
        K.PARTY_COMMITTEE,
        LANG_CHANH,
        "38-TU",
        valid_to=DISTRICTS_END,
    ),
    AgencyRow(
        "388-HDND",
        "Hội đồng nhân dân huyện Lang Chánh",
        "HĐND huyện",
        K.PEOPLES_COUNCIL,
        LANG_CHANH,
        valid_to=DISTRICTS_END,
    ),
    AgencyRow(
        "388-UBND",
        "Ủy ban nhân dân huyện Lang Chánh",
        "UBND huyện",
        K.PEOPLES_COMMITTEE,
        LANG_CHANH,
        "38-UBND",
        valid_to=DISTRICTS_END,
    ),
    AgencyRow(
        "388-BCHQS",
        "Ban Chỉ huy Quân sự huyện Lang Chánh",
        "BCHQS huyện",
        K.MILITARY_COMMAND,
        LANG_CHANH,
        "38-BCHQS",
        valid_to=DISTRICTS_END,
    ),
    AgencyRow(
        "388-CA",
        "Công an huyện Lang Chánh",
        "Công an huyện",
        K.POLICE,
        LANG_CHANH,
        valid_to=DISTRICT_POLICE_END,
    ),
    AgencyRow(
        "388-TCKH",
        "Phòng Tài chính - Kế hoạch huyện Lang Chánh",
        "Phòng TC-KH",
        K.DEPARTMENT,
        LANG_CHANH,
        "388-UBND",
        valid_to=DISTRICTS_END,
    ),
    AgencyRow(
        "388-YTE",
        "Trung tâm Y tế huyện Lang Chánh",
        "TTYT huyện",
        K.DEPARTMENT,
        LANG_CHANH,
        "388-UBND",
        valid_to=DISTRICTS_END,
    ),
    AgencyRow(
        "388-VHTT",
        "Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch huyện Lang Chánh",
        "TT VH-TT-TT&DL",
        K.DEPARTMENT,
        LANG_CHANH,
        "388-UBND",
        valid_to=DISTRICTS_END,
    ),
    AgencyRow(
        "388-MTTQ",
        "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Lang Chánh",
        "UBMTTQ huyện",
        K.MASS_ORGANISATION,
        LANG_CHANH,
        valid_to=DISTRICTS_END,
    ),
    AgencyRow(
        "388-HDTN",
        "Huyện đoàn Lang Chánh",
        "Huyện đoàn",
        K.MASS_ORGANISATION,
        LANG_CHANH,
        valid_to=DISTRICTS_END,
    ),
    # Communes of the district.
    AgencyRow(
        "XA-TRI-NANG-BCHQS",
        "Ban Chỉ huy Quân sự xã Trí Nang",
        "BCHQS xã",
        K.MILITARY_COMMAND,
        TRI_NANG,
        "388-BCHQS",
        valid_to=DISTRICTS_END,
    ),
    AgencyRow(
        "XA-TAM-VAN-BCHQS",
        "Ban Chỉ huy Quân sự xã Tam Văn",
        "BCHQS xã",
        K.MILITARY_COMMAND,
        TAM_VAN,
        "388-BCHQS",
        valid_to=DISTRICTS_END,
    ),
    # The sibling district: a branch Lang Chánh's users must never see.
    AgencyRow(
        "386-UBND",
        "Ủy ban nhân dân huyện Bá Thước",
        "UBND huyện",
        K.PEOPLES_COMMITTEE,
        BA_THUOC,
        "38-UBND",
        valid_to=DISTRICTS_END,
    ),
    AgencyRow(
        "386-BCHQS",
        "Ban Chỉ huy Quân sự huyện Bá Thước",
        "BCHQS huyện",
        K.MILITARY_COMMAND,
        BA_THUOC,
        "38-BCHQS",
        valid_to=DISTRICTS_END,
    ),
]

U = UnitKind
UNITS = [
    UnitRow(
        "388-DBDV-C1",
        "Đại đội 1 bộ binh dự bị động viên huyện Lang Chánh",
        U.RESERVE,
        "388-BCHQS",
        size_label="1 đại đội",
        strength=110,
    ),
    UnitRow(
        "388-TDBB",
        "Tiểu đoàn bộ binh huyện Lang Chánh",
        U.INFANTRY,
        "388-BCHQS",
        size_label="1 tiểu đoàn",
    ),
    # The seed counts "a platoon of the district infantry battalion": its strength is not known.
    UnitRow(
        "388-TDBB-B1",
        "Trung đội 1, Tiểu đoàn bộ binh huyện Lang Chánh",
        U.INFANTRY,
        "388-BCHQS",
        size_label="1 trung đội",
        parent="388-TDBB",
    ),
    UnitRow(
        "XA-TRI-NANG-DQCD",
        "Trung đội dân quân cơ động xã Trí Nang",
        U.MOBILE_MILITIA,
        "XA-TRI-NANG-BCHQS",
        size_label="1 trung đội",
    ),
    UnitRow(
        "XA-TAM-VAN-DQCD",
        "Trung đội dân quân cơ động xã Tam Văn",
        U.MOBILE_MILITIA,
        "XA-TAM-VAN-BCHQS",
        size_label="1 trung đội",
    ),
    UnitRow(
        "388-CA-CD",
        "Lực lượng cơ động Công an huyện Lang Chánh",
        U.POLICE,
        "388-CA",
        size_label="1 trung đội",
    ),
    UnitRow(
        "386-DBDV-C1",
        "Đại đội 1 bộ binh dự bị động viên huyện Bá Thước",
        U.RESERVE,
        "386-BCHQS",
        size_label="1 đại đội",
    ),
]

# Started after the 2020 Party congresses / 2021 elections; positions end with their district, but
# are kept open here because `Person.positions_label` shows current positions only (see the report).
_TERM = dt.date(2020, 10, 1)
_P = PositionRow
PEOPLE = [
    PersonRow(
        "CB-388-0001",
        "Nguyễn Văn Hùng",
        LANG_CHANH,
        positions=(
            _P("388-HU", "Bí thư Huyện ủy", _TERM),
            _P("388-HDND", "Chủ tịch HĐND huyện", dt.date(2021, 6, 1)),
        ),
    ),
    PersonRow(
        "CB-388-0002",
        "Lê Văn Thắng",
        LANG_CHANH,
        positions=(
            _P("388-HU", "Phó Bí thư Huyện ủy", _TERM),
            _P("388-UBND", "Chủ tịch UBND huyện", dt.date(2021, 6, 1)),
        ),
    ),
    PersonRow(
        "CB-388-0003",
        "Phạm Văn Quang",
        LANG_CHANH,
        "Thượng tá",
        positions=(_P("388-BCHQS", "Chỉ huy trưởng Ban CHQS huyện"),),
    ),
    PersonRow(
        "CB-388-0004",
        "Đỗ Minh Tuấn",
        LANG_CHANH,
        "Thiếu tá",
        positions=(_P("388-BCHQS", "Phó Chỉ huy trưởng - Tham mưu trưởng Ban CHQS huyện"),),
    ),
    PersonRow(
        "CB-388-0005",
        "Hoàng Đức Minh",
        LANG_CHANH,
        "Thượng tá",
        positions=(_P("388-CA", "Trưởng Công an huyện"),),
    ),
    PersonRow(
        "CB-388-0006",
        "Vũ Văn Long",
        LANG_CHANH,
        "Đại úy",
        positions=(_P("388-BCHQS", "Đại đội trưởng Đại đội 1 bộ binh dự bị động viên"),),
    ),
    PersonRow(
        "CB-388-0007",
        "Trần Thị Mai",
        LANG_CHANH,
        positions=(_P("388-TCKH", "Trưởng phòng Tài chính - Kế hoạch huyện"),),
    ),
    PersonRow(
        "CB-388-0008",
        "Đinh Thị Hoa",
        LANG_CHANH,
        positions=(_P("388-VHTT", "Phóng viên Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch"),),
    ),
    PersonRow(
        "CB-388-0009",
        "Lương Thị Hằng",
        LANG_CHANH,
        positions=(_P("388-MTTQ", "Chủ tịch Ủy ban MTTQ Việt Nam huyện"),),
    ),
    PersonRow(
        "CB-XA-TRI-NANG-0001",
        "Lò Văn Sơn",
        TRI_NANG,
        positions=(_P("XA-TRI-NANG-BCHQS", "Chỉ huy trưởng Ban CHQS xã"),),
    ),
    PersonRow(
        "CB-38-0001",
        "Ngô Quang Vinh",
        THANH_HOA,
        "Đại tá",
        positions=(
            _P("38-BCHQS", "Phó Chỉ huy trưởng - Tham mưu trưởng Bộ CHQS tỉnh"),
            _P("38-BCD-DT", "Ủy viên Ban Chỉ đạo diễn tập tỉnh"),
        ),
    ),
    PersonRow(
        "CB-38-0002",
        "Nguyễn Thị Lan",
        THANH_HOA,
        "Thiếu tá",
        positions=(_P("38-BCHQS", "Trợ lý công nghệ thông tin, Phòng Tham mưu, Bộ CHQS tỉnh"),),
    ),
    PersonRow(
        "CB-386-0001",
        "Hà Văn Dũng",
        BA_THUOC,
        "Thượng tá",
        positions=(_P("386-BCHQS", "Chỉ huy trưởng Ban CHQS huyện"),),
    ),
]

R = Role
C = Classification
USERS = [
    UserRow(
        "admin",
        "Quản trị hệ thống (toàn quyền), mức Tuyệt mật",
        R.SYSTEM_ADMIN,
        THANH_HOA,
        C.TOP_SECRET,
        is_superuser=True,
    ),
    UserRow(
        "tinh.quantri",
        "Quản trị đơn vị cấp tỉnh Thanh Hóa, mức Tối mật",
        R.ORG_ADMIN,
        THANH_HOA,
        C.SECRET,
        "CB-38-0002",
    ),
    UserRow(
        "bcd.truongban",
        "Trưởng Ban Chỉ đạo diễn tập huyện Lang Chánh (lãnh đạo BCĐ), mức Mật",
        R.STEERING_LEADER,
        LANG_CHANH,
        C.CONFIDENTIAL,
        "CB-388-0001",
    ),
    UserRow(
        "thammuu",
        "Cán bộ tham mưu Ban CHQS huyện Lang Chánh, mức Mật",
        R.STAFF_PLANNER,
        LANG_CHANH,
        C.CONFIDENTIAL,
        "CB-388-0004",
    ),
    UserRow(
        "tieuban",
        "Thành viên tiểu ban (tài chính) huyện Lang Chánh",
        R.SUBCOMMITTEE_MEMBER,
        LANG_CHANH,
        C.UNCLASSIFIED,
        "CB-388-0007",
    ),
    UserRow(
        "chihuy.dvi",
        "Chỉ huy đơn vị (Đại đội 1 DBĐV huyện Lang Chánh)",
        R.UNIT_COMMANDER,
        LANG_CHANH,
        C.UNCLASSIFIED,
        "CB-388-0006",
    ),
    UserRow(
        "daodien",
        "Đạo diễn, điều hành diễn tập huyện Lang Chánh, mức Mật",
        R.DIRECTOR,
        LANG_CHANH,
        C.CONFIDENTIAL,
        "CB-388-0003",
    ),
    UserRow(
        "danhgia",
        "Đánh giá, chấm điểm (BCĐ diễn tập tỉnh Thanh Hóa), mức Mật",
        R.EVALUATOR,
        THANH_HOA,
        C.CONFIDENTIAL,
        "CB-38-0001",
    ),
    UserRow(
        "quansat",
        "Quan sát, chỉ đọc (huyện Lang Chánh), mức Thường",
        R.OBSERVER,
        LANG_CHANH,
        C.UNCLASSIFIED,
        "CB-388-0008",
    ),
    UserRow(
        "xa.trinang",
        "Quản trị đơn vị xã Trí Nang (cũ)",
        R.ORG_ADMIN,
        TRI_NANG,
        C.UNCLASSIFIED,
        "CB-XA-TRI-NANG-0001",
    ),
    UserRow(
        "bathuoc",
        "Quản trị đơn vị huyện Bá Thước (nhánh khác: không thấy Lang Chánh)",
        R.ORG_ADMIN,
        BA_THUOC,
        C.UNCLASSIFIED,
        "CB-386-0001",
    ),
]
