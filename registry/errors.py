"""The few exceptions the command line catches; anything else is a bug and shows its traceback."""


class RegistryError(Exception):
    """Base class: an expected failure the command line reports in one line and exits 1."""


class UsageError(RegistryError):
    """Raised for a bad command-line argument (exit code 2)."""


class ProblemsFound(RegistryError):
    """Raised when the records (or a spreadsheet's rows) have problems: nothing is written. The command line prints
    the problems and says what it did not do."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems

    def __reduce__(self):  # raised again by the process that forked the one that found them
        return (type(self), (self.problems,))


class SchemaError(RegistryError):
    """Raised when a file in schemas/ is itself broken (a maintainer's mistake, not a staffer's)."""


class BuildError(RegistryError):
    """Raised when writing the site fails after checks passed (two pages at one path, a path outside the output)."""


class PrivateValuesPublished(BuildError):
    """Raised when the privacy scan finds a private value in a file of the output: nothing is published. Its text
    lists the problems (each file and the record and field the value is kept in), never the value."""

    SHOWN = 20

    def __init__(self, problems):
        lines = [f"  {problem.text()}" for problem in problems[: self.SHOWN]]
        super().__init__(
            "私密字段的值出现在公开输出中，已停止构建 / a private value appears in the public output; "
            "nothing was published:\n" + "\n".join(lines)
        )
        self.problems = problems

    def __reduce__(self):
        return (type(self), (self.problems,))
