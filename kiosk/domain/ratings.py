"""A resident's satisfaction rating (PORTAL_API.md §7): five levels, reasons at three or fewer.

The reasons are the dimensions the Ministry of Information and Communications'
satisfaction survey measures agencies on: number of trips, published
requirements, ease of follow-up and staff attitude, plus "other".  A rating
carries no personal data beyond the dossier code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.domain.errors import ValidationError
from kiosk.domain.textnorm import is_storable

LEVELS = (1, 2, 3, 4, 5)
LEVEL_LABELS: Mapping[int, str] = {
    1: "Rất không hài lòng",
    2: "Không hài lòng",
    3: "Bình thường",
    4: "Hài lòng",
    5: "Rất hài lòng",
}
REASONS = ("so_lan_di_lai", "thong_tin_thu_tuc", "de_tra_cuu", "thai_do_ho_tro", "khac")
REASON_LABELS: Mapping[str, str] = {
    "so_lan_di_lai": "Phải đi lại nhiều lần",
    "thong_tin_thu_tuc": "Thông tin về thủ tục chưa rõ",
    "de_tra_cuu": "Khó theo dõi kết quả hồ sơ",
    "thai_do_ho_tro": "Thái độ hỗ trợ của cán bộ",
    "khac": "Lý do khác",
}
REASONS_UP_TO = 3  # reasons are asked, and allowed, only at this level or lower
COMMENT_MAX = 500
PORTAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

MESSAGES: Mapping[str, str] = {
    "rating_level": "Mức đánh giá phải từ 1 đến 5.",
    "rating_reasons": ("Lý do chỉ được chọn khi đánh giá từ 3 trở xuống, "
                       "và phải nằm trong danh sách."),
    "rating_comment": f"Góp ý dài tối đa {COMMENT_MAX} ký tự.",
}


def validate(level: int, reasons: Sequence[str], comment: str | None) -> tuple[str, ...]:
    """The reasons in their canonical order, without repeats; raises on anything else."""
    if isinstance(level, bool) or level not in LEVELS:
        raise ValidationError("rating_level", MESSAGES["rating_level"], field="MucDo")
    chosen = set(reasons)
    if (chosen and level > REASONS_UP_TO) or not chosen <= set(REASONS):
        raise ValidationError("rating_reasons", MESSAGES["rating_reasons"], field="LyDo")
    if comment is not None and (len(comment) > COMMENT_MAX or not is_storable(comment)):
        raise ValidationError("rating_comment", MESSAGES["rating_comment"], field="GopY")
    return tuple(r for r in REASONS if r in chosen)


def rating_body(kiosk_id: str, dossier_code: str | None, at: datetime, level: int,
                reasons: Sequence[str], comment: str | None) -> dict[str, Any]:
    """The §7 body; built from the stored rating, so every retry sends the same bytes."""
    return {
        "MaKiosk": kiosk_id,
        "MaHoSo": dossier_code,
        "ThoiDiem": at.astimezone(PORTAL_ZONE).strftime("%Y%m%d%H%M%S"),
        "MucDo": level,
        "LyDo": list(reasons),
        "GopY": comment,
    }
