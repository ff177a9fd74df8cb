"""The project's exceptions: each carries the exit code the CLI maps it to."""
from __future__ import annotations

from typing import Iterable


class AssessError(Exception):
    """Base of every error the tool reports without a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(AssessError):
    """A submission that cannot be read or is not valid against the schema."""

    exit_code = 3

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        path: str | None = None,
        line: int | None = None,
        cell: str | None = None,
        problems: list["InputError"] | None = None,
    ) -> None:
        self.file, self.path, self.line, self.problem = file, path, line, problem
        self.cell = cell  # a workbook's sheet and cell, e.g. Governance!C14
        self.problems = problems or []
        super().__init__(self._render())

    def _render(self) -> str:
        if self.problems:
            return "\n".join(p.message for p in self.problems)
        if self.cell:  # my.xlsx: Governance!C14 (governance.leader_sector): ...
            where = f"{self.file}: {self.cell}"
            return f"{where} ({self.path}): {self.problem}" if self.path else f"{where}: {self.problem}"
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.path}: {self.problem}" if self.path else f"{where}: {self.problem}"

    def all(self) -> list["InputError"]:
        """The individual problems (one per invalid field)."""
        return self.problems or [self]


class OutputError(AssessError):
    """A file or folder that cannot be written (full disk, read-only, no permission, a folder where
    a file should be, in use): the message names the path and the reason in words."""

    exit_code = 6


class RuleError(AssessError):
    """A catalogue file or rule that cannot be loaded."""

    exit_code = 4

    def __init__(self, file: str, problem: str, *, rule_id: str | None = None) -> None:
        self.file, self.rule_id, self.problem = file, rule_id, problem
        super().__init__(f"{file}: rule {rule_id}: {problem}" if rule_id else f"{file}: {problem}")


class EngineError(AssessError):
    """durable_rules failed: never turned into a score, because a silent wrong score is worse."""

    exit_code = 5


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ' Did you mean ...?' suffix, or '' when nothing is close."""
    import difflib  # only when a message is worded: every command imports this module

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""
