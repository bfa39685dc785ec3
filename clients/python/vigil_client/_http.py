"""JSON over HTTP with the standard library only."""
import json
import socket
import urllib.error
import urllib.request
from typing import Any, Optional, Tuple


class Unreachable(Exception):
    """No answer: network error or timeout (``timed_out`` tells which)."""

    def __init__(self, reason: str, timed_out: bool) -> None:
        super().__init__(reason)
        self.timed_out = timed_out


def post_json(url: str, api_key: str, body: Any, timeout: float) -> Tuple[int, Optional[Any]]:
    """POSTs ``body`` as JSON; returns (status, parsed body or None). Raises Unreachable."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={"authorization": "Bearer " + api_key, "content-type": "application/json", "user-agent": "vigil-client-python/0.1.0"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, _parse(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _parse(error.read())
    except urllib.error.URLError as error:
        raise Unreachable(str(error.reason), isinstance(error.reason, (socket.timeout, TimeoutError))) from error
    except (socket.timeout, TimeoutError) as error:
        raise Unreachable("timed out", True) from error
    except (ConnectionError, OSError) as error:
        raise Unreachable(str(error), False) from error


def _parse(raw: bytes) -> Optional[Any]:
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except ValueError:
        return None
