"""Run every benchmark in bench/ against a fresh temporary SQLite database (or the database in
ONEZONE_BENCH_DATABASE_URL) and print each result as a ratio to a baseline from the same run."""

import importlib
import os
import sys
import tempfile
from pathlib import Path

BENCHMARKS = [
    "bench.audit",
    "bench.shares",
    "bench.clock",
    "bench.enterprises",
    "bench.policy_matching",
]


def setup_django() -> None:
    home = tempfile.mkdtemp(prefix="onezone-bench-")
    os.environ.setdefault("ONEZONE_DEBUG", "1")
    os.environ["ONEZONE_HOME"] = home
    if os.environ.get("ONEZONE_BENCH_DATABASE_URL"):
        os.environ["ONEZONE_DATABASE_URL"] = os.environ["ONEZONE_BENCH_DATABASE_URL"]
    else:
        os.environ.pop("ONEZONE_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onezone.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    setup_django()
    for name in BENCHMARKS:
        module = importlib.import_module(name)
        print(f"== {name}: {module.__doc__.strip().splitlines()[0]}")
        module.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
