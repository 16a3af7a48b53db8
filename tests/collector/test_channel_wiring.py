"""Channel kinds are registered once (alerts.channels.CHANNEL_KINDS) and the wiring builds
every channel through that registry: its spec from the rules file, its settings from the
process settings, its secrets from variables the spec names (read like any setting, and
masked in the logs once read), its preview for `owabi alerts test`."""

from __future__ import annotations

import asyncio
import io
import json
import re
from pathlib import Path

import httpx
import pytest
import structlog

from alerts.channels import CHANNEL_KINDS, ChannelSpec, EmailChannel, SlackChannel
from alerts.message import Alert
from collector.config.files import Config, load_rules, load_sources
from collector.config.settings import Settings, load_settings
from collector.logsetup import MASK, configure_logging
from collector.runtime import (
    FallbackConsole,
    build_channels,
    open_runtime,
    preview,
    send_timeout,
)

REPO = Path(__file__).resolve().parents[2]
TEAM_URL = "https://hooks.slack.example/services/T1/B2/teamSECRETtoken"


def _rules(tmp_path: Path, channels: str) -> Path:
    """One rule sending to every `[channels.NAME]` table of `channels`."""
    path = tmp_path / "rules.toml"
    names = re.findall(r"^\[channels\.([\w-]+)\]$", channels, re.MULTILINE)
    path.write_text(
        f'[[rule]]\nname = "all"\nchannels = {json.dumps(names)}\n{channels}', encoding="utf-8"
    )
    return path


def _built(settings: Settings, rules_path: Path) -> dict[str, object]:
    async def build() -> dict[str, object]:
        async with httpx.AsyncClient(timeout=7.0) as client:
            return dict(build_channels(load_rules(rules_path), settings, client))

    return asyncio.run(build())


def test_every_kind_has_a_spec_named_after_it_and_its_settings_in_settings() -> None:
    for name, kind in CHANNEL_KINDS.items():
        assert kind.kind == name
        assert issubclass(kind.spec, ChannelSpec)
        assert kind.spec.model_fields["kind"].annotation.__args__ == (name,)  # type: ignore[union-attr]
        for field in kind.settings.model_fields if kind.settings else {}:
            assert field in Settings.model_fields, (name, field)


def test_a_webhook_from_a_variable_the_rules_name_is_read_from_dotenv_and_masked(
    tmp_path: Path,
) -> None:
    env = tmp_path / ".env"
    env.write_text(f"OWABI_SLACK_TEAM_WEBHOOK_URL={TEAM_URL}\n", encoding="utf-8")
    rules = _rules(
        tmp_path,
        '[channels.team]\nkind = "slack"\nwebhook_url_env = "OWABI_SLACK_TEAM_WEBHOOK_URL"\n',
    )
    stream = io.StringIO()
    configure_logging("info", "json", [], stream=stream)
    channels = _built(load_settings(str(env)), rules)
    assert isinstance(channels["team"], SlackChannel)
    structlog.get_logger("t").info("posting", url=TEAM_URL)
    assert TEAM_URL not in stream.getvalue() and MASK in stream.getvalue()


def test_a_webhook_from_a_secret_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "team-url"
    secret.write_text(TEAM_URL + "\n", encoding="utf-8")
    monkeypatch.setenv("OWABI_SLACK_TEAM_WEBHOOK_URL_FILE", str(secret))
    rules = _rules(
        tmp_path,
        '[channels.team]\nkind = "slack"\nwebhook_url_env = "OWABI_SLACK_TEAM_WEBHOOK_URL"\n',
    )
    assert isinstance(_built(load_settings(None), rules)["team"], SlackChannel)


def test_unconfigured_channels_fall_back_to_one_console(tmp_path: Path) -> None:
    rules = _rules(
        tmp_path,
        '[channels.a]\nkind = "slack"\nwebhook_url_env = "OWABI_NOT_SET"\n'
        '[channels.b]\nkind = "email"\n[channels.c]\nkind = "webhook"\n',
    )
    channels = _built(load_settings(None), rules)
    assert all(isinstance(c, FallbackConsole) for c in channels.values())
    assert len({id(c) for c in channels.values()}) == 1


def test_email_settings_come_from_its_own_model_and_bound_the_send_timeout(
    tmp_path: Path,
) -> None:
    rules = _rules(tmp_path, '[channels.mail]\nkind = "email"\nto = ["soc@example.jp"]\n')
    settings = load_settings(None, smtp_host="127.0.0.1", smtp_port=2525, smtp_timeout=45)
    channels = _built(settings, rules)
    mail = channels["mail"]
    assert isinstance(mail, EmailChannel)
    assert (mail.host, mail.port, mail.to, mail.timeout) == (
        "127.0.0.1",
        2525,
        ["soc@example.jp"],
        45,
    )
    assert send_timeout(settings, channels) == 90  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", sorted(CHANNEL_KINDS))
def test_every_kind_previews_an_alert_without_its_settings(
    tmp_path: Path, kind: str, make_alert_for_preview: Alert
) -> None:
    rules = _rules(tmp_path, f'[channels.x]\nkind = "{kind}"\n')
    settings = load_settings(None)
    config = Config(settings, load_sources(REPO / "config" / "sources.toml"), load_rules(rules))
    text = preview(config, "x", make_alert_for_preview)
    assert "株式会社サンプル商事" in text


@pytest.fixture
def make_alert_for_preview() -> Alert:
    from tests.alerts.conftest import sample_incident

    return Alert(
        rule="all",
        event="new",
        incident_id=1,
        incident=sample_incident(),
        links=("https://www.example.co.jp/news/1.html",),
        sources=("s",),
        key="k",
    )


def test_a_command_loads_the_certificate_store_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fetcher and the channels' client share one TLS context: loading the
    certificates is about 20 ms of every command's start-up."""
    made: list[object] = []
    real = httpx.create_ssl_context

    def counted(*args: object, **kwargs: object) -> object:
        made.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx, "create_ssl_context", counted)
    (tmp_path / "sources.toml").write_text("", encoding="utf-8")
    settings = Settings(
        sources_file=str(tmp_path / "sources.toml"),
        rules_file=str(_rules(tmp_path, '[channels.console]\nkind = "console"\n')),
        database_url=f"sqlite:///{tmp_path}/owabi.db",
        secrets_dir=str(tmp_path / "none"),
    )
    config = Config(
        settings=settings,
        sources=load_sources(tmp_path / "sources.toml"),
        rules=load_rules(Path(settings.rules_file)),
    )

    async def open_and_close() -> bool:
        async with open_runtime(config) as runtime:
            return runtime.collector.fetcher.tls is not True

    assert asyncio.run(open_and_close())
    assert len(made) == 1
