"""The clients behind the module-level verbs, made on first use so FRAMECAST_URL / FRAMECAST_KEY
are read when the first call is made, not at import."""

from __future__ import annotations

import asyncio
import inspect
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec, TypeVar

from framecast.client.async_client import AsyncClient
from framecast.client.sync_client import SyncClient

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_sync: SyncClient | None = None
# An httpx.AsyncClient's connections belong to the event loop that opened them, so each loop
# gets its own default client; it goes away with its loop.
_async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncClient] = weakref.WeakKeyDictionary()


def sync_client() -> SyncClient:
    global _sync
    with _lock:
        if _sync is None:
            _sync = SyncClient()
        return _sync


def async_client() -> AsyncClient:
    loop = asyncio.get_running_loop()
    with _lock:
        client = _async.get(loop)
        if client is None:
            client = _async[loop] = AsyncClient()
        return client


def reset() -> None:
    """Forget the default clients, so the next call reads the environment again."""
    global _sync
    with _lock:
        if _sync is not None:
            _sync.close()
        _sync = None
        _async.clear()


def _named(fn: Callable[P, R], method: Callable[..., object], name: str) -> Callable[P, R]:
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = method.__doc__
    fn.__module__ = "framecast.client"
    # help() and IDEs show the verb's own parameters, without the client's ``self``
    signature = inspect.signature(method)
    setattr(fn, "__signature__", signature.replace(parameters=list(signature.parameters.values())[1:]))  # noqa: B010
    return fn


def on_sync(method: Callable[Concatenate[SyncClient, P], R]) -> Callable[P, R]:
    """``SyncClient.verb`` as a function of the default client, with the same signature."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return method(sync_client(), *args, **kwargs)

    return _named(call, method, method.__name__)


def on_async(method: Callable[Concatenate[AsyncClient, P], Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """``AsyncClient.verb`` as ``verb_async`` of the running loop's default client."""

    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return await method(async_client(), *args, **kwargs)

    return _named(call, method, f"{method.__name__}_async")


def on_async_iter(method: Callable[Concatenate[AsyncClient, P], R]) -> Callable[P, R]:
    """For the verbs that return an async iterator rather than a coroutine."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return method(async_client(), *args, **kwargs)

    return _named(call, method, f"{method.__name__}_async")
