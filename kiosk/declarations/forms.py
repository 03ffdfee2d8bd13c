"""Each tờ khai as data: its title, its lines of labelled blanks, pledge, signers, footnotes.

The forms are those of Thông tư 04/2020/TT-BTP as Thông tư 04/2024/TT-BTP
replaced them (see the package docstring).  The birth form's lines follow the
published text; the death form's lines and notes follow the 2024 form; for the
other forms the order of the lines and the pledges follow the published
pattern.  Where a detail (a footnote's exact words, a line's place) could not
be confirmed it is marked "unconfirmed" beside it.  A value key names an entry
of ``values.declaration_values``; a key with no value prints the form's dotted
line, to be filled in by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.declarations.texts import (
    NOTE_AUTHORITY,
    NOTE_COPIES,
    NOTE_IDENTITY,
    NOTE_RESIDENCE,
    PLEDGE_RESPONSIBLE,
    TEXTS,
)


@dataclass(frozen=True)
class Cell:
    """One label and its blank; ``share`` of the line when cells share a line."""

    label: str
    key: str
    share: float = 1.0


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Heading:
    """A sentence of the form between the blanks, e.g. "Đề nghị … cho người dưới đây:"."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Grid:
    """The two-column table of the marriage form: a label, then one value per party."""

    columns: tuple[str, str, str]
    rows: tuple[tuple[str, str, str], ...]  # label, left key, right key


@dataclass(frozen=True)
class Copies:
    """"Đề nghị cấp bản sao: Có ☐ Không ☐ Số lượng: … bản"."""

    key: str
    mark: str


@dataclass(frozen=True)
class Signer:
    title: str
    name_key: str


Item = Row | Heading | Grid | Copies


@dataclass(frozen=True)
class FormSpec:
    title: str
    items: tuple[Item, ...]
    pledge: tuple[str, ...]
    signers: tuple[Signer, ...]
    footnotes: tuple[str, ...]


T = TEXTS


def _one(label: str, key: str) -> Row:
    return Row((Cell(label, key),))


def _requester(relation: str) -> tuple[Item, ...]:
    """Kính gửi (1), the requester, residence (2), identity paper (3), relation."""
    rows = [_one(f"{T['to']} (1)", "kinh_gui"), _one(T["requester"], "nguoi_yeu_cau"),
            _one(f"{T['residence']} (2)", "noi_cu_tru"), _one(f"{T['identity']} (3)", "giay_to")]
    if relation:
        rows.append(_one(relation, "quan_he"))
    return tuple(rows)


def _person(p: str, residence: bool = True, identity: bool = True) -> tuple[Item, ...]:
    """The person the event concerns; ``p`` prefixes the value keys ("tre", "chet"…)."""
    rows: list[Item] = [
        _one(T["name"], f"{p}.ho_ten"),
        _one(T["birth_date"], f"{p}.ngay_sinh"),
        Row((Cell(T["sex"], f"{p}.gioi_tinh", 0.3), Cell(T["ethnicity"], f"{p}.dan_toc", 0.3),
             Cell(T["nationality"], f"{p}.quoc_tich", 0.4))),
    ]
    if residence:
        rows.append(_one(f"{T['residence']} (2)", f"{p}.noi_cu_tru"))
    if identity:
        rows.append(_one(f"{T['identity']} (3)", f"{p}.giay_to"))
    return tuple(rows)


def _parent(who: str, p: str) -> tuple[Item, ...]:
    return (
        _one(f"Họ, chữ đệm, tên người {who}:", f"{p}.ho_ten"),
        Row((Cell("Năm sinh: (5)", f"{p}.nam_sinh", 0.3),
             Cell(T["ethnicity"], f"{p}.dan_toc", 0.3),
             Cell(T["nationality"], f"{p}.quoc_tich", 0.4))),
        _one(f"{T['residence']} (2)", f"{p}.noi_cu_tru"),
        # The parents' personal number: the 2024 forms identify people by it (notes (2), (3));
        # this line's place on the birth form is unconfirmed.
        _one(f"{T['identity']} (3)", f"{p}.giay_to"),
    )


def _notes(event: str, *extra: str) -> tuple[str, ...]:
    """(1) the registering office, (2) residence, (3) identity paper, then the form's own."""
    return (NOTE_AUTHORITY.format(event=event), NOTE_RESIDENCE, NOTE_IDENTITY, *extra)


_REQUESTER = (Signer(T["requester_title"], "nguoi_yeu_cau"),)
_PLEDGE = ("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm "
           "trước pháp luật về cam đoan của mình.",)

BIRTH = FormSpec(
    title="TỜ KHAI ĐĂNG KÝ KHAI SINH",
    items=(
        *_requester("Quan hệ với người được khai sinh:"),
        Heading("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", bold=True),
        _one(T["name"], "tre.ho_ten"),
        Row((Cell(T["birth_date"], "tre.ngay_sinh", 0.42),
             Cell(T["in_words"], "tre.ngay_sinh_chu", 0.58))),
        Row((Cell(T["sex"], "tre.gioi_tinh", 0.3), Cell(T["ethnicity"], "tre.dan_toc", 0.3),
             Cell(T["nationality"], "tre.quoc_tich", 0.4))),
        _one("Nơi sinh: (4)", "tre.noi_sinh"),
        _one("Quê quán:", "tre.que_quan"),
        *_parent("mẹ", "me"),
        *_parent("cha", "cha"),
        Copies("so_ban_sao", "(6)"),
    ),
    pledge=("Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự "
            "thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật.",
            PLEDGE_RESPONSIBLE),
    signers=_REQUESTER,
    footnotes=_notes(
        "khai sinh",
        "Trường hợp trẻ em sinh tại cơ sở y tế thì ghi rõ tên cơ sở y tế và địa chỉ hành chính "
        "của cơ sở y tế đó; trường hợp sinh ngoài cơ sở y tế thì ghi rõ địa chỉ hành chính nơi "
        "sinh; trường hợp sinh ra ở nước ngoài thì ghi tên thành phố, tên nước nơi sinh.",
        # (5): the published note's words are unconfirmed; this states what the line asks.
        "Ghi năm sinh của cha, mẹ bằng bốn chữ số.",
        NOTE_COPIES,
    ),
)

DEATH = FormSpec(  # lines and notes as the form published with Thông tư 04/2024/TT-BTP
    title="TỜ KHAI ĐĂNG KÝ KHAI TỬ",
    items=(
        *_requester("Quan hệ với người đã chết:"),
        Heading("Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:", bold=True),
        *_person("chet", residence=False, identity=False),
        _one("Nơi cư trú cuối cùng: (2)", "chet.noi_cu_tru"),
        _one(f"{T['identity']} (3)", "chet.giay_to"),
        _one("Đã chết vào lúc:", "chet.ngay_chet"),
        _one("Nơi chết:", "chet.noi_chet"),
        _one("Nguyên nhân chết:", "chet.nguyen_nhan"),
        # "… do … cấp ngày … tháng … năm …" follows the number on the form; the kiosk knows
        # only the number, the issuer and date stay dotted for the office.
        _one("Số Giấy báo tử/Giấy tờ thay thế Giấy báo tử: (4)", "chet.giay_bao_tu"),
        _one("do … cấp ngày … tháng … năm …", ""),
        Copies("so_ban_sao", "(5)"),
    ),
    pledge=_PLEDGE,
    signers=_REQUESTER,
    footnotes=_notes(
        "khai tử",
        "Nếu ghi theo Giấy báo tử, thì gạch cụm từ “Giấy tờ thay thế Giấy báo tử”; nếu ghi "
        "theo số Giấy tờ thay thế Giấy báo tử thì ghi rõ tên, số giấy tờ và gạch cụm từ “Giấy "
        "báo tử”; trường hợp không có thì mục này để trống.",
        NOTE_COPIES,
    ),
)

MARRIAGE = FormSpec(
    title="TỜ KHAI ĐĂNG KÝ KẾT HÔN",
    items=(
        _one(f"{T['to']} (1)", "kinh_gui"),
        Grid(("Thông tin", "Bên nữ", "Bên nam"), (
            ("Họ, chữ đệm, tên", "nu.ho_ten", "nam.ho_ten"),
            ("Ngày, tháng, năm sinh", "nu.ngay_sinh", "nam.ngay_sinh"),
            ("Dân tộc", "nu.dan_toc", "nam.dan_toc"),
            ("Quốc tịch", "nu.quoc_tich", "nam.quoc_tich"),
            ("Nơi cư trú (2)", "nu.noi_cu_tru", "nam.noi_cu_tru"),
            ("Giấy tờ tùy thân (3)", "nu.giay_to", "nam.giay_to"),
            ("Kết hôn lần thứ mấy", "nu.lan_ket_hon", "nam.lan_ket_hon"),
        )),
        Copies("so_ban_sao", "(4)"),
    ),
    pledge=("Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng "
            "tôi là tự nguyện, không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam.",
            "Chúng tôi chịu hoàn toàn trách nhiệm trước pháp luật về cam đoan của mình."),
    signers=(Signer("Bên nữ", "nu.ho_ten"), Signer("Bên nam", "nam.ho_ten")),
    footnotes=_notes("kết hôn", NOTE_COPIES),
)

MARITAL = FormSpec(
    title="TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
    items=(
        *_requester("Quan hệ với người được cấp Giấy xác nhận tình trạng hôn nhân:"),
        Heading("Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:",
                bold=True),
        *_person("xn"),
        _one("Trong thời gian cư trú tại: (4)", "xn.noi_cu_tru_truoc_day"),
        _one("Tình trạng hôn nhân: (5)", "xn.tinh_trang"),
        _one("Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân: (6)", "xn.muc_dich"),
    ),
    pledge=_PLEDGE,
    signers=_REQUESTER,
    footnotes=_notes(  # (4)–(6): unconfirmed wording, following the pattern of the annex
        "hộ tịch",
        "Chỉ khai nếu đề nghị xác nhận tình trạng hôn nhân trong thời gian cư trú trước đây.",
        "Ghi rõ tình trạng hôn nhân hiện tại: chưa kết hôn, đã ly hôn, vợ/chồng đã chết hoặc "
        "đang có vợ/chồng.",
        "Ghi rõ mục đích sử dụng Giấy xác nhận tình trạng hôn nhân.",
    ),
)

PARENTAGE = FormSpec(
    title="TỜ KHAI ĐĂNG KÝ NHẬN CHA, MẸ, CON",
    items=(
        *_requester(""),
        # The two parties' blocks follow the pattern of the annex; their exact headings
        # are unconfirmed.
        Heading("Đề nghị cơ quan công nhận người có tên dưới đây:", bold=True),
        *_person("nhan"),
        _one("Nội dung đề nghị:", "quan_he_nhan"),
        Heading("của người có tên dưới đây:", bold=True),
        *_person("duoc_nhan"),
        Copies("so_ban_sao", "(4)"),
    ),
    pledge=("Tôi cam đoan việc nhận cha, mẹ, con nêu trên là đúng sự thật, tự nguyện, không có "
            "tranh chấp.", PLEDGE_RESPONSIBLE),
    signers=_REQUESTER,
    footnotes=_notes("nhận cha, mẹ, con", NOTE_COPIES),
)

EXTRACT = FormSpec(
    title="TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH",
    items=(
        *_requester("Quan hệ với người được cấp bản sao trích lục hộ tịch:"),
        _one("Đề nghị cấp bản sao trích lục: (4)", "tl.loai"),
        Heading("cho người có tên dưới đây:", bold=True),
        *_person("tl"),
        _one("Đã đăng ký tại:", "tl.noi_dang_ky"),
        _one("Số lượng bản sao:", "tl.so_ban"),
    ),
    pledge=_PLEDGE,
    signers=_REQUESTER,
    footnotes=_notes("hộ tịch",  # (4): unconfirmed wording
                     "Ghi rõ loại việc hộ tịch đã đăng ký (khai sinh, kết hôn, khai tử…)."),
)

GUARDIAN = FormSpec(
    title="TỜ KHAI ĐĂNG KÝ GIÁM HỘ",
    items=(
        *_requester(""),
        Heading("Đề nghị cơ quan đăng ký việc giám hộ giữa những người có tên dưới đây:",
                bold=True),
        Heading("Người giám hộ:", bold=True),
        *_person("gh"),
        Heading("Người được giám hộ:", bold=True),
        *_person("dgh"),
        _one("Lý do đăng ký giám hộ:", "ly_do"),
    ),
    pledge=("Tôi cam đoan những nội dung khai trên đây là đúng sự thật, việc giám hộ đúng quy "
            "định của pháp luật.", PLEDGE_RESPONSIBLE),
    signers=_REQUESTER,
    footnotes=_notes("giám hộ"),
)

CORRECTION = FormSpec(
    title="TỜ KHAI ĐĂNG KÝ THAY ĐỔI, CẢI CHÍNH, BỔ SUNG THÔNG TIN HỘ TỊCH",
    items=(
        *_requester("Quan hệ với người được thay đổi, cải chính, bổ sung thông tin hộ tịch:"),
        _one("Đề nghị cơ quan đăng ký việc: (4)", "tc.loai"),
        Heading("cho người có tên dưới đây:", bold=True),
        *_person("tc"),
        _one("Giấy tờ hộ tịch cần sửa:", "tc.giay_to_can_sua"),
        _one("Nội dung hiện tại:", "tc.hien_tai"),
        _one("Nội dung đề nghị:", "tc.de_nghi"),
        _one("Lý do:", "ly_do"),
    ),
    pledge=_PLEDGE,
    signers=_REQUESTER,
    footnotes=_notes("hộ tịch",  # (4): unconfirmed wording
                     "Ghi rõ: thay đổi, cải chính hoặc bổ sung thông tin hộ tịch."),
)

SPECS: dict[str, FormSpec] = {
    "1.001193": BIRTH, "1.000656": DEATH, "1.000894": MARRIAGE, "1.004873": MARITAL,
    "1.001022": PARENTAGE, "2.000635": EXTRACT, "1.004837": GUARDIAN, "1.004859": CORRECTION,
}


def keys_of(spec: FormSpec) -> set[str]:
    """Every value key the form prints."""
    keys = {s.name_key for s in spec.signers}
    for item in spec.items:
        if isinstance(item, Row):
            keys |= {c.key for c in item.cells}
        elif isinstance(item, Grid):
            keys |= {k for row in item.rows for k in row[1:]}
        elif isinstance(item, Copies):
            keys.add(item.key)
    return keys
