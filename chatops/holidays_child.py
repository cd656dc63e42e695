"""Run by `chatops.public_holidays` as a child process, never imported: prints JSON and exits.

    python holidays_child.py countries            -> ["AD", "AE", ...]
    python holidays_child.py dates RU 2026 2027   -> {"2026": ["2026-01-01", ...], "2027": [...]}
"""
from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> object:
    import holidays

    if argv[:1] == ["countries"]:
        return sorted(holidays.list_supported_countries(include_aliases=True))
    if argv[:1] == ["dates"] and len(argv) >= 3:
        return {year: sorted(day.isoformat()
                             for day in holidays.country_holidays(argv[1], years=int(year)))
                for year in argv[2:]}
    raise SystemExit(f"usage: {sys.argv[0]} countries | dates CODE YEAR...")


if __name__ == "__main__":
    json.dump(main(sys.argv[1:]), sys.stdout)
