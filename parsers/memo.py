"""Remembering pure functions of short strings (a link, a date text, a URL spelling).

Listing detection and a pass's bookkeeping ask the same question of the same string many
times per page. A cache must not keep a hostile page's megabyte-long href alive, so only
calls whose first argument is at most `longest` characters are remembered; longer ones
are computed each time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

LONGEST = 2000


def remember_short(*, longest: int = LONGEST, size: int = 4096) -> Callable[[F], F]:
    """A bounded LRU cache over `fn` for calls whose first argument is a short string."""

    def wrap(fn: F) -> F:
        cached = functools.lru_cache(maxsize=size)(fn)

        @functools.wraps(fn)
        def call(first: str | None, *args: Any, **kwargs: Any) -> Any:
            if first is None or len(first) > longest:
                return fn(first, *args, **kwargs)
            return cached(first, *args, **kwargs)

        return cast(F, call)

    return wrap
