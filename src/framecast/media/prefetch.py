"""Running an iterator a few items ahead in a background thread.

The encoder uses it so a pipeline renders frame n+1 while frame n is converted and encoded: numpy,
torch and x264 all release the GIL, so the two overlap on separate cores.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["prefetched"]

T = TypeVar("T")

_POLL_SECONDS = 0.05


class _End:
    pass


@dataclass(frozen=True)
class _Raised:
    exc: BaseException


@dataclass
class _Channel(Generic[T]):
    items: queue.Queue[T | _End | _Raised]
    stop: threading.Event

    def put(self, item: T | _End | _Raised) -> bool:
        """Block while the consumer is behind; give up once it has stopped listening."""
        while not self.stop.is_set():
            try:
                self.items.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False


def _produce(source: Iterable[T], channel: _Channel[T]) -> None:
    iterator = iter(source)
    try:
        for item in iterator:
            if not channel.put(item):
                return
        channel.put(_End())
    except BaseException as exc:  # handed to the consumer, which re-raises it as is
        channel.put(_Raised(exc))
    finally:
        # A generator left suspended would keep its resources (and a pipeline's GPU memory) alive.
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def _consume(channel: _Channel[T]) -> Iterator[T]:
    while True:
        item = channel.items.get()
        if isinstance(item, _End):
            return
        if isinstance(item, _Raised):
            raise item.exc
        yield item


@contextmanager
def prefetched(source: Iterable[T], depth: int) -> Iterator[Iterator[T]]:
    """Yield an iterator over ``source`` that a thread fills up to ``depth`` items ahead.

    An exception raised by ``source`` is re-raised, unchanged, where its item would have been. On
    leaving the block the thread is stopped and joined, even when the consumer stopped early.
    Items cross threads, so ``source`` must not reuse an object after yielding it. Thread-local
    state does not follow (torch's grad mode among it): a source that needs it must set it itself.
    """
    channel: _Channel[T] = _Channel(queue.Queue(maxsize=depth), threading.Event())
    # The caller's context variables (a request id for log records, say) stay visible to the source.
    context = contextvars.copy_context()
    thread = threading.Thread(
        target=context.run, args=(_produce, source, channel), name="framecast-prefetch", daemon=True
    )
    thread.start()
    try:
        yield _consume(channel)
    finally:
        channel.stop.set()
        thread.join()
