"""The demo policy files shipped with the app (synthetic; each says 演示)."""

from pathlib import Path

POLICY_DIRECTORY = Path(__file__).resolve().parent / "policies"


def demo_policy_files() -> list[Path]:
    """Every demo policy file, first versions before later ones (`<code>.v2.yaml`), so
    loading them in order creates the versions in sequence."""
    return sorted(POLICY_DIRECTORY.glob("*.yaml"), key=_load_order)


def _load_order(path: Path) -> tuple[str, int]:
    code, _, rest = path.name.partition(".")
    version = rest.removesuffix(".yaml")
    return code, int(version[1:]) if version.startswith("v") else 1
