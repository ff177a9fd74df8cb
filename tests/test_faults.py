"""Fault drills: an interrupted, failing or concurrent `assess batch` leaves --out all old or all new.

Each drill runs `assess batch` as a separate process over generated submissions, waits until the
staging folder beside --out reaches a state (scoring under way, reports being written, the batch
files being written), then sends kill -9 or SIGTERM to the batch, or SIGINT to its process group
as Ctrl-C does. Afterwards --out must hold the previous complete output byte for byte, the workers
must be gone, and an interrupted run must leave nothing behind (a killed one: nothing the next run
does not reclaim); the rerun must give the bytes of an uninterrupted run.
"""
from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pytest
from casekit import catalogue

from assess.batch import run as batch_module
from assess.batch.outdir import OutputError
from assess.input.synthetic import generate, write_yaml

N = 48
IS_LINUX = sys.platform.startswith("linux")


def output_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def leftovers(parent: Path, name: str = "out") -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}.assess-"))


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Inputs, the previous output (from other inputs) and the reference output of these inputs."""
    base = tmp_path_factory.mktemp("drill")
    inputs, previous_inputs = base / "in", base / "previous-in"
    write_yaml(generate(N), inputs)
    (inputs / "broken.yaml").write_text("footprint: [unclosed\n")
    shutil.copytree(inputs, previous_inputs)
    for path in sorted(previous_inputs.glob("submission-*.yaml"))[-5:]:
        path.unlink()
    write_yaml(generate(1, seed=7), previous_inputs, prefix="zz-removed")
    batch_module.run_batch(previous_inputs, base / "previous", catalogue=catalogue(), progress=False)
    batch_module.run_batch(inputs, base / "reference", catalogue=catalogue(), progress=False)
    return {"inputs": inputs, "previous": output_bytes(base / "previous"), "previous_dir": base / "previous",
            "reference": output_bytes(base / "reference")}


def start_batch(inputs: Path, out: Path, jobs: int, *prefix: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*prefix, sys.executable, "-m", "assess", "batch", str(inputs), "--out", str(out),
                             "--jobs", str(jobs)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def staging(parent: Path) -> Path | None:
    found = [p for p in parent.glob(".out.assess-new-*") if p.is_dir()]
    return found[0] if found else None


def count(folder: Path | None, sub: str, pattern: str = "*") -> int:
    try:
        return 0 if folder is None else sum(1 for _ in (folder / sub).glob(pattern))
    except OSError:
        return 0


POINTS: dict[str, Callable[[Path | None], bool]] = {
    "scoring": lambda s: count(s, ".spool", "*.json") >= 3,
    "reports": lambda s: count(s, "reports", "*.html") >= 5,
    "batch files": lambda s: s is not None and (s / "results.json").exists(),
}
DRILLS = [(sig, jobs, point) for sig in ("KILL", "TERM", "INT") for jobs in (1, 2) for point in POINTS
          if not (jobs == 2 and point == "batch files")]


@pytest.mark.skipif(not IS_LINUX, reason="drills read /proc")
@pytest.mark.parametrize("sig, jobs, point", DRILLS)
def test_an_interrupted_batch_leaves_the_previous_output_whole(
        drill: dict[str, Any], tmp_path: Path, sig: str, jobs: int, point: str) -> None:
    out = tmp_path / "out"
    shutil.copytree(drill["previous_dir"], out)
    process = start_batch(drill["inputs"], out, jobs)
    reached, deadline = POINTS[point], time.monotonic() + 60
    while not reached(staging(tmp_path)) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.003)
    assert process.poll() is None, f"the batch ended before the drill point: {process.communicate()}"
    workers = children(process.pid)
    if sig == "INT":
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group gets it
    else:
        os.kill(process.pid, getattr(signal, f"SIG{sig}"))
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"the batch hung after SIG{sig}")
    deadline = time.monotonic() + 10
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not [p for p in workers if alive(p)], "worker processes outlived the batch"
    assert "Traceback" not in stderr, stderr
    if sig == "KILL":
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 128 + getattr(signal, f"SIG{sig}"), stderr
        assert f"Interrupted: {out} was left as it was" in stderr
        assert leftovers(tmp_path) == []
    assert output_bytes(out) == drill["previous"]  # all old: not one new file, none missing
    rerun = subprocess.run([sys.executable, "-m", "assess", "batch", str(drill["inputs"]), "--out", str(out),
                            "--jobs", str(jobs)], capture_output=True, text=True)
    assert rerun.returncode == 3 and "broken.yaml" in rerun.stderr  # the one bad input
    assert output_bytes(out) == drill["reference"]  # all new, and zz-removed's report is gone
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not IS_LINUX, reason="drills read /proc")
def test_a_killed_worker_costs_nothing_but_a_retry(drill: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    started = time.monotonic()
    process = start_batch(drill["inputs"], out, 2)
    while count(staging(tmp_path), ".spool", "*.json") < 3 and process.poll() is None:
        time.sleep(0.003)
    workers = [p for p in children(process.pid) if "resource_tracker" not in Path(f"/proc/{p}/cmdline").read_text()]
    os.kill(max(workers), signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    print(f"batch of {N} with a killed worker: {time.monotonic() - started:.1f} s")
    assert process.returncode == 3 and "Traceback" not in stderr, stderr  # 3: broken.yaml only
    assert output_bytes(out) == drill["reference"]


@pytest.mark.skipif(not IS_LINUX, reason="drills read /proc")
def test_a_second_batch_into_the_same_folder_is_refused_while_the_first_runs(
        drill: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = start_batch(drill["inputs"], out, 1)
    while staging(tmp_path) is None and first.poll() is None:
        time.sleep(0.003)
    # held still while the second starts (a Python start-up can outlast a small batch): the lock is
    # what is tested, not which process is quicker
    assert first.poll() is None, "the first batch ended before the second could start"
    os.kill(first.pid, signal.SIGSTOP)
    try:
        assert first.poll() is None, "the first batch ended before the second could start"
        second = subprocess.run([sys.executable, "-m", "assess", "batch", str(drill["inputs"]), "--out", str(out)],
                                capture_output=True, text=True, timeout=120)
    finally:
        os.kill(first.pid, signal.SIGCONT)
    first.communicate(timeout=120)
    assert second.returncode == 6
    assert f"Error: another batch (process {first.pid}) is writing to {out}" in second.stderr
    assert first.returncode == 3 and output_bytes(out) == drill["reference"]
    assert leftovers(tmp_path) == []


def test_a_removed_input_leaves_no_report_behind(drill: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(drill["previous_dir"], out)
    assert any(name.startswith("reports/") for name in drill["previous"]) and "zz" not in "".join(drill["reference"])
    batch_module.run_batch(drill["inputs"], out, catalogue=catalogue(), progress=False)
    assert output_bytes(out) == drill["reference"]


def test_a_full_disk_through_the_writer_seam_keeps_the_previous_output(
        drill: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC injected in-process on the 20th file the batch writes (the tmpfs drill below is the real thing)."""
    out = tmp_path / "out"
    shutil.copytree(drill["previous_dir"], out)
    real, calls = batch_module.write_file, []

    def filling(path: Path, chunks: Any) -> None:
        calls.append(path)
        if len(calls) == 20:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, chunks)

    monkeypatch.setattr(batch_module, "write_file", filling)
    with pytest.raises(OutputError) as caught:
        batch_module.run_batch(drill["inputs"], out, catalogue=catalogue(), progress=False)
    assert f"cannot write {out}/reports/" in str(caught.value)
    assert "no space left on the device; the previous output in" in str(caught.value)
    assert output_bytes(out) == drill["previous"] and leftovers(tmp_path) == []


def _can_mount() -> bool:
    if not IS_LINUX or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


MOUNT_DRILL = r'''
set -e
mount -t tmpfs -o size=$SIZE tmpfs "$DISK"
cp -r "$PREVIOUS" "$DISK/out"
$SETUP
set +e
"$PYTHON" -m assess batch "$INPUTS" --out "$DISK/out" > "$REPORT/stdout" 2> "$REPORT/stderr"
echo $? > "$REPORT/rc"
cd "$DISK" && find . -type f -print0 | sort -z | xargs -0 sha256sum > "$REPORT/after"
ls -a "$DISK" > "$REPORT/listing"
'''


@pytest.mark.skipif(not _can_mount(), reason="needs a private mount namespace (unshare)")
@pytest.mark.parametrize("case", ["full disk", "read-only file system", "unwritable folder"])
def test_an_unwritable_output_gives_a_clear_error_and_keeps_the_previous_output(
        drill: dict[str, Any], tmp_path: Path, case: str) -> None:
    disk, report = tmp_path / "disk", tmp_path / "report"
    disk.mkdir()
    report.mkdir()
    previous_size = sum(len(b) for b in drill["previous"].values())
    setup = {"full disk": 'head -c $(( $(stat -f -c "%a*%S" "$DISK") - 65536 )) /dev/zero > "$DISK/filler"',
             "read-only file system": 'mount -o remount,ro "$DISK"',
             "unwritable folder": 'chmod 555 "$DISK" "$DISK/out"'}[case]
    script = MOUNT_DRILL.replace("$SETUP", setup)
    if case == "unwritable folder":  # root ignores permissions; in a user namespace it does not
        script = script.replace('set +e\n"$PYTHON"', 'set +e\nunshare -U "$PYTHON"')
    env = {**os.environ, "SIZE": f"{previous_size * 3 // 1024 + 1024}k", "DISK": str(disk),
           "PREVIOUS": str(drill["previous_dir"]), "INPUTS": str(drill["inputs"]), "REPORT": str(report),
           "PYTHON": sys.executable}
    subprocess.run(["unshare", "-m", "sh", "-c", script], env=env, check=True, timeout=300)
    stderr = (report / "stderr").read_text()
    assert int((report / "rc").read_text()) == 6, stderr
    expected = {"full disk": "no space left on the device", "read-only file system": "read-only",
                "unwritable folder": "permission denied"}[case]
    assert expected in stderr and str(disk / "out") in stderr and "Traceback" not in stderr, stderr
    assert "the previous output" in stderr
    after = dict(line.split("  ./", 1)[::-1] for line in (report / "after").read_text().splitlines())
    import hashlib

    kept = {name[len("out/"):]: digest for name, digest in after.items() if name.startswith("out/")}
    assert kept == {name: hashlib.sha256(data).hexdigest() for name, data in drill["previous"].items()}
    assert [n for n in (report / "listing").read_text().split() if ".assess-" in n] == []


def test_a_batch_syncs_its_output_once_not_once_per_file(
        drill: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.batch import outdir

    syncs: list[Path] = []
    fsyncs: list[int] = []
    real_sync_tree, real_fsync = outdir.sync_tree, os.fsync
    monkeypatch.setattr(outdir, "sync_tree", lambda root: (syncs.append(root), real_sync_tree(root))[1])
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), real_fsync(fd))[1])
    batch_module.run_batch(drill["inputs"], tmp_path / "out", catalogue=catalogue(), progress=False)
    files = len(drill["reference"])
    assert len(syncs) == 1 and files > 90
    assert len(fsyncs) <= 10  # the folders, and the few tables written with their own fsync
