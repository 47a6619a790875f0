"""prefetched: a bounded read-ahead thread that hands exceptions over unchanged."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator

import pytest

from framecast.media.prefetch import prefetched


def test_items_arrive_in_order() -> None:
    with prefetched(range(100), depth=3) as items:
        assert list(items) == list(range(100))


def test_read_ahead_is_bounded() -> None:
    produced: list[int] = []

    def source() -> Iterator[int]:
        for i in range(50):
            produced.append(i)
            yield i

    with prefetched(source(), depth=2) as items:
        assert next(items) == 0
        time.sleep(0.3)  # give the producer every chance to run ahead
        # One handed over, two queued, one produced and waiting for room.
        assert len(produced) <= 4


def test_exception_is_reraised_as_is_after_the_items_before_it() -> None:
    error = KeyError("from the producer")

    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise error

    received: list[int] = []
    with pytest.raises(KeyError) as caught, prefetched(source(), depth=4) as items:
        for item in items:
            received.append(item)
    assert caught.value is error
    assert received == [1, 2]


def test_leaving_early_stops_and_closes_the_source() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    with prefetched(source(), depth=1) as items:
        assert next(items) == 0
    assert closed.is_set()
    assert not [t for t in threading.enumerate() if t.name == "framecast-prefetch"]


def test_context_variables_follow_the_source() -> None:
    request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id")
    request_id.set("req-1")

    def source() -> Iterator[str]:
        yield request_id.get("unset")

    with prefetched(source(), depth=1) as items:
        assert list(items) == ["req-1"]
