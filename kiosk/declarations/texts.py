"""The words every tờ khai shares, as the annex of Thông tư 04/2020/TT-BTP prints them."""

from __future__ import annotations

TEXTS = {
    "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "motto": "Độc lập - Tự do - Hạnh phúc",
    "to": "Kính gửi:",
    "requester": "Họ, chữ đệm, tên người yêu cầu:",
    "residence": "Nơi cư trú:",
    "identity": "Giấy tờ tùy thân:",
    "name": "Họ, chữ đệm, tên:",
    "birth_date": "Ngày, tháng, năm sinh:",
    "in_words": "ghi bằng chữ:",
    "sex": "Giới tính:",
    "ethnicity": "Dân tộc:",
    "nationality": "Quốc tịch:",
    "made_at": "Làm tại:",
    "date_parts": ", ngày {day} tháng {month} năm {year}",
    "sign_hint": "(Ký, ghi rõ họ, chữ đệm, tên)",
    "requester_title": "Người yêu cầu",
    "copies": "Đề nghị cấp bản sao{mark}:",
    "yes": "Có",
    "no": "Không",
    "count": "Số lượng:",
    "copies_unit": "bản",
    "identity_value": "Số định danh cá nhân {number}",
    "authority": "Ủy ban nhân dân {place}",
    "generated_note": "Tờ khai do máy tiếp nhận hồ sơ tự động lập từ thông tin người yêu cầu "
                      "đã khai và ký; mã hồ sơ ghi trên giấy tiếp nhận.",
    "pdf_title": "Tờ khai",
}

# Footnotes shared by most forms (the numbers are set per form in forms.py).
NOTE_AUTHORITY = "Ghi rõ tên cơ quan đăng ký hộ tịch."
NOTE_RESIDENCE = ("Ghi theo nơi đăng ký thường trú, nếu không có nơi đăng ký thường trú thì ghi "
                  "theo nơi đăng ký tạm trú; trường hợp không có nơi đăng ký thường trú và nơi "
                  "đăng ký tạm trú thì ghi theo nơi đang sinh sống.")
NOTE_IDENTITY = ("Ghi thông tin về giấy tờ tùy thân của người yêu cầu: số, cơ quan cấp, ngày cấp "
                 "hộ chiếu, thẻ căn cước hoặc giấy tờ hợp lệ thay thế; hoặc số định danh cá nhân.")
NOTE_COPIES = "Đánh dấu X vào ô nếu có yêu cầu cấp bản sao và ghi rõ số lượng."
PLEDGE_RESPONSIBLE = "Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình."
