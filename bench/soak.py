"""Soak run of `owabi run`: does the daemon keep its memory, its file descriptors and its
pace over many cycles of 1,000 sources?

Not a test. A loopback site (127.0.0.1, in this process) serves 1,000 static news
listing pages; after every cycle a few of them gain a link to a new incident notice, so
each cycle also reads, parses, stores and alerts (console channel, output discarded).
The daemon is a real `owabi run` process on a temporary SQLite store, every source on
the same short interval. A cycle ends when every source has been polled once more; at
each cycle end the bench samples the daemon's RSS and open fds (/proc/<pid>) and its
/metrics. The table goes to stdout and, with the machine and date, to bench/results.md
under `## soak`.

    python -m bench.soak                 # ~5 minutes (default cycles and interval)
    python -m bench.soak --minutes 30    # as many cycles as fit in 30 minutes
    make soak
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from bench import content
from bench.results_md import machine, write_section

ROOT = Path(__file__).resolve().parents[1]
LISTED = 8  # a listing shows its newest entries only, so pages keep their size
BASE_TITLES = ("新製品のお知らせ", "決算説明会の開催について", "年末年始の営業について")

NOTICE = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>お知らせ</title>
</head><body><main><article>
<h1>不正アクセスによる個人情報漏えいに関するお詫び</h1>
<p>2024年5月{day}日</p><p>{org}</p>
<p>このたび、弊社が運営するオンラインショップのサーバーが第三者による不正アクセスを受け、
お客様の個人情報{people}件が漏えいした可能性があることが判明いたしました。</p>
<p>{detail}</p>
<p>2024年4月{day}日、外部からの指摘により判明いたしました。</p>
</article></main></body></html>"""

RULES = """
[[rule]]
name = "everything"
channels = ["console"]

[channels.console]
kind = "console"
"""


class Site:
    """1,000 listing pages plus the notices they link to; ETags make unchanged pages 304."""

    def __init__(self, sources: int) -> None:
        self.lock = threading.Lock()
        self.polls = [0] * sources
        self.entries: list[list[tuple[str, str, str]]] = [
            [
                (f"2024年3月{d + 1}日", f"/s/{i}/news/base{d}.html", t)
                for d, t in enumerate(BASE_TITLES)
            ]
            for i in range(sources)
        ]
        self.pages: dict[str, bytes] = {}
        self.notices = 0
        for i in range(sources):
            self._render(i)
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with site.lock:
                    body = site.pages.get(path)
                    if body is not None and path.count("/") == 3 and path.endswith("/"):
                        site.polls[int(path.split("/")[2])] += 1
                if body is None:
                    self._reply(404, b"not found", None)
                    return
                tag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                if self.headers.get("If-None-Match") == tag:
                    self._reply(304, b"", tag)
                else:
                    self._reply(200, body, tag)

            def _reply(self, status: int, body: bytes, tag: str | None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                if tag:
                    self.send_header("ETag", tag)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 256
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def _render(self, i: int) -> None:
        items = "\n".join(
            f'<li><span class="date">{d}</span> <a href="{href}">{title}</a></li>'
            for d, href, title in self.entries[i][:LISTED]
        )
        self.pages[f"/s/{i}/"] = (
            f"<html><head><meta charset='utf-8'><title>ニュース | 会社{i}</title></head><body>"
            f"<div id='nav'><a href='/'>ホーム</a></div><div class='news'><h2>ニュース</h2>"
            f"<ul class='newslist'>\n{items}\n</ul></div></body></html>"
        ).encode()

    def publish(self, i: int) -> None:
        """Source i gains a notice of a new incident (a new organization each time)."""
        with self.lock:
            self.notices += 1
            n = self.notices
            href = f"/s/{i}/news/incident{n}.html"
            day = 1 + n % 28
            # Words and a name of its own: notices from one template are otherwise copies
            # of one notice, and a name inside another (ソーク1 in ソーク12) under the same
            # title reads as the same organization's copy; either merges the incidents.
            self.pages[href] = NOTICE.format(
                org=f"株式会社ソーク{n}号", people=100 + n, day=day, detail=content.detail(i, n)
            ).encode()
            self.entries[i].insert(
                0, (f"2024年5月{day}日", href, "不正アクセスによる個人情報漏えいに関するお詫び")
            )
            self._render(i)

    def min_polls(self) -> int:
        with self.lock:
            return min(self.polls)

    def total_polls(self) -> int:
        with self.lock:
            return sum(self.polls)


@dataclass(frozen=True)
class Sample:
    cycle: int
    at: float  # seconds since the daemon started
    duration: float
    polls: int
    rss_mb: float
    fds: int
    threads: int
    runs: float
    mean_run_ms: float
    notices: float
    alerts: float
    outbox: float


def proc_status(pid: int) -> tuple[float, int, int]:
    """RSS (MB), open file descriptors and threads of `pid`, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    rss = int(fields["VmRSS"].split()[0]) / 1024
    return rss, len(os.listdir(f"/proc/{pid}/fd")), int(fields["Threads"])


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        text = r.read().decode()
    values: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name.endswith("_created") or "source" in s.labels:
                continue
            values[s.name] = values.get(s.name, 0.0) + s.value
    return values


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_daemon(site: Site, args: argparse.Namespace, tmp: Path, port: int) -> subprocess.Popen:
    sources = tmp / "sources.toml"
    with sources.open("w", encoding="utf-8") as fh:
        for i in range(args.sources):
            fh.write(
                f'[[source]]\nid = "s{i}"\nurl = "{site.url(f"/s/{i}/")}"\nkind = "page"\n'
                f'organization = "会社{i}"\n\n'
            )
    (tmp / "rules.toml").write_text(RULES, encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OWABI_")},
        "PYTHONPATH": str(ROOT),
        "OWABI_SECRETS_DIR": str(tmp / "no-secrets"),
        "OWABI_DATABASE_URL": f"sqlite:///{tmp}/owabi.db",
        "OWABI_SOURCES_FILE": str(sources),
        "OWABI_RULES_FILE": str(tmp / "rules.toml"),
        "OWABI_MIN_INTERVAL": "0",
        "OWABI_DEFAULT_INTERVAL": str(args.interval),
        "OWABI_CONCURRENCY": str(args.concurrency),
        "OWABI_PER_HOST_CONCURRENCY": str(args.concurrency),  # one host serves every source
        "OWABI_POLITENESS_DELAY": "0",
        "OWABI_FETCH_RETRIES": "0",
        "OWABI_DELIVERY_INTERVAL": "5s",
        "OWABI_HTTP_HOST": "127.0.0.1",
        "OWABI_HTTP_PORT": str(port),
        "OWABI_LOG_LEVEL": "warning",
        "OWABI_LOG_FORMAT": "json",
    }
    log = (tmp / "daemon.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "collector.cli", "run"],
        env=env,
        cwd=tmp,
        stdout=subprocess.DEVNULL,  # the console channel's alerts
        stderr=log,
    )


def run(args: argparse.Namespace) -> list[Sample]:
    rng = random.Random(5)
    site = Site(args.sources)
    port = free_port()
    samples: list[Sample] = []
    with tempfile.TemporaryDirectory(prefix="owabi-soak-") as name:
        tmp = Path(name)
        daemon = start_daemon(site, args, tmp, port)
        started = last = time.monotonic()
        previous = {"owabi_source_run_seconds_sum": 0.0, "owabi_source_run_seconds_count": 0.0}
        polls_before = 0
        try:
            for cycle in range(1, args.cycles + 1):
                while site.min_polls() < cycle:
                    if daemon.poll() is not None:
                        tail = (tmp / "daemon.log").read_text()[-2000:]
                        raise SystemExit(f"owabi run exited {daemon.returncode}:\n{tail}")
                    if time.monotonic() - last > 20 * args.interval + 120:
                        raise SystemExit(f"cycle {cycle} did not finish")
                    time.sleep(0.2)
                now = time.monotonic()
                for i in rng.sample(range(args.sources), args.changes):
                    site.publish(i)
                rss, fds, threads = proc_status(daemon.pid)
                m = scrape(port)
                runs = m.get("owabi_source_run_seconds_count", 0.0)
                spent = m.get("owabi_source_run_seconds_sum", 0.0)
                delta = runs - previous["owabi_source_run_seconds_count"]
                mean = (spent - previous["owabi_source_run_seconds_sum"]) / delta if delta else 0
                previous = {
                    "owabi_source_run_seconds_sum": spent,
                    "owabi_source_run_seconds_count": runs,
                }
                total = site.total_polls()
                samples.append(
                    Sample(
                        cycle=cycle,
                        at=now - started,
                        duration=now - last,
                        polls=total - polls_before,
                        rss_mb=rss,
                        fds=fds,
                        threads=threads,
                        runs=runs,
                        mean_run_ms=mean * 1000,
                        notices=m.get("owabi_notices_total", 0.0),
                        alerts=m.get("owabi_alerts_sent_total", 0.0),
                        outbox=m.get("owabi_outbox_depth", 0.0),
                    )
                )
                polls_before, last = total, now
                print(row(samples[-1]), flush=True)
        finally:
            daemon.terminate()
            try:
                code = daemon.wait(timeout=60)
            except subprocess.TimeoutExpired:
                daemon.kill()
                code = daemon.wait()
            site.server.shutdown()
        print(f"owabi run exited {code} after SIGTERM", flush=True)
        errors = [
            line
            for line in (tmp / "daemon.log").read_text().splitlines()
            if '"level": "error"' in line
        ]
        if errors:
            print(f"{len(errors)} error lines in the daemon's log, first: {errors[0]}")
    return samples


HEADER = (
    "| cycle | at (s) | cycle (s) | polls | mean poll (ms) | RSS (MB) | fds | threads "
    "| notices | alerts sent | outbox |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def row(s: Sample) -> str:
    return (
        f"| {s.cycle} | {s.at:.0f} | {s.duration:.1f} | {s.polls} | {s.mean_run_ms:.1f} "
        f"| {s.rss_mb:.1f} | {s.fds} | {s.threads} | {s.notices:.0f} | {s.alerts:.0f} "
        f"| {s.outbox:.0f} |"
    )


def slope_mb_per_hour(samples: list[Sample]) -> float:
    """Least-squares RSS growth over the second half of the run."""
    half = samples[len(samples) // 2 :]
    if len(half) < 2:
        return 0.0
    xs, ys = [s.at for s in half], [s.rss_mb for s in half]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return 3600 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0


def summary(samples: list[Sample], args: argparse.Namespace) -> str:
    warm = samples[min(2, len(samples) - 1)]
    last = samples[-1]
    steady = [s.duration for s in samples[1:]] or [samples[0].duration]
    return (
        f"RSS {warm.rss_mb:.1f} MB after cycle {warm.cycle} → {last.rss_mb:.1f} MB after cycle "
        f"{last.cycle} (peak {max(s.rss_mb for s in samples):.1f} MB; second-half trend "
        f"{slope_mb_per_hour(samples):+.1f} MB/h); open fds {min(s.fds for s in samples)}–"
        f"{max(s.fds for s in samples)}; cycle {min(steady):.1f}–{max(steady):.1f} s against a "
        f"{args.interval:g} s interval (first cycle {samples[0].duration:.1f} s, reading every "
        f"listing once); {last.notices:.0f} notices, {last.alerts:.0f} alerts sent, "
        f"outbox {last.outbox:.0f} at the end."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=15.0, help="seconds per source")
    parser.add_argument("--cycles", type=int, default=20, help="default ≈ 5 minutes")
    parser.add_argument("--minutes", type=float, help="run this long instead of --cycles")
    parser.add_argument("--changes", type=int, default=5, help="sources that change per cycle")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--no-write", action="store_true", help="do not touch results.md")
    args = parser.parse_args()
    if args.minutes:
        args.cycles = max(2, int(args.minutes * 60 / args.interval))
    print(HEADER, flush=True)
    samples = run(args)
    text = summary(samples, args)
    print(text)
    if args.no_write:
        return
    step = max(1, len(samples) // 20)
    shown = samples if len(samples) <= 25 else [*samples[::step], samples[-1]]
    write_section(
        "soak",
        f"{machine()} · {args.sources} sources every {args.interval:g} s, "
        f"{args.cycles} cycles, {args.changes} changed per cycle, concurrency "
        f"{args.concurrency}, SQLite\n\n{HEADER}\n"
        + "\n".join(row(s) for s in dict.fromkeys(shown))
        + f"\n\n{text}",
    )


if __name__ == "__main__":
    main()
