"""Logs: JSON lines off a terminal, and no secret ever printed."""

from __future__ import annotations

import io
import json

import structlog

from collector.logsetup import MASK, configure_logging


def test_json_lines_and_secrets_masked() -> None:
    stream = io.StringIO()
    secret = "https://hooks.slack.com/services/T0/B0/abcdefSECRET"
    configure_logging("info", "auto", [secret, "pw-123456"], stream=stream)
    log = structlog.get_logger("t")
    log.info("posting", url=secret, nested={"a": ["with pw-123456 inside"]})
    log.debug("hidden at info")
    line = stream.getvalue().strip()
    assert "\n" not in line
    event = json.loads(line)
    assert event["event"] == "posting" and event["level"] == "info"
    assert secret not in line and "pw-123456" not in line
    assert event["url"] == MASK
