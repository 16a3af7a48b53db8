"""State shared by CLI commands: settings loaded once in the typer callback, and the
mapping of owabi errors to exit codes (2 for configuration, 1 for runtime)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console

from collector.errors import ConfigError, StoreError
from parsers.errors import OwabiError

if TYPE_CHECKING:
    from collector.config.files import Config
    from collector.config.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2

# Off a terminal (pipes, logs, tests) tables get room instead of `…` in every cell.
PIPE_WIDTH = 200
out = Console(highlight=False, width=None if sys.stdout.isatty() else PIPE_WIDTH)
# Errors are one line each, whatever their length: never wrapped.
err = Console(
    stderr=True,
    highlight=False,
    soft_wrap=True,
    width=None if sys.stderr.isatty() else PIPE_WIDTH,
)


class StderrProxy:
    """Writes to whatever sys.stderr is now, so logs flow above a rich progress bar."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


@dataclass
class Ctx:
    env_file: str | None
    log_level: str | None
    _settings: Settings | None = None
    _config: Config | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from collector.config.settings import load_settings
            from collector.logsetup import configure_logging

            overrides: dict[str, Any] = {"log_level": self.log_level} if self.log_level else {}
            self._settings = load_settings(self.env_file, **overrides)
            configure_logging(
                self._settings.log_level,
                self._settings.log_format,
                self._settings.secret_values(),
                stream=StderrProxy(),  # type: ignore[arg-type]
            )
        return self._settings

    @property
    def config(self) -> Config:
        if self._config is None:
            from collector.config.files import load_config

            self._config = load_config(self.settings)
        return self._config


def ctx_of(ctx: typer.Context) -> Ctx:
    obj = ctx.find_root().obj
    assert isinstance(obj, Ctx)
    return obj


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    err.print(f"[bold red]owabi:[/] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn owabi errors into one line on stderr and the documented exit code."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except ConfigError as exc:
        fail(escape(str(exc)), EXIT_CONFIG)
    except OwabiError as exc:
        fail(escape(str(exc)), EXIT_FAILED)
    except SQLAlchemyError as exc:
        # The store went away in the middle of a command: one line, not a traceback.
        reason = str(getattr(exc, "orig", None) or exc.__class__.__name__)
        fail(escape(str(StoreError(f"store: {reason}"))), EXIT_FAILED)


def escape(text: str) -> str:
    """Scraped or user text printed through rich: `[` would start markup."""
    return text.replace("[", "\\[")
