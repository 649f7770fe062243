"""Wall time of the README quickstart, run as a newcomer runs it (a fresh process).

The README promises that the quickstart (OrdinalKLClassifierCV over alpha, sigma and the
rule, then cross_val_score) runs in at most 15 s on 2 cores. This script extracts the
code block from README.md, runs it ``--repeats`` times in fresh interpreters and prints
each time and the median, plus the ratio to the 15 s budget.

Run: ``python benchmarks/bench_quickstart.py [--repeats 3]``
"""

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 15.0
README = Path(__file__).resolve().parents[1] / "README.md"


def quickstart_code() -> str:
    match = re.search(r"## Quickstart\n\n```python\n(.*?)```", README.read_text(), re.S)
    if match is None:
        raise SystemExit("README.md has no ## Quickstart python block")
    return match.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(quickstart_code())
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, script.name], check=True)
        times.append(time.perf_counter() - start)
        print(f"quickstart: {times[-1]:.1f} s")
    median = statistics.median(times)
    print(f"median {median:.1f} s; budget {BUDGET_S:.0f} s; ratio {median / BUDGET_S:.2f}")


if __name__ == "__main__":
    main()
