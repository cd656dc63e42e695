"""Process matters: whether a process of this host still runs (dead workers' claims, stale
run directories), and how a long-running process keeps its memory small (among others, by
leaving large libraries to short-lived children)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's mallopt() parameter number


def fewer_malloc_arenas() -> None:
    """glibc gives each thread that allocates its own malloc arena (up to 8 per core), each
    kept at its high-water mark: with a dozen threads (senders, timers, web threads) that is
    many MB of mostly free heap. Two arenas are plenty for threads that mostly wait on the
    network or the database. For this process now, and, by MALLOC_ARENA_MAX, for the
    processes it starts (the app process)."""
    os.environ.setdefault("MALLOC_ARENA_MAX", str(MALLOC_ARENAS))
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):  # not glibc: its own allocator, its own habits
        pass


class ChildFailed(RuntimeError):
    """A child script did not answer: it could not start, timed out, or exited non-zero."""


def run_child(script: Path, *args: str, stdin: bytes = b"", timeout: float = 120.0) -> bytes:
    """Run `script` (a file run as a program, never imported) in a fresh interpreter of this
    one and return its stdout; its folder is not put on sys.path (-P), PYTHONPATH and the
    user's site-packages are kept. A failure names the script and its last line on stderr."""
    what = f"{script.name} {' '.join(args)}".strip()
    try:
        done = subprocess.run([sys.executable, "-P", str(script), *args], input=stdin,
                              capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ChildFailed(f"{what}: {exc}") from exc
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        raise ChildFailed(f"{what} failed: {last}")
    return done.stdout
