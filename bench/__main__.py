"""Run every benchmark in bench/ with its defaults, one after another (``make bench``).

A benchmark is any ``bench/<name>_bench.py`` module runnable as ``python -m bench.<name>_bench``
with sensible defaults; new ones are picked up without editing this file. Each runs in its own
process, so one benchmark's database, server or failure cannot disturb the next.
"""

import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def discover() -> list[str]:
    """Module names of the benchmarks present, in alphabetical order."""
    return [f"bench.{path.stem}" for path in sorted(BENCH_DIR.glob("*_bench.py"))]


def main() -> int:
    """Run each benchmark under a header; exit non-zero if any of them failed."""
    modules = discover()
    if not modules:
        print("No benchmarks found (bench/*_bench.py).")
        return 0
    failed = []
    for module in modules:
        title = f"== {module.removeprefix('bench.')} "
        print(f"\n{title}{'=' * max(3, 78 - len(title))}", flush=True)
        started = time.perf_counter()
        status = subprocess.run([sys.executable, "-m", module], cwd=BENCH_DIR.parent)
        print(f"-- {module} finished in {time.perf_counter() - started:.0f} s", flush=True)
        if status.returncode != 0:
            failed.append(module)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
