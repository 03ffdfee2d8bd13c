"""The portal simulator's error answers: one table, one exception.

Every refusal the simulator makes is a ``PortalError`` raised from wherever it
is found and turned into the contract's body ``{"error", "message",
"details"}`` in one place (``simulator_http``).  The Vietnamese texts live in
``ERRORS`` only, never at the raise site, so they read as a set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

# message key → (HTTP status, machine code, Vietnamese message)
ERRORS: Mapping[str, tuple[int, str, str]] = MappingProxyType(
    {
        "token_body": (
            400,
            "bad_request",
            "Yêu cầu lấy mã truy cập phải là JSON có client_id và client_secret.",
        ),
        "bad_credentials": (401, "invalid_client", "Sai client_id hoặc client_secret."),
        "unauthorized": (
            401,
            "unauthorized",
            "Thiếu mã truy cập (token), hoặc mã không hợp lệ hay đã hết hạn. Hãy lấy mã mới.",
        ),
        "no_route": (404, "not_found", "Cổng không có địa chỉ {path}."),
        "method": (405, "method_not_allowed", "Địa chỉ này không nhận phương thức {method}."),
        "length_required": (
            411,
            "length_required",
            "Yêu cầu phải ghi rõ độ dài nội dung (Content-Length).",
        ),
        "bad_length": (400, "bad_request", "Độ dài nội dung (Content-Length) không hợp lệ."),
        "body_too_large": (413, "too_large", "Nội dung gửi lên quá lớn (tối đa {limit} byte)."),
        "file_too_large": (413, "too_large", "Tệp đính kèm quá lớn (tối đa {limit} byte)."),
        "multipart": (
            400,
            "bad_request",
            "Nội dung tải tệp không đúng dạng multipart/form-data (cần phần «file» và «sha256»).",
        ),
        "hash_mismatch": (
            400,
            "hash_mismatch",
            "Mã băm SHA-256 của tệp không khớp với giá trị sha256 gửi kèm.",
        ),
        "unsupported_type": (
            415,
            "unsupported_type",
            "Loại tệp không được nhận: chỉ nhận PDF, JPEG, PNG, DOC, DOCX hoặc ZIP.",
        ),
        "idempotency_key": (
            400,
            "missing_idempotency_key",
            "Thiếu tiêu đề Idempotency-Key, hoặc giá trị không hợp lệ (1–200 ký tự ASCII).",
        ),
        "invalid": (422, "invalid", "Hồ sơ không hợp lệ ({count} lỗi), xem chi tiết."),
        "invalid_status": (422, "invalid", "Yêu cầu đổi trạng thái không hợp lệ, xem chi tiết."),
        "missing_file": (
            422,
            "missing_file",
            "Hồ sơ tham chiếu tệp đính kèm chưa được tải lên cổng.",
        ),
        "idempotency_conflict": (
            409,
            "idempotency_conflict",
            "Idempotency-Key này đã được dùng cho một hồ sơ có nội dung khác.",
        ),
        "invalid_rating": (422, "invalid", "Đánh giá không hợp lệ ({count} lỗi), xem chi tiết."),
        "rating_conflict": (
            409,
            "idempotency_conflict",
            "Idempotency-Key này đã được dùng cho một đánh giá có nội dung khác.",
        ),
        "dossier_not_found": (404, "not_found", "Không tìm thấy hồ sơ có mã «{code}»."),
        "bad_changed_since": (
            400,
            "bad_request",
            "Tham số changed_since phải có dạng yyyyMMddHHmmss (giờ Việt Nam).",
        ),
        "missing_kiosk": (400, "bad_request", "Thiếu tham số kiosk (mã kiosk)."),
        "internal": (500, "internal_error", "Cổng gặp lỗi nội bộ; hãy thử lại sau."),
        # Raised by http.server itself before any route runs (see send_error).
        "http_400": (400, "bad_request", "Yêu cầu HTTP không đúng cú pháp."),
        "http_414": (414, "uri_too_long", "Địa chỉ yêu cầu quá dài."),
        "http_431": (431, "headers_too_large", "Phần tiêu đề của yêu cầu quá lớn."),
        "http_501": (501, "not_implemented", "Cổng không hỗ trợ phương thức này."),
        "http_other": (400, "bad_request", "Yêu cầu không được chấp nhận."),
    }
)

Detail = Mapping[str, str]


class PortalError(Exception):
    """A refusal with its HTTP status, machine code, Vietnamese message and details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Sequence[Detail] = (),
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = tuple(details)
        self.headers: Mapping[str, str] = dict(headers or {})

    def body(self) -> dict[str, object]:
        """The contract's error body."""
        return {
            "error": self.code,
            "message": self.message,
            "details": [dict(d) for d in self.details],
        }


def portal_error(
    key: str,
    details: Sequence[Detail] = (),
    *,
    headers: Mapping[str, str] | None = None,
    **params: object,
) -> PortalError:
    """The ``PortalError`` for ``ERRORS[key]``, its message filled with ``params``.

    Returned, not raised, so call sites read ``raise portal_error(...)``.
    """
    status, code, message = ERRORS[key]
    return PortalError(status, code, message.format(**params), details, headers=headers)


def detail(field: str, message: str) -> Detail:
    """One ``{"field", "message"}`` entry of an error's ``details``."""
    return {"field": field, "message": message}
