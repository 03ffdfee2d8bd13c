"""The tờ khai the kiosk writes itself: the official declaration forms as a PDF.

The forms are those of the annex to Thông tư 04/2020/TT-BTP of the Ministry
of Justice (ngày 28/5/2020, quy định chi tiết thi hành một số điều của Luật Hộ
tịch và Nghị định 123/2015/NĐ-CP).  Thông tư 04/2024/TT-BTP amended Thông tư
04/2020; whether it (or a circular after the 1 July 2025 two-tier local
government) replaced the tờ khai forms themselves could not be confirmed from
the texts available here, so the layout and wording follow the annex of
Thông tư 04/2020 as published, and every detail that could not be checked
against the published form is marked so in kiosk/declarations/forms.py.

No Qt here: ``render_declaration`` runs on the sealing worker (kiosk/submission.py)
and on the declaration step's background runner.
"""
