"""Run every benchmark; exit non-zero when any target is missed."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    only = sys.argv[1:]
    failed = []
    for name in names:
        if only and name not in only:
            continue
        print(f"\n=== {name} ===", flush=True)
        code = subprocess.call([sys.executable, "-m", f"bench.{name}"])
        if code:
            failed.append(name)
    importlib.invalidate_caches()
    if failed:
        print(f"\ntargets missed in: {', '.join(failed)}")
        return 1
    print("\nall benchmark targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
