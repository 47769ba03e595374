"""Small timing helpers shared by the benchmarks."""

import time
from collections.abc import Callable


def best_of(repeats: int, action: Callable[[], object]) -> float:
    """Fastest wall time of `repeats` runs, in seconds (least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def report(label: str, count: int, seconds: float, baseline_seconds: float) -> None:
    rate = count / seconds if seconds else float("inf")
    speed = baseline_seconds / seconds if seconds else float("inf")
    print(f"  {label:<48} {rate:>12,.1f}/s   {speed:10,.2f}× the baseline's speed")
