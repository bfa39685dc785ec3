"""Vigil's Python client: ``log`` in the background, ``check`` before showing an output."""
import atexit
import datetime
import uuid
from typing import Any, Callable, Dict, Optional

from ._batcher import Batcher
from ._http import Unreachable, post_json


class VigilError(Exception):
    """Vigil refused a check (4xx): a wrong key, source or body, to fix rather than ride out."""

    def __init__(self, message: str, status: int, code: Optional[str] = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class Vigil:
    """Sends events in batches from a daemon thread; call ``shutdown()`` (also run at exit)."""

    def __init__(self, url: str, api_key: str, *, fail_mode: str, source: Optional[str] = None,
                 max_batch_size: int = 100, flush_interval: float = 1.0, max_queue_size: int = 10000,
                 request_timeout: float = 10.0, check_timeout: float = 1.0, retry_base: float = 0.2,
                 retry_max: float = 30.0, on_error: Optional[Callable[[Exception], None]] = None) -> None:
        if fail_mode not in ("open", "closed"):
            raise ValueError("Vigil: fail_mode must be 'open' or 'closed' (what check() answers when Vigil cannot)")
        self._base = url.rstrip("/")
        self._api_key = api_key
        self._fail_mode = fail_mode
        self._source = source
        self._check_timeout = check_timeout
        self._batcher = Batcher(
            lambda events: post_json(self._base + "/v1/events", api_key, {"events": events}, request_timeout),
            max_batch_size=min(max_batch_size, 1000), flush_interval=flush_interval, max_queue_size=max_queue_size,
            retry_base=retry_base, retry_max=retry_max, on_error=on_error or (lambda error: None),
        )
        self._shut = False
        atexit.register(self.shutdown, 2.0)

    def log(self, event: Dict[str, Any]) -> str:
        """Queues the event and returns its id at once (kept on retries, so nothing is stored twice)."""
        source = event.get("source") or self._source
        if not source:
            raise ValueError("Vigil.log: the event needs a source (or pass source= to Vigil)")
        if not isinstance(event.get("output"), str):
            raise TypeError("Vigil.log: output must be a string")
        event_id = event.get("id") or str(uuid.uuid4())
        occurred_at = event.get("occurred_at") or datetime.datetime.now(datetime.timezone.utc).isoformat()
        self._batcher.add(dict(event, id=event_id, source=source, occurred_at=occurred_at))
        return event_id

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Blocks until everything logged so far is sent; False if ``timeout`` seconds ran out."""
        return self._batcher.flush(timeout)

    def shutdown(self, timeout: float = 5.0) -> Dict[str, int]:
        """Flushes for at most ``timeout`` seconds, then stops; what is left counts as dropped."""
        if not self._shut:
            self._shut = True
            self._batcher.shutdown(timeout)
        return self.stats()

    def stats(self) -> Dict[str, int]:
        return dict(self._batcher.stats, queued=self._batcher.queued)

    def check(self, output: str, *, input: Optional[str] = None, source: Optional[str] = None,
              scores: Optional[Dict[str, float]] = None) -> Dict[str, Any]:
        """Vigil's decision ``{action, flags, ...}``; timeouts, network errors and 5xx follow fail_mode."""
        body: Dict[str, Any] = {"source": source or self._source, "output": output}
        if not body["source"]:
            raise ValueError("Vigil.check: the request needs a source (or pass source= to Vigil)")
        if input is not None:
            body["input"] = input
        if scores is not None:
            body["scores"] = scores
        try:
            status, answer = post_json(self._base + "/v1/check", self._api_key, body, self._check_timeout)
        except Unreachable as error:
            return self._failed("timeout" if error.timed_out else "unavailable")
        if status >= 500:
            return self._failed("unavailable")
        if status != 200 or not isinstance(answer, dict):
            error = (answer or {}).get("error", {}) if isinstance(answer, dict) else {}
            raise VigilError("Vigil check failed (HTTP %d): %s" % (status, error.get("message", "no body")), status, error.get("code"))
        return answer

    def _failed(self, reason: str) -> Dict[str, Any]:
        action = "allow" if self._fail_mode == "open" else "block"
        return {"action": action, "flags": [], "guardrail_version": None, "failed": reason}
