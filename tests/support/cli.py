"""Running `owabi` in-process, as a user would from a shell."""

from __future__ import annotations

from typer.testing import CliRunner

from collector.cli.main import app


def run_cli(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr); an unexpected exception is re-raised, not hidden."""
    result = CliRunner().invoke(app, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr
