"""urlwatch, the reference point: installed from PyPI into its own virtual environment
(kept under the temp dir between runs) and configured to watch the same listings with
every reporter off, so that what is measured is fetching, caching and diffing."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.content import urlwatch_jobs

VENV = Path(tempfile.gettempdir()) / "owabi-bench" / "urlwatch-venv"
CONFIG = "report:\n  stdout:\n    enabled: false\n    color: false\n"


def urlwatch_binary() -> Path:
    """The venv's urlwatch, created (python -m venv + pip install urlwatch) when missing."""
    exe = VENV / "bin" / "urlwatch"
    if exe.exists():
        return exe
    VENV.parent.mkdir(parents=True, exist_ok=True)
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, env=clean)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "urlwatch"]
    subprocess.run(pip, check=True, env=clean)
    return exe


def urlwatch_version(exe: Path) -> str:
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def prepare(tmp: Path, base_url: str, sources: int) -> tuple[list[str], dict[str, str]]:
    """argv and environment of one `urlwatch` run over `sources` listings. Its home is
    the temp dir, so nothing is read from or written to the user's urlwatch setup."""
    home = tmp / "urlwatch-home"
    home.mkdir(parents=True, exist_ok=True)
    urls, config = tmp / "urls.yaml", tmp / "urlwatch.yaml"
    urls.write_text(urlwatch_jobs(base_url, sources), encoding="utf-8")
    config.write_text(CONFIG, encoding="utf-8")
    argv = [
        str(urlwatch_binary()),
        "--urls",
        str(urls),
        "--config",
        str(config),
        "--cache",
        str(tmp / "urlwatch-cache.db"),
        "--hooks",
        str(home / "hooks.py"),
    ]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "LANG": "C.UTF-8",
    }
    return argv, env
