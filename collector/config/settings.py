"""Process settings: `OWABI_*` environment variables, a `.env` file and secret files.

Secrets (webhook URL, SMTP and database passwords) may come from the environment,
from `OWABI_<NAME>_FILE` pointing at a file, or from a secrets directory (Docker
secrets at /run/secrets), so that they never need to sit in a compose file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from alerts.durations import parse_duration
from collector.errors import ConfigError

ENV_PREFIX = "OWABI_"
SECRET_FIELDS = ("slack_webhook_url", "smtp_password", "webhook_url", "database_url")
DEFAULT_SECRETS_DIR = Path("/run/secrets")


class Settings(BaseSettings):
    """Every setting, with the default a newcomer gets from `make run`."""

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
    default_interval: float = 900.0
    max_articles_per_source: int = Field(30, ge=1)

    # Alert channels (console when none is configured).
    slack_webhook_url: SecretStr | None = None
    webhook_url: SecretStr | None = None
    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_tls: bool = False
    smtp_from: str = "owabi@localhost"
    smtp_to: Annotated[list[str], NoDecode] = Field(default_factory=list)
    smtp_timeout: float = Field(30.0, gt=0)
    delivery_max_attempts: int = Field(8, ge=1)

    # The service (`owabi run`).
    http_host: str = "0.0.0.0"
    http_port: int = Field(8080, ge=0, le=65535)
    shutdown_timeout: float = 30.0
    config_poll: float = 5.0
    delivery_interval: float = 30.0
    max_backoff: float = 21600.0
    schedule_jitter: float = Field(0.1, ge=0, lt=1)
    leader_poll: float = 5.0

    @field_validator(
        "default_interval",
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

    @field_validator("smtp_to", mode="before")
    @classmethod
    def _address_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [a.strip() for a in value.split(",") if a.strip()]
        return value

    @property
    def database_url_plain(self) -> str:
        return self.database_url.get_secret_value()


def _file_secrets(environ: dict[str, str]) -> dict[str, str]:
    """Values of `OWABI_<NAME>_FILE` for secret fields, read from their files."""
    found: dict[str, str] = {}
    for name in SECRET_FIELDS:
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
        return Settings(**kwargs, **init)
    except SettingsError as exc:
        raise ConfigError(f"settings: {exc}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        var = f"{ENV_PREFIX}{field.upper()}"
        where = f" (from {env_file})" if env_file and Path(env_file).is_file() else ""
        raise ConfigError(f"setting {var}{where}: {err['msg']}", key=var) from exc
