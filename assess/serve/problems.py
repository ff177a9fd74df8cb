"""Problems as the API answers them: the `{file, line, field, message}` rows that `assess check`
prints and a batch's errors.csv holds, one per problem of an InputError."""
from __future__ import annotations

from typing import Any

from ..common.textsafe import one_line
from ..errors import InputError


def problem_rows(error: InputError) -> list[dict[str, Any]]:
    """Each problem of `error` as a row: `line` is a text file's line or a workbook's Sheet!Cell."""
    rows = []
    for problem in error.all():
        line: Any = problem.cell or problem.line
        rows.append({"file": one_line(problem.file), "line": one_line(line) if isinstance(line, str) else line,
                     "field": None if problem.path is None else one_line(problem.path),
                     "message": one_line(problem.problem)})
    return rows
