"""`python -m chatops.preflight COMMAND [--config PATH] [--socket-mode]`: run by `chatops serve`
and `chatops demo` before they start anything (see `chatops.cli.preflight`); exit 1 after the
command's own refusal lines on stderr."""
from __future__ import annotations

import argparse

from chatops.cli import preflight


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m chatops.preflight")
    p.add_argument("command", help="the command checked for (its name starts each refusal)")
    p.add_argument("--config", default=None)
    p.add_argument("--socket-mode", action="store_true")
    preflight(p.parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
