"""Every command that writes a file, run in-process against one folder: the write drills use it.

`python tests/writekit.py prepare FOLDER` writes the files that exist before a drill;
`python tests/writekit.py FOLDER REPORT.json` runs each command of WRITERS with its output in FOLDER
(a fresh name, and a name that already holds `PREVIOUS`) and records its exit status, standard error
and any exception that escaped the command as a traceback would. The drills run it inside a private
mount namespace, on a full, read-only or unwritable tmpfs.
"""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SUBMISSION = FIXTURES / "dorset-thriving.yaml"
OLD = FIXTURES / "previous" / "dorset-2016-plan.yaml"
PREVIOUS = "previous content\n"

#: command name -> (arguments before the output, the output's file name, arguments after it)
WRITERS: dict[str, tuple[list[str], str, list[str]]] = {
    "score -o": (["score", str(SUBMISSION), "--format", "html", "-o"], "gap-report.html", []),
    "convert": (["convert", str(SUBMISSION)], "converted.xlsx", ["--force"]),
    "init": (["init"], "template.xlsx", ["--force"]),
    "diff -o": (["diff", str(OLD), str(SUBMISSION), "--format", "html", "-o"], "progress.html", []),
    "method -o": (["method", "-o"], "method.md", []),
    "rules -o": (["rules", "--format", "markdown", "-o"], "catalogue.md", []),
    "schema -o": (["schema", "-o"], "submission.schema.json", []),
    "fingerprint -o (yaml)": (["fingerprint", str(SUBMISSION), "--all", "-o"], "decisions.yaml", []),
    "fingerprint -o (xlsx)": (["fingerprint", str(SUBMISSION), "--all", "-o"], "decisions.xlsx", []),
}


def arguments(name: str, target: Path) -> list[str]:
    before, _, after = WRITERS[name]
    return [*before, str(target), *after]


def target_name(name: str, existing: bool) -> str:
    filename = WRITERS[name][1]
    return f"existing-{filename}" if existing else filename


def prepare(folder: Path) -> None:
    """The files that already exist before the drill: one per command, holding PREVIOUS."""
    for name in WRITERS:
        (folder / target_name(name, True)).write_text(PREVIOUS)


def drill(folder: Path) -> dict[str, dict[str, object]]:
    from click.testing import CliRunner

    from assess.cli import main

    report: dict[str, dict[str, object]] = {}
    for name in WRITERS:
        for existing in (False, True):
            result = CliRunner().invoke(main, arguments(name, folder / target_name(name, existing)))
            escaped = None
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                escaped = "".join(traceback.format_exception(result.exception))
            report[f"{name}|{'existing' if existing else 'new'}"] = {
                "exit": result.exit_code, "stderr": result.stderr, "stdout": result.stdout, "escaped": escaped}
    return report


def survey(folder: Path) -> dict[str, object]:
    """What the folder holds after a drill: every name, and the text of the files that existed."""
    names = sorted(p.name for p in folder.iterdir() if p.name != "filler")
    kept = {name: (folder / name).read_text() for name in names if name.startswith("existing-")}
    return {"names": names, "kept": kept}


if __name__ == "__main__" and sys.argv[1] == "prepare":
    prepare(Path(sys.argv[2]))
elif __name__ == "__main__":
    folder, out = Path(sys.argv[1]), Path(sys.argv[2])
    runs = drill(folder)
    out.write_text(json.dumps({"runs": runs, "after": survey(folder)}, indent=1))
