"""Group commit: the webhook's events stored by one writer, many per transaction.

Every stored event costs a transaction's fixed price (the write lock, BEGIN, COMMIT, the
session) on top of its own statements. Under load, requests arrive while a transaction is
running; the writer thread takes everything that queued up meanwhile (up to `max_batch`) and
stores it in the next transaction. Each request still gets its answer only after its event
is committed. When a batch fails, its events are stored again one by one, so one bad event
never takes its neighbours down with it.
"""
from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future

from chatops.tickets.ingest import Ingest, IngestResult
from chatops.tickets.schema import HelpdeskEvent
from db.faults import database_unavailable

log = logging.getLogger("chatops.ingest")

MAX_BATCH = 64


class GroupCommit:
    def __init__(self, ingest: Ingest, max_batch: int = MAX_BATCH) -> None:
        self.ingest = ingest
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[HelpdeskEvent, Future[IngestResult]] | None] = (
            queue.SimpleQueue())
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # orders handle() against close()
        self._closed = False

    @property
    def waiting(self) -> int:
        """Events queued for the writer and not taken yet."""
        return self._queue.qsize()

    @property
    def running(self) -> bool:
        """Whether the writer thread is storing events (it starts with the first one)."""
        return self._thread is not None and self._thread.is_alive()

    def handle(self, event: HelpdeskEvent) -> IngestResult:
        """Store the event (in some batch); returns once it is committed."""
        return self.submit(event).result()

    def submit(self, event: HelpdeskEvent) -> Future[IngestResult]:
        """Queue the event for the writer; the future is done once it is committed (or
        failed). An event that comes after close() is stored by the caller, here and now."""
        done: Future[IngestResult] = Future()
        with self._lock:
            queued = not self._closed
            if queued:
                if self._thread is None:  # started by the first event, not by every Runtime
                    self._thread = threading.Thread(target=self._run, name="ingest-writer",
                                                    daemon=True)
                    self._thread.start()
                self._queue.put((event, done))
        if not queued:  # shutting down: store it here and now
            try:
                done.set_result(self.ingest.handle(event))
            except Exception as exc:  # handle() raises it, as a direct call would
                done.set_exception(exc)
        return done

    def close(self) -> None:
        """Stop the writer once it has stored everything queued before this call."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(item)
            try:
                self._store(batch)
            except BaseException as exc:  # never leave a request waiting for ever
                log.exception("storing a batch of %d events failed", len(batch))
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)

    def _store(self, batch: list[tuple[HelpdeskEvent, Future[IngestResult]]]) -> None:
        # Tickets in id order (a stable sort: one ticket's events keep their order), so
        # that batches of several web processes lock shared tickets in the same order and
        # seldom deadlock each other on PostgreSQL (a batch that does is stored again one
        # event at a time).
        batch = sorted(batch, key=lambda item: item[0].ticket.id)
        if len(batch) > 1:
            try:
                results = self.ingest.handle_many([event for event, _ in batch])
            except Exception as exc:  # stored nothing
                if database_unavailable(exc):  # one by one would only wait longer
                    log.error("a batch of %d events was not stored: %s: %s", len(batch),
                              type(exc).__name__, exc)
                    for _, done in batch:
                        done.set_exception(exc)
                    return
                log.warning("a batch of %d events failed (%s: %s); storing them one by one",
                            len(batch), type(exc).__name__, exc)
            else:
                for (_, done), result in zip(batch, results):
                    done.set_result(result)
                return
        for event, done in batch:
            try:
                done.set_result(self.ingest.handle(event))
            except BaseException as exc:  # the request answers it (handlers/webhook/answers.py)
                done.set_exception(exc)
