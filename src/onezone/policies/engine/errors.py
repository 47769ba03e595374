"""The one error a policy file can raise: every fault found, each with where it is."""


class PolicyFileError(Exception):
    """A policy that cannot be loaded. `errors` lists (path, message) pairs such as
    ("eligibility.all[2].any[0].op", "unknown operator “~=”"); all faults are collected
    before raising so an officer fixes a file in one pass."""

    def __init__(self, errors: list[tuple[str, str]], *, source_name: str = "") -> None:
        self.errors = list(errors)
        self.source_name = source_name
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = f"{self.source_name}: " if self.source_name else ""
        return "\n".join(
            f"{prefix}{path}: {message}" if path else f"{prefix}{message}"
            for path, message in self.errors
        )

    def with_source(self, source_name: str) -> "PolicyFileError":
        return PolicyFileError(self.errors, source_name=source_name)
