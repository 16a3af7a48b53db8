"""Loopback (127.0.0.1) test servers that any test package may reuse.

- `slack_receiver.SlackReceiver`: HTTP endpoint recording JSON payloads, scriptable
  to answer 429 / 5xx / hang for the next N requests.
- `smtp_server.SmtpServer`: aiosmtpd server storing parsed messages, with optional AUTH
  and scriptable recipient refusals.
- `site.LocalSite`: a website with fixed pages per path (ETag + 304 for free) and
  handler hooks for redirects and misbehaviour.
- `notices`: hand-written notices, a Shift_JIS listing, RSS and a Japanese PDF builder.

Both are context managers; `tests/alerts/conftest.py` shows the fixture wrappers.
"""
