"""Settings and config files: every shipped file loads; every bad one is one line with
the file, the key and the reason, and `owabi` exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.cli.main import app
from collector.config.files import check_reload, load_config, load_rules, load_sources
from collector.config.settings import load_settings
from collector.errors import ConfigError
from collector.sources import SourceConfig
from tests.support.cli import run_cli

REPO = Path(__file__).resolve().parents[2]


def test_shipped_config_files_load() -> None:
    sources = load_sources(REPO / "config" / "sources.toml")
    assert len(sources.sources) >= 5
    kinds = {s.kind for s in sources.sources}
    assert {"feed", "page"} <= kinds
    assert all(s.interval for s in sources.sources)  # [defaults.all] applied
    rules = load_rules(REPO / "config" / "rules.toml")
    assert {"slack", "email"} <= set(rules.channels)


def test_example_env_lists_every_setting() -> None:
    text = (REPO / "config" / "owabi.example.env").read_text(encoding="utf-8")
    from collector.config.settings import Settings

    for name in Settings.model_fields:
        assert f"OWABI_{name.upper()}=" in text, name


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), (45, 45), ("15m", 900), ("1h30m", 5400), ("2d", 172800)]
)
def test_durations(text: str | int, seconds: float) -> None:
    """Config files read durations with alerts' parser, the one rule throttles use."""
    source = SourceConfig(id="a", url="https://a.example/", kind="feed", interval=text)
    assert source.interval == seconds
    settings = load_settings(None, default_interval=text, min_interval=0)
    assert settings.default_interval == seconds


@pytest.mark.parametrize("bad", ["", "soon", "-5", "0", "5x"])
def test_bad_durations(bad: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        SourceConfig(id="a", url="https://a.example/", kind="feed", interval=bad)
    with pytest.raises(ConfigError, match="OWABI_DEFAULT_INTERVAL"):
        load_settings(None, default_interval=bad)


def _sources(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('[[source]]\nid = "a"\nurl = "ftp://x"\nkind = "feed"\n', "source 'a' key 'url'"),
        ('[[source]]\nid = "a"\nurl = "https://x/"\nkind = "blog"\n', "source 'a' key 'kind'"),
        (
            '[[source]]\nid = "a"\nurl = "https://x/"\nkind = "feed"\ninterval = "soon"\n',
            "key 'interval'",
        ),
        (
            '[[source]]\nid = "a"\nurl = "https://x/"\nkind = "feed"\nencoding = "klingon"\n',
            "unknown encoding",
        ),
        ('[[source]]\nid = "a"\nurl = "https://x/"\nkind = "feed"\ncolour = 1\n', "colour"),
        (
            '[[source]]\nid = "a"\nurl = "https://x/"\nkind = "feed"\n'
            '[[source]]\nid = "a"\nurl = "https://y/"\nkind = "feed"\n',
            "duplicate source id 'a'",
        ),
        ("[[source]\n", "not valid TOML"),
        (
            '[[source]]\nid = "a"\nurl = "https://x/"\nkind = "feed"\n'
            'selectors = { item = "li" }\n',
            "selectors apply only",
        ),
        # Wrong shapes of the file itself: named by key, not a TypeError in the merge.
        ("source = 5\n", "key 'source': Input should be a valid list"),
        ("[defaults]\nall = 5\n", "key 'defaults.all': Input should be a valid dictionary"),
        ("defaults = 5\n", "key 'defaults': Input should be a valid dictionary"),
        ('source = ["x"]\n', "source #1"),
        # A selector lexbor cannot parse is refused at load, not on every poll.
        (
            '[[source]]\nid = "p"\nurl = "https://x/"\nkind = "page"\n'
            'selectors = { item = "ul >>> li[" }\n',
            "source 'p' key 'selectors.item': not a valid CSS selector: 'ul >>> li['",
        ),
        (
            '[[source]]\nid = "p"\nurl = "https://x/"\nkind = "page"\n'
            'selectors = { item = "li", date = "span:has(" }\n',
            "key 'selectors.date': not a valid CSS selector",
        ),
    ],
)
def test_bad_sources_file_names_file_and_key(tmp_path: Path, body: str, fragment: str) -> None:
    path = _sources(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    message = str(info.value)
    assert str(path) in message and fragment in message
    assert "\n" not in message


def _config_files(tmp_path: Path, sources: str) -> dict[str, Path]:
    (tmp_path / "rules.toml").write_text('[channels.console]\nkind = "console"\n', "utf-8")
    return {"sources_file": _sources(tmp_path, sources), "rules_file": tmp_path / "rules.toml"}


def test_intervals_below_the_floor_are_refused_at_load(tmp_path: Path) -> None:
    files = _config_files(
        tmp_path, '[[source]]\nid = "a"\nurl = "https://x/"\nkind = "feed"\ninterval = 0.001\n'
    )
    with pytest.raises(ConfigError) as info:
        load_config(load_settings(None, **files))
    assert str(info.value) == (
        f"{files['sources_file']}: source 'a' key 'interval': 0.001 s is below the floor of"
        " 60 s (OWABI_MIN_INTERVAL)"
    )
    # The floor is a setting: tests (and only they) lower it.
    config = load_config(load_settings(None, min_interval=0, **files))
    assert config.sources.sources[0].interval == 0.001
    with pytest.raises(ConfigError, match="below the floor of 1 s"):
        load_config(load_settings(None, min_interval="1s", **files))
    with pytest.raises(ConfigError, match=r"^setting OWABI_DEFAULT_INTERVAL: 30 s is below"):
        load_settings(None, default_interval="30s")


def test_wrong_shapes_are_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    files = _config_files(tmp_path, "[defaults]\nall = 5\n")
    monkeypatch.setenv("OWABI_SOURCES_FILE", str(files["sources_file"]))
    monkeypatch.setenv("OWABI_RULES_FILE", str(files["rules_file"]))
    monkeypatch.setenv("OWABI_DATABASE_URL", f"sqlite:///{tmp_path}/owabi.db")
    for body, key in [("[defaults]\nall = 5\n", "defaults.all"), ("source = 5\n", "source")]:
        files["sources_file"].write_text(body, encoding="utf-8")
        code, out, err = run_cli("fetch")
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and f"key '{key}'" in err and "sources.toml" in err


def test_defaults_merge_per_kind(tmp_path: Path) -> None:
    path = _sources(
        tmp_path,
        '[defaults.all]\ninterval = "1h"\n[defaults.page]\ntags = ["vendor"]\n'
        '[[source]]\nid = "p"\nurl = "https://x/"\nkind = "page"\n'
        '[[source]]\nid = "f"\nurl = "https://y/"\nkind = "feed"\ninterval = "5m"\n',
    )
    by_id = load_sources(path).by_id()
    assert by_id["p"].interval == 3600 and by_id["p"].tags == ("vendor",)
    assert by_id["f"].interval == 300 and by_id["f"].tags == ()


def test_bad_rule_names_rule_and_key(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[rule]]\nname = "r1"\nchannels = ["console"]\n'
        'conditions = [{ field = "cards", op = ">=", value = 1 }]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    assert "rule 'r1'" in str(info.value) and "cards" in str(info.value)


def test_bad_setting_names_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWABI_HTTP_TIMEOUT", "fast")
    with pytest.raises(ConfigError) as info:
        load_settings(env_file=None)
    assert "OWABI_HTTP_TIMEOUT" in str(info.value)


def test_secret_from_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret-value\n", encoding="utf-8")
    monkeypatch.setenv("OWABI_SMTP_PASSWORD_FILE", str(secret))
    settings = load_settings(env_file=None)
    assert settings.smtp_password is not None
    assert settings.smtp_password.get_secret_value() == "s3cret-value"
    assert "s3cret" not in repr(settings)


def test_secrets_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "owabi_slack_webhook_url").write_text("https://hooks.example/T/B/x")
    monkeypatch.setenv("OWABI_SECRETS_DIR", str(tmp_path))
    settings = load_settings(env_file=None)
    assert settings.slack_webhook_url is not None
    assert settings.slack_webhook_url.get_secret_value() == "https://hooks.example/T/B/x"


def test_env_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("OWABI_CONCURRENCY=3\nOWABI_SMTP_TO=a@x.jp, b@x.jp\n", encoding="utf-8")
    settings = load_settings(env_file=str(env))
    assert settings.concurrency == 3
    assert settings.smtp_to == ["a@x.jp", "b@x.jp"]


def test_cli_exits_2_on_bad_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _sources(tmp_path, '[[source]]\nid = "a"\nurl = "nope"\nkind = "feed"\n')
    monkeypatch.setenv("OWABI_SOURCES_FILE", str(path))
    monkeypatch.setenv("OWABI_RULES_FILE", str(REPO / "config" / "rules.toml"))
    result = CliRunner().invoke(app, ["fetch"])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "sources.toml" in lines[0] and "url" in lines[0]


def test_cli_exits_2_on_bad_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OWABI_CONCURRENCY", "-1")
    result = CliRunner().invoke(app, ["fetch"])
    assert result.exit_code == 2
    assert "OWABI_CONCURRENCY" in result.stderr


def test_unknown_source_id_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OWABI_SOURCES_FILE", str(REPO / "config" / "sources.toml"))
    monkeypatch.setenv("OWABI_RULES_FILE", str(REPO / "config" / "rules.toml"))
    monkeypatch.setenv("OWABI_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    result = CliRunner().invoke(app, ["fetch", "--source", "nope"])
    assert result.exit_code == 2
    assert "'nope'" in result.stderr


def test_store_failure_mid_command_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from collector.cli import incidents as cli_incidents

    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection\nhint"))

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OWABI_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setattr(cli_incidents.queries, "list_incidents", broken)
    result = CliRunner().invoke(app, ["incidents", "list"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["owabi: store: server closed the connection hint"]


def test_a_reload_to_no_source_is_refused_unless_meant(tmp_path: Path) -> None:
    files = _config_files(tmp_path, '[[source]]\nid = "a"\nurl = "https://x/"\nkind = "feed"\n')
    running = load_config(load_settings(None, **files))
    files["sources_file"].write_text("", encoding="utf-8")  # truncated while running
    emptied = load_config(load_settings(None, **files))
    with pytest.raises(ConfigError, match=r"leaves no enabled source \(1 running\)"):
        check_reload(running, emptied)
    meant = load_config(load_settings(None, allow_no_sources=True, **files))
    check_reload(running, meant)  # OWABI_ALLOW_NO_SOURCES=true: an empty list is meant
    check_reload(emptied, emptied)  # nothing ran before: nothing is lost
