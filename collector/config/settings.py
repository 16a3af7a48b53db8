"""Process settings: `OWABI_*` environment variables, a `.env` file and secret files.

Secrets (webhook URLs, SMTP and database passwords: every `SecretStr` setting) may come
from the environment, from `OWABI_<NAME>_FILE` pointing at a file, or from a secrets
directory (Docker secrets at /run/secrets), so that they never need to sit in a compose
file. A channel's own settings (OWABI_SMTP_*) are declared by its channel module and
joined in here from the channel registry; a variable a rules file names
(`webhook_url_env = "OWABI_SLACK_TEAM_WEBHOOK_URL"`) is read through the same sources by
`Settings.variable`.
"""

from __future__ import annotations

import os
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from dotenv import dotenv_values
from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from alerts.channels import CHANNEL_KINDS
from alerts.durations import parse_duration
from collector.errors import ConfigError

ENV_PREFIX = "OWABI_"
DEFAULT_SECRETS_DIR = Path("/run/secrets")


class CoreSettings(BaseSettings):
    """Every setting but the channels' own, with the default a newcomer gets from
    `make run`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    # Storage and configuration files.
    database_url: SecretStr = SecretStr("sqlite:///data/owabi.db")
    sources_file: Path = Path("config/sources.toml")
    rules_file: Path = Path("config/rules.toml")

    # Logging.
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"

    # Fetching.
    concurrency: int = Field(8, ge=1, le=256)
    http_timeout: float = Field(20.0, gt=0)
    max_body_bytes: int = Field(20_000_000, gt=0)
    max_redirects: int = Field(5, ge=0, le=30)
    per_host_concurrency: int = Field(2, ge=1, le=64)
    politeness_delay: float = Field(1.0, ge=0)
    fetch_retries: int = Field(3, ge=0, le=10)
    respect_robots: bool = True
    allow_private_addresses: bool = False
    # The shortest interval a source may be polled at: a typo (`interval = 0.001`) would
    # otherwise hammer a site. Tests lower it.
    min_interval: float = 60.0
    default_interval: float = 900.0
    max_articles_per_source: int = Field(30, ge=1)
    first_pass_days: int = Field(7, ge=0)
    # Links from a news article to the organization's own notice read with it (0: none).
    primary_links: int = Field(2, ge=0, le=10)

    # Parsing: each document in a worker process, within a deadline and a memory bound.
    parse_deadline: float = 20.0
    parse_memory_mb: int = Field(1536, ge=256)
    parse_workers: int = Field(2, ge=1, le=64)

    # Alert delivery (each channel's own settings come from its module).
    delivery_max_attempts: int = Field(8, ge=1)

    # The service (`owabi run`).
    http_host: str = "0.0.0.0"
    http_port: int = Field(8080, ge=0, le=65535)
    # The analysts' pages, feed and API (collector.web): on any address but loopback they
    # open only with this token (Bearer, Basic password, or ?token= for feed readers).
    web_token: SecretStr | None = None
    # Users who may sign in with Basic auth: `name:scrypt$…` lines (collector.web.users).
    web_users_file: str | None = None
    # /metrics without the token (a Prometheus scraper on the same network).
    web_metrics_open: bool = True
    # Serve the MISP feed (as `owabi incidents export --format misp`) at /misp/.
    web_misp_feed: bool = False
    shutdown_timeout: float = 30.0
    config_poll: float = 5.0
    # A reload that leaves no enabled source is taken for an accident (a truncated file)
    # and rejected, unless the operator says an empty list is meant.
    allow_no_sources: bool = False
    delivery_interval: float = 30.0
    max_backoff: float = 21600.0
    schedule_jitter: float = Field(0.1, ge=0, lt=1)
    leader_poll: float = 5.0

    # Where `variable` looks besides the environment (set by load_settings).
    _env_file: str | None = PrivateAttr(default=None)
    _secrets_dir: Path | None = PrivateAttr(default=None)

    @field_validator(
        "default_interval",
        "parse_deadline",
        "shutdown_timeout",
        "config_poll",
        "delivery_interval",
        "max_backoff",
        "leader_poll",
        mode="before",
    )
    @classmethod
    def _duration(cls, value: Any) -> float:
        return parse_duration(value)

    @field_validator("min_interval", mode="before")
    @classmethod
    def _floor(cls, value: Any) -> float:
        """A duration, or 0 for no floor (tests)."""
        return 0.0 if str(value).strip() in ("0", "0.0", "0s") else parse_duration(value)

    @field_validator("default_interval")
    @classmethod
    def _above_floor(cls, value: float, info: ValidationInfo) -> float:
        floor = info.data.get("min_interval", 0.0)
        if value < floor:
            raise ValueError(f"{value:g} s is below OWABI_MIN_INTERVAL ({floor:g} s)")
        return value

    @property
    def database_url_plain(self) -> str:
        return self.database_url.get_secret_value()

    def variable(self, name: str) -> str | None:
        """The value of the variable `name` (as a rules file names it): a setting's value
        when it names one, else `<name>_FILE`, the environment, the .env file and the
        secrets directory, in that order."""
        field = name.removeprefix(ENV_PREFIX).lower()
        if name.startswith(ENV_PREFIX) and field in type(self).model_fields:
            value = getattr(self, field)
            plain = value.get_secret_value() if isinstance(value, SecretStr) else value
            return str(plain) if plain not in (None, "") else None
        return _variable(name, self._env_file, self._secrets_dir)

    def secret_values(self) -> list[str]:
        """Every secret setting's value (and the database password), for the log masker."""
        values = [
            value.get_secret_value()
            for name in type(self).model_fields
            if isinstance(value := getattr(self, name), SecretStr)
        ]
        db = self.database_url_plain
        if "@" in db and ":" in db.split("@", 1)[0].split("://", 1)[-1]:
            values.append(db.split("://", 1)[-1].split("@", 1)[0].split(":", 1)[1])
        return [v for v in values if v]


if TYPE_CHECKING:
    Settings = CoreSettings
else:
    Settings = create_model(
        "Settings",
        __base__=(
            CoreSettings,
            *(kind.settings for kind in CHANNEL_KINDS.values() if kind.settings is not None),
        ),
        __doc__="Every setting: the core ones and each channel kind's own.",
    )


def secret_fields() -> list[str]:
    """Settings that hold secrets, and so may come from `OWABI_<NAME>_FILE`."""
    return [
        name
        for name, info in Settings.model_fields.items()
        if info.annotation is SecretStr or SecretStr in typing.get_args(info.annotation)
    ]


def _variable(name: str, env_file: str | None, secrets_dir: Path | None) -> str | None:
    file = os.environ.get(f"{name}_FILE")
    if file:
        try:
            return Path(file).read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            raise ConfigError(f"{name}_FILE: cannot read {file}: {exc.strerror}", key=name) from exc
    if os.environ.get(name):
        return os.environ[name]
    if env_file and Path(env_file).is_file():
        value = dotenv_values(env_file).get(name)
        if value:
            return value
    if secrets_dir is not None:
        secret = secrets_dir / name.lower()
        if secret.is_file():
            return secret.read_text(encoding="utf-8").strip() or None
    return None


def _file_secrets(environ: dict[str, str]) -> dict[str, str]:
    """Values of `OWABI_<NAME>_FILE` for secret fields, read from their files."""
    found: dict[str, str] = {}
    for name in secret_fields():
        var = f"{ENV_PREFIX}{name.upper()}_FILE"
        path = environ.get(var)
        if not path:
            continue
        try:
            found[name] = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{var}: cannot read {path}: {exc.strerror}", key=var) from exc
    return found


def load_settings(env_file: str | None = ".env", **overrides: Any) -> Settings:
    """Settings from the environment, `.env`, secret files and `overrides`.

    A bad value raises ConfigError naming the variable and the problem, which
    the CLI turns into exit code 2.
    """
    environ = dict(os.environ)
    init: dict[str, Any] = {**_file_secrets(environ), **overrides}
    secrets_dir = Path(environ.get(f"{ENV_PREFIX}SECRETS_DIR", DEFAULT_SECRETS_DIR))
    kwargs: dict[str, Any] = {"_env_file": env_file}
    if secrets_dir.is_dir():
        kwargs["_secrets_dir"] = str(secrets_dir)
    try:
        settings: Settings = Settings(**kwargs, **init)
    except SettingsError as exc:
        raise ConfigError(f"settings: {exc}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        var = f"{ENV_PREFIX}{field.upper()}"
        where = f" (from {env_file})" if env_file and Path(env_file).is_file() else ""
        msg = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"setting {var}{where}: {msg}", key=var) from exc
    settings._env_file = env_file
    settings._secrets_dir = secrets_dir if secrets_dir.is_dir() else None
    return settings
