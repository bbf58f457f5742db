"""Periodic sweeps the worker runs besides the outbox relay, registered by each context.

A sweep is a function of no arguments that does what has come due (a deadline passing) and
returns how many things it did. It must be safe to run twice at once and to run late.
"""

from collections.abc import Callable

Sweep = Callable[[], int]
_SWEEPS: dict[str, Sweep] = {}


def register(name: str, sweep: Sweep) -> None:
    """Run `sweep` on every pass of the worker (idempotent by name)."""
    _SWEEPS[name] = sweep


def registered() -> dict[str, Sweep]:
    return dict(_SWEEPS)
