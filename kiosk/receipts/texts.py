"""Every word printed on the receipt slip, in one place so it can be reviewed and translated."""

from __future__ import annotations

from collections.abc import Mapping

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"

LABELS: Mapping[str, str] = {
    "code": "MÃ HỒ SƠ",
    "official_code": "Mã trên cổng dịch vụ công",
    "procedure": "Thủ tục",
    "applicant": "Người nộp",
    "id_number": "Số định danh",
    "received": "Ngày giờ tiếp nhận",
    "due": "NGÀY HẸN TRẢ KẾT QUẢ",
    "due_before": "trước {time}",
    "delivery": "Nhận kết quả",
    "documents": "Giấy tờ đã nhận",
    "pages": "{count} trang",
    "no_documents": "(không có)",
    "fees": "Phí, lệ phí",
    "fee_total": "Tổng cộng",
    "free": "Miễn phí",
    "vietqr": "MÃ THANH TOÁN VIETQR",
    "vietqr_hint": (
        "Quét mã bằng ứng dụng ngân hàng để nộp {amount}. Nội dung chuyển khoản đã có sẵn mã hồ sơ."
    ),
    "vietqr_payee": "Người nhận: {name}",
    "scan_code": "Mã tra cứu hồ sơ",
    "follow_up": "Theo dõi hồ sơ",
    "follow_up_text": (
        "Quét mã trên phiếu này tại kiosk (mục Tra cứu hồ sơ), "
        "hoặc tra cứu trên cổng dịch vụ công {portal} bằng mã hồ sơ."
    ),
    "follow_up_no_portal": "Quét mã trên phiếu này tại kiosk (mục Tra cứu hồ sơ).",
    "keep_slip": "Xin giữ phiếu này để nhận kết quả.",
    "kiosk": "Tiếp nhận tại kiosk {kiosk}",
    "assisted": "Cán bộ hỗ trợ: {name}",
}

# HinhThucThanhToan (PORTAL_API §3): 1 at the office, 2 online (VietQR).
PAYMENT_METHODS: Mapping[int, str] = {
    1: "Nộp tại bộ phận một cửa",
    2: "Thanh toán trực tuyến (VietQR)",
}

# HinhThucNhanKetQua (PORTAL_API §3): 1 at the office, 2 by post.
DELIVERY_METHODS: Mapping[int, str] = {
    1: "Tại bộ phận một cửa",
    2: "Qua dịch vụ bưu chính",
}

CURRENCY = "đồng"
