"""The background sender: one thread, a bounded queue, retries with backoff and full jitter."""
import collections
import random
import threading
import time
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple

Send = Callable[[List[Dict[str, Any]]], Tuple[int, Optional[Any]]]


class Batcher:
    def __init__(self, send: Send, *, max_batch_size: int, flush_interval: float, max_queue_size: int,
                 retry_base: float, retry_max: float, on_error: Callable[[Exception], None]) -> None:
        self._send = send
        self._max_batch_size = max_batch_size
        self._flush_interval = flush_interval
        self._max_queue_size = max_queue_size
        self._retry_base = retry_base
        self._retry_max = retry_max
        self._on_error = on_error
        self._queue: Deque[Dict[str, Any]] = collections.deque()
        self._in_flight = 0
        self._flush_requested = False
        self._closed = threading.Event()
        self._lock = threading.Condition()
        self.stats = {"accepted": 0, "duplicates": 0, "dropped": 0, "rejected": 0, "retries": 0}
        self._thread = threading.Thread(target=self._run, name="vigil-client", daemon=True)
        self._thread.start()

    @property
    def queued(self) -> int:
        with self._lock:
            return len(self._queue) + self._in_flight

    def add(self, event: Dict[str, Any]) -> None:
        with self._lock:
            if self._closed.is_set():
                self.stats["dropped"] += 1
                return
            self._queue.append(event)
            if len(self._queue) > self._max_queue_size:
                self._queue.popleft()
                self.stats["dropped"] += 1
            if len(self._queue) == 1 or len(self._queue) >= self._max_batch_size:
                self._lock.notify_all()

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Waits until everything logged so far is sent; False if ``timeout`` ran out first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            self._flush_requested = True
            self._lock.notify_all()
            while (self._queue or self._in_flight) and not self._closed.is_set():
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._lock.wait(remaining)
            return not self._queue and not self._in_flight

    def shutdown(self, timeout: float) -> None:
        self.flush(timeout)
        self._closed.set()
        with self._lock:
            self._lock.notify_all()
        self._thread.join()
        with self._lock:
            self.stats["dropped"] += len(self._queue)
            self._queue.clear()

    def _next_batch(self) -> Optional[List[Dict[str, Any]]]:
        """The next batch once it is full, its first event waited flush_interval, or flush() asks."""
        with self._lock:
            deadline = time.monotonic() + self._flush_interval
            while not self._closed.is_set():
                if not self._queue:
                    self._flush_requested = False
                    self._lock.notify_all()
                    self._lock.wait()
                    deadline = time.monotonic() + self._flush_interval
                    continue
                if self._flush_requested or len(self._queue) >= self._max_batch_size or time.monotonic() >= deadline:
                    batch = [self._queue.popleft() for _ in range(min(self._max_batch_size, len(self._queue)))]
                    self._in_flight = len(batch)
                    return batch
                self._lock.wait(max(0.0, deadline - time.monotonic()))
            return None

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            sent = self._send_with_retry(batch)
            with self._lock:
                self._in_flight = 0
                if not sent:
                    self._queue.extendleft(reversed(batch))
                self._lock.notify_all()

    def _send_with_retry(self, batch: List[Dict[str, Any]]) -> bool:
        attempt = 0
        while not self._closed.is_set():
            try:
                status, body = self._send(batch)
                if status == 202:
                    with self._lock:
                        self.stats["accepted"] += (body or {}).get("accepted", 0)
                        self.stats["duplicates"] += (body or {}).get("duplicates", 0)
                    return True
                if status < 500 and status not in (408, 429):
                    with self._lock:
                        self.stats["rejected"] += len(batch)
                    self._on_error(RuntimeError("Vigil refused %d events (HTTP %d): %r" % (len(batch), status, body)))
                    return True
            except Exception as error:  # network errors and timeouts: retry
                if attempt == 0:
                    self._on_error(error)
            with self._lock:
                self.stats["retries"] += 1
            self._closed.wait(random.uniform(0, min(self._retry_max, self._retry_base * 2 ** attempt)))
            attempt += 1
        return False
