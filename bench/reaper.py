"""Run a command and report what its whole process tree cost: CPU and peak RSS.

    python bench/reaper.py USAGE.json COMMAND [ARG …]

`owabi fetch` parses in worker processes started by a fork server; when owabi exits
those are orphans, and a plain wait4 on owabi would never see their CPU. This wrapper
makes itself the subreaper of everything the command starts (Linux PR_SET_CHILD_SUBREAPER),
waits for every descendant, and writes RUSAGE_CHILDREN: the tree's CPU, without the
wrapper's own. Standard library only, so it runs beside any client's environment.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import subprocess
import sys

PR_SET_CHILD_SUBREAPER = 36


def main(argv: list[str]) -> int:
    out, command = argv[0], argv[1:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
    proc = subprocess.Popen(command)
    _, status = os.waitpid(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    while True:  # orphans (a fork server, its workers) are ours now
        try:
            os.wait()
        except ChildProcessError:
            break
    tree = resource.getrusage(resource.RUSAGE_CHILDREN)
    usage = {
        "returncode": proc.returncode,
        "cpu": tree.ru_utime + tree.ru_stime,
        "max_rss_mb": tree.ru_maxrss / 1024,  # kilobytes on Linux; the largest process
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(usage, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
