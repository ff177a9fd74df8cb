"""Every command that writes a file writes it whole or not at all, and says why when it cannot.

On a real full, read-only or unwritable file system (a tmpfs in a private mount namespace, as the
batch's drills in test_faults.py use), and with a folder in the way, each of `score -o`, `convert`,
`init`, `diff -o`, `method -o`, `rules -o`, `schema -o` and `fingerprint -o` (YAML and workbook)
must exit 6 naming the file and the reason, print no traceback, leave no partial or temporary file,
and leave a file that already existed as it was. Where no namespace can be made, the same is
checked by injecting the failure into the writer.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from writekit import PREVIOUS, WRITERS, arguments, prepare, survey, target_name

from assess.cli import main
from assess.common import files

KIT = Path(__file__).resolve().parent / "writekit.py"
IS_LINUX = sys.platform.startswith("linux")
SETUPS = {
    "full disk": 'cat /dev/zero > "$DISK/filler" 2>/dev/null || true',
    "read-only file system": 'mount -o remount,ro "$DISK"',
    "unwritable folder": 'chmod 555 "$DISK"',
}
REASONS = {"full disk": "no space left on the device", "read-only file system": "the file system is read-only",
           "unwritable folder": "permission denied"}
DRILL = r'''
set -e
mount -t tmpfs -o size=4m tmpfs "$DISK"
"$PYTHON" "$KIT" prepare "$DISK"
$SETUP
$AS_USER "$PYTHON" "$KIT" "$DISK" "$REPORT"
'''
RUNS = [(name, existing) for name in WRITERS for existing in (False, True)]


def _can_mount() -> bool:
    if not IS_LINUX or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def drills(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each case's drill, run once: every command's result and what the disk held afterwards."""
    if not _can_mount():
        pytest.skip("needs a private mount namespace (unshare)")
    found = {}
    for case, setup in SETUPS.items():
        base = tmp_path_factory.mktemp("write-drill")
        disk, report = base / "disk", base / "report.json"
        disk.mkdir()
        os.chmod(base, 0o777)  # the unwritable drill runs as an unprivileged user who must write its report
        # root ignores permissions; an unmapped user in a user namespace does not
        as_user = "unshare -U" if case == "unwritable folder" else ""
        env = {**os.environ, "DISK": str(disk), "REPORT": str(report), "PYTHON": sys.executable,
               "KIT": str(KIT), "SETUP": setup, "AS_USER": as_user}
        script = DRILL.replace("$SETUP", setup).replace("$AS_USER", as_user)
        subprocess.run(["unshare", "-m", "sh", "-c", script], env=env, check=True, timeout=600)
        found[case] = json.loads(report.read_text())
    return found


@pytest.mark.parametrize("case", list(SETUPS))
@pytest.mark.parametrize("name, existing", RUNS, ids=[f"{n}-{'existing' if e else 'new'}" for n, e in RUNS])
def test_a_write_that_fails_on_a_real_file_system_exits_6_naming_the_file(
        drills: dict[str, dict[str, Any]], case: str, name: str, existing: bool) -> None:
    drill = drills[case]
    run = drill["runs"][f"{name}|{'existing' if existing else 'new'}"]
    target = target_name(name, existing)
    assert run["escaped"] is None, run["escaped"]
    assert run["exit"] == 6, run
    assert "Traceback" not in run["stderr"] and target in run["stderr"] and REASONS[case] in run["stderr"], run
    assert ("was left as it was" if existing else "nothing was written") in run["stderr"]
    names = drill["after"]["names"]
    assert [n for n in names if not n.startswith("existing-")] == []  # no partial, no temporary file
    assert drill["after"]["kept"][target_name(name, True)] == PREVIOUS


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_folder_in_the_way_exits_6_naming_it(tmp_path: Path, name: str) -> None:
    target = tmp_path / target_name(name, False)
    target.mkdir()
    (target / "inside.txt").write_text("kept\n")
    result = CliRunner().invoke(main, arguments(name, target))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 6, result.output
    assert f"cannot write {target}: it is a folder, not a file" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
    assert [p.name for p in target.iterdir()] == ["inside.txt"]


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_disk_that_fills_while_writing_keeps_the_previous_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The failure injected at the writer's flush, where no mount namespace can be made."""
    prepare(tmp_path)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    target = tmp_path / target_name(name, True)
    result = CliRunner().invoke(main, arguments(name, target))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 6, result.output
    assert f"cannot write {target}: no space left on the device; {target} was left as it was" in result.stderr
    assert target.read_text() == PREVIOUS
    assert survey(tmp_path)["names"] == sorted(target_name(n, True) for n in WRITERS)
