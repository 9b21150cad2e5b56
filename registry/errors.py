"""The few exceptions the command line catches; anything else is a bug and shows its traceback."""


class RegistryError(Exception):
    """Base class: an expected failure the command line reports in one line and exits 1."""


class UsageError(RegistryError):
    """Raised for a bad command-line argument (exit code 2)."""


class ProblemsFound(RegistryError):
    """Raised by build when `check` found problems: nothing is written."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class SchemaError(RegistryError):
    """Raised when a file in schemas/ is itself broken (a maintainer's mistake, not a staffer's)."""


class BuildError(RegistryError):
    """Raised when writing the site fails after checks passed (e.g. a private value in output)."""
