"""The contract every channel kind fulfils, in the module of its own that holds all of it:
its `[channels.NAME]` spec, its settings and secrets, its payloads, and the channel.

A channel makes exactly one delivery attempt per `send` (one alert) or `send_digest`
(one period's summary). It never sleeps, loops or retries: on failure it raises
`DeliveryError` saying whether a retry could help (`retryable`, `reason`,
`retry_after`), and the outbox worker owns backoff, attempt limits and parking. Secrets
(webhook URLs, SMTP passwords) stay inside the channel: not in errors, not in `repr`.

A channel class is built from its spec by `build`, which reads settings and secrets
through a `ChannelEnv` (the collector's: environment, `.env`, secret files; every secret
it hands out is masked in the logs from then on) and raises `Unconfigured` when what it
needs is not set, so the alert goes to the console instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, model_validator

from alerts.digest import DigestItem, DigestSpec, Period
from alerts.message import Alert

M = TypeVar("M", bound=BaseModel)
S = TypeVar("S", bound="ChannelSpec")


class ChannelSpec(BaseModel):
    """What every `[channels.NAME]` table may set: per-alert messages, a digest, pacing.

    `each = false` with a digest makes a digest-only channel; `min_interval` is the
    least time in seconds between two messages on this channel (the deliverer paces).
    A kind subclasses this, narrowing `kind` to its name and adding its own keys.
    """

    model_config = ConfigDict(extra="forbid")

    kind: str
    each: bool = True
    digest: DigestSpec | None = None
    min_interval: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _sends_something(self) -> ChannelSpec:
        if not self.each and self.digest is None:
            raise ValueError("each = false needs a digest, or the channel sends nothing")
        return self


class Channel(Protocol):
    """A built channel, as the outbox uses it."""

    name: str
    # Seconds one attempt may take on this channel (its own connect/read bound).
    timeout: float

    @property
    def kind(self) -> str: ...

    async def send(self, alert: Alert) -> None:
        """Deliver once or raise `alerts.errors.DeliveryError`."""
        ...

    async def send_digest(self, items: Sequence[DigestItem], period: Period) -> None:
        """Deliver the period's digest once (an empty period too), same error contract."""
        ...


class ChannelEnv(Protocol):
    """What building a channel may read, provided by the collector."""

    @property
    def client(self) -> httpx.AsyncClient:
        """The HTTP client every HTTP channel shares."""
        ...

    def settings(self, model: type[M]) -> M:
        """The channel's own settings model, filled from the process settings."""
        ...

    def variable(self, name: str) -> str | None:
        """The value of a variable a spec names (a secret, masked in logs once read)."""
        ...


class Unconfigured(Exception):
    """The channel's settings are not set; `needs` says which (one line, no secret)."""

    def __init__(self, needs: str) -> None:
        super().__init__(needs)
        self.needs = needs


class ChannelKind(Protocol):
    """A channel class, as the registry holds it: its kind, spec and settings models,
    how it is built from a spec, and how `owabi alerts test` shows its message."""

    kind: str
    spec: type[ChannelSpec]
    settings: type[BaseModel] | None

    def build(self, name: str, spec: ChannelSpec, env: ChannelEnv) -> Channel: ...

    def preview(self, spec: ChannelSpec, alert: Alert, env: ChannelEnv) -> str: ...


def spec_as(spec: ChannelSpec, model: type[S]) -> S:
    """`spec` as the kind's own model (the registry routes each spec to its kind)."""
    if not isinstance(spec, model):
        raise TypeError(f"expected a {model.__name__}, got {type(spec).__name__}")
    return spec
