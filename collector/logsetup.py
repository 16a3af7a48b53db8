"""structlog configuration: readable lines on a terminal, JSON lines elsewhere, and a
last processor that masks every configured secret wherever it might appear."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any, TextIO

import structlog

MASK = "***"


class SecretMasker:
    """Replaces secret values (webhook URLs, passwords) in every string of an event.

    Secrets known at start-up come from the settings; those read later (a webhook URL
    from a variable a rules file names) are added with `add` when they are read."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        found = {*self.secrets, *(s for s in secrets if s and len(s) >= 4)}
        self.secrets = sorted(found, key=len, reverse=True)

    def mask(self, value: Any) -> Any:
        if isinstance(value, str):
            for secret in self.secrets:
                value = value.replace(secret, MASK)
            return value
        if isinstance(value, dict):
            return {k: self.mask(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.mask(v) for v in value)
        return value

    def __call__(
        self, _logger: Any, _name: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        if not self.secrets:
            return event
        return {k: self.mask(v) for k, v in event.items()}


# The masker of the configured logging: `mask` adds to it from anywhere in the process.
_MASKER = SecretMasker()


def mask(*secrets: str) -> None:
    """Never log these values (a secret read after logging was configured)."""
    _MASKER.add(secrets)


def configure_logging(
    level: str = "info",
    fmt: str = "auto",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> None:
    stream = stream or sys.stderr
    _MASKER.add(secrets)
    use_json = fmt == "json" or (fmt == "auto" and not stream.isatty())
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if use_json
        else structlog.dev.ConsoleRenderer(colors=stream.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _MASKER,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
