#!/usr/bin/env python
"""Django's manage.py; identical to the `onezone` console script."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from onezone.__main__ import main  # noqa: E402

if __name__ == "__main__":
    main()
