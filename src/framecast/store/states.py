"""The request state machine. Every write in a store goes through one of these edges.

    IN_QUEUE ──claim──▶ IN_PROGRESS ──complete / fail / cancel──▶ COMPLETED
       │  ▲                  │
       │  └── lease lapsed ──┘   (attempts below the cap)
       └── cancel / start deadline passed ──▶ COMPLETED

COMPLETED is final: a result, or an error and its error_type.
"""

from __future__ import annotations

from framecast.store.records import Status

TRANSITIONS: frozenset[tuple[Status, Status]] = frozenset(
    {
        (Status.IN_QUEUE, Status.IN_PROGRESS),
        (Status.IN_QUEUE, Status.COMPLETED),
        (Status.IN_PROGRESS, Status.COMPLETED),
        (Status.IN_PROGRESS, Status.IN_QUEUE),
    }
)


class IllegalTransition(RuntimeError):
    pass


def check_transition(src: Status, dst: Status) -> None:
    if (src, dst) not in TRANSITIONS:
        raise IllegalTransition(f"{src} -> {dst}")
