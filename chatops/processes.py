"""Process matters: whether a process of this host still runs (dead workers' claims, stale
run directories), and how a long-running process keeps its memory small."""
from __future__ import annotations

import os


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
