"""nginx as a child process serving a directory on 127.0.0.1, so that the benchmark
measures the client and not a Python test server.

Static files give ETag/Last-Modified and 304 for free. nginx's validators have
one-second resolution, so `publish` stamps every version with its own mtime: a page
rewritten within the same second still gets a new ETag.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from bench.content import nginx_etag

INSTALL_HINT = "nginx is required: apt-get update && apt-get install -y nginx"
MTIME_BASE = 1_700_000_000  # version v is stamped MTIME_BASE + v

CONFIG = """worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{ text/html html; application/pdf pdf; }}
    default_type text/html;
    charset utf-8;
    access_log off;
    keepalive_requests 100000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if found is None:
        raise SystemExit(INSTALL_HINT)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _let_workers_read(path: Path) -> None:
    """Started as root, nginx's workers run as nobody: open the temp dirs (0700 from
    mkdtemp) up to the system temp dir for reading."""
    top = Path(tempfile.gettempdir()).resolve()
    for folder in (path.resolve(), *path.resolve().parents):
        if folder == top or top not in folder.parents:
            break
        folder.chmod(0o755)


class NginxSite:
    """`with NginxSite(tmp) as site:` serves tmp/www at `site.base_url`."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.root = tmp / "www"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self.root.mkdir(parents=True, exist_ok=True)
        _let_workers_read(self.tmp)
        conf = self.tmp / "nginx.conf"
        conf.write_text(CONFIG.format(tmp=self.tmp, port=self.port, root=self.root))
        log = self.tmp / "error.log"
        self.proc = subprocess.Popen(
            [
                nginx_binary(),
                "-p",
                str(self.tmp),
                "-e",
                str(log),
                "-c",
                str(conf),
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise SystemExit(f"nginx exited {self.proc.returncode}: {err.strip()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful shutdown
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def publish(self, path: str, body: bytes, version: int) -> str:
        """Write `path` atomically (nginx never serves half a file); return its ETag."""
        target = self.root / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        part.write_bytes(body)
        mtime = MTIME_BASE + version
        os.utime(part, (mtime, mtime))
        part.replace(target)
        return nginx_etag(mtime, len(body))
