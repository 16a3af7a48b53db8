"""The `owabi` script leaves without the interpreter's teardown, yet keeps what an
ordinary exit gives: the exit code, every byte written to stdout and stderr, the exit
handlers' work, and threads still running are waited for."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.support.daemon import REPO


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_code_the_buffered_output_and_the_exit_handlers_survive() -> None:
    done = _python(
        """
        import atexit, sys
        from collector.cli.process_end import end
        atexit.register(lambda: print("handler ran", file=sys.stderr))
        sys.stdout.write("written, not flushed\\n")
        end(SystemExit(3))
        """
    )
    assert done.returncode == 3
    assert done.stdout == "written, not flushed\n"
    assert done.stderr == "handler ran\n"


def test_no_code_is_success() -> None:
    assert _python("from collector.cli.process_end import end\nend(SystemExit())").returncode == 0


def test_a_running_thread_is_waited_for() -> None:
    done = _python(
        """
        import threading
        from collector.cli.process_end import end
        go = threading.Event()
        threading.Thread(target=lambda: (go.wait(), print("thread finished"))).start()
        go.set()
        end(SystemExit(4))
        """
    )
    assert (done.returncode, done.stdout) == (4, "thread finished\n")


def test_a_message_exit_keeps_its_meaning() -> None:
    done = _python("from collector.cli.process_end import end\nend(SystemExit('bad input'))")
    assert (done.returncode, done.stderr) == (1, "bad input\n")
