"""The tờ khai the kiosk writes itself: the official declaration forms as a PDF.

The forms are those of the Ministry of Justice's Thông tư 04/2020/TT-BTP (ngày
28/5/2020, quy định chi tiết thi hành một số điều của Luật Hộ tịch và Nghị định
123/2015/NĐ-CP) in their current version: Thông tư 04/2024/TT-BTP replaced the
tờ khai forms of its annex (the birth form of Phụ lục 5 among them, as
thuvienphapluat.vn and lawnet.vn report; the replaced death form's notes are
quoted there).  The full text of every 2024 form could not be read here, so the
lines follow the published forms where seen and the published pattern
elsewhere; kiosk/declarations/forms.py marks every detail left unconfirmed.

No Qt here: ``render_declaration`` runs on the sealing worker (kiosk/submission.py)
and on the declaration step's background runner.
"""
