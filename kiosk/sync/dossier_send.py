"""One sealed dossier to the portal: its attachments uploaded (each only once), then the
dossier itself, its file ids bound into exactly the sealed bytes (``follow.bind_file_ids``).

The sync worker claims the dossier and records the outcome; this is the exchange
in between.  A dossier that goes back to the queue keeps the file ids uploaded
now, so that its next attempt uploads nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.domain.errors import DomainError
from kiosk.store.queue import DossierQueue
from kiosk.store.records import Attachment, SendJob
from kiosk.sync.answers import BadAnswer, FileAnswer
from kiosk.sync.client import Portal
from kiosk.sync.follow import bind_file_ids, echo_checked
from kiosk.sync.policy import Outcome, OutcomeKind, bad_answer
from kiosk.sync.progress import Progress

Heard = Callable[[Outcome], Outcome]  # the worker notes that the portal answered


class DossierSend:
    def __init__(self, queue: DossierQueue, portal: Portal, progress: Progress,
                 heard: Heard) -> None:
        self._queue, self._portal, self._progress, self._heard = queue, portal, progress, heard

    def __call__(self, job: SendJob) -> Outcome:
        file_ids: dict[int, str] = {}
        fresh: list[tuple[int, str]] = []  # (attachment id, portal file id) uploaded now
        taken = False
        try:
            for attachment in job.attachments:
                outcome = self._upload(attachment)
                if not isinstance(outcome.answer, FileAnswer):
                    return outcome
                file_ids[attachment.position] = outcome.answer.file_id
                if not attachment.portal_file_id:
                    fresh.append((attachment.id, outcome.answer.file_id))
            body = bind_file_ids(job.payload, file_ids)
            outcome = echo_checked(self._heard(self._portal.submit_dossier(
                body, job.idempotency_key)), job.code)
            taken = outcome.kind is OutcomeKind.ACCEPTED
            return outcome
        finally:
            # File ids are committed only for a dossier that goes back to the queue,
            # so that its next attempt uploads nothing twice; one the portal took needs
            # them no more, and their commits were half of a send's.  The portal keeps
            # files by hash: a power cut before this point costs a repeated upload,
            # never a second file.
            if not taken:
                for attachment_id, file_id in fresh:
                    self._queue.record_upload(attachment_id, file_id)

    def _upload(self, attachment: Attachment) -> Outcome:
        if attachment.portal_file_id:
            return Outcome(OutcomeKind.ACCEPTED, "known", "",
                           answer=FileAnswer(attachment.portal_file_id, attachment.sha256))
        self._progress.touch("attachment")  # reading it from the disk
        try:
            data = self._queue.files.read(attachment.sha256)
        except DomainError as exc:
            return Outcome(OutcomeKind.PERMANENT, exc.code, exc.message)
        outcome = self._heard(self._portal.upload_file(data, attachment.sha256,
                                                       attachment.file_name,
                                                       attachment.content_type))
        if outcome.kind is not OutcomeKind.ACCEPTED:
            return outcome
        if not isinstance(outcome.answer, FileAnswer):  # a Portal of another kind: a bug
            return bad_answer(BadAnswer("IdTepTin", "missing"))
        if outcome.answer.sha256 != attachment.sha256:
            return Outcome(OutcomeKind.TRANSIENT, "hash_echo",
                           "Cổng trả về mã băm tệp không khớp; kiosk sẽ gửi lại.")
        return outcome
