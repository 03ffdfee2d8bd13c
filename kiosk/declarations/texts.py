"""The words every tờ khai shares, as the forms of Thông tư 04/2020/TT-BTP (as replaced by
Thông tư 04/2024/TT-BTP) print them."""

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
    "moment": "…… giờ …… phút, ngày {day} tháng {month} năm {year}",
    "authority": "Ủy ban nhân dân {place}",
    "generated_note": "Tờ khai do máy tiếp nhận hồ sơ tự động lập từ thông tin người yêu cầu "
                      "đã khai và ký; mã hồ sơ ghi trên giấy tiếp nhận.",
    "pdf_title": "Tờ khai",
}

# Footnotes shared by the forms, in the wording of the forms as Thông tư 04/2024/TT-BTP
# replaced them (the death form's notes as published; the other forms are taken to share
# them, which could not be confirmed form by form).  The numbers are set per form.
NOTE_AUTHORITY = "Ghi rõ tên cơ quan đăng ký {event}."
NOTE_RESIDENCE = ("Chỉ ghi trong trường hợp người có yêu cầu đăng ký hộ tịch chưa có/không cung "
                  "cấp số định danh cá nhân/căn cước công dân/thẻ căn cước/chứng minh nhân dân; "
                  "không cung cấp đầy đủ thông tin ngày, tháng, năm sinh. Trường hợp phải cung "
                  "cấp thông tin “Nơi cư trú” thì ghi theo nơi đăng ký thường trú; nếu không có "
                  "nơi đăng ký thường trú thì ghi theo nơi đăng ký tạm trú; trường hợp không có "
                  "nơi đăng ký thường trú và nơi đăng ký tạm trú thì ghi theo nơi ở hiện tại.")
NOTE_IDENTITY = ("Ghi số định danh cá nhân/căn cước công dân/thẻ căn cước (ví dụ: Căn cước công "
                 "dân số 025188001010 do Cục Cảnh sát QLHC về TTXH cấp ngày 20/11/2021). Trường "
                 "hợp không có số định danh cá nhân/căn cước công dân/thẻ căn cước thì ghi giấy "
                 "tờ hợp lệ thay thế (hộ chiếu, chứng minh nhân dân,...).")
NOTE_COPIES = "Đề nghị đánh dấu X vào ô nếu có yêu cầu cấp bản sao và ghi rõ số lượng."
PLEDGE_RESPONSIBLE = "Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình."
