"""Drive `assess serve`'s API on loopback: 1 and 20 concurrent clients for 30 s each, printing
requests/s, p50/p95/p99 latency, errors and the server's RSS over the run, beside the in-process
cost of `assess.assess` on the same submission (so the server's overhead shows as a ratio).

    .venv/bin/python bench/serve_load.py                 # 1 and 20 clients, 30 s each
    .venv/bin/python bench/serve_load.py --seconds 5 --clients 1,4

A script, not a test: nothing is asserted. The server is started on a free port on 127.0.0.1 and
stopped by its PID at the end.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "frimley-ics-ready.yaml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int, path: str = "/api/health", timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server on port {port} did not answer {path} within {timeout:.0f} s")


def rss_mib(pid: int) -> float:
    """Resident set size of `pid` in MiB (Linux /proc), 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def drive(port: int, body: bytes, clients: int, seconds: float, pid: int,
          path: str = "/api/assess") -> dict[str, Any]:
    """`clients` threads, each on one keep-alive connection, POST `body` for `seconds`."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    rss: list[float] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except OSError:
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    def sample() -> None:
        while time.monotonic() < stop:
            rss.append(rss_mib(pid))
            time.sleep(0.5)

    threads = [threading.Thread(target=client) for _ in range(clients)] + [threading.Thread(target=sample)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / wall,
            "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99), "errors": errors[0],
            "rss_first": rss[0] if rss else 0.0, "rss_last": rss[-1] if rss else 0.0,
            "rss_max": max(rss) if rss else 0.0}


def in_process_ms(data: dict[str, Any], rounds: int = 200) -> float:
    """Median milliseconds of `assess.assess(data, catalogue)` in this process."""
    from assess import assess
    from assess.catalogue.cache import load

    catalogue = load(None)
    assess(data, catalogue)  # warm: the edition's compiled rules
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        assess(data, catalogue)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def start_server(command: list[str], port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, **(env or {})})
    try:
        wait_until_up(port)
    except BaseException:
        process.kill()
        raise
    return process


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def report(label: str, result: dict[str, Any], floor_ms: float | None = None) -> None:
    ratio = f"  p50/in-process {result['p50'] / floor_ms:.2f}x" if floor_ms else ""
    print(f"{label:<28} {result['clients']:>3} clients  {result['rps']:8.1f} req/s  "
          f"p50 {result['p50']:6.1f} ms  p95 {result['p95']:6.1f} ms  p99 {result['p99']:6.1f} ms  "
          f"errors {result['errors']}  RSS {result['rss_first']:.0f} -> {result['rss_last']:.0f} MiB "
          f"(max {result['rss_max']:.0f}){ratio}", flush=True)


def body_of(fixture: Path) -> tuple[bytes, dict[str, Any]]:
    import yaml

    data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    return json.dumps(data, default=str).encode("utf-8"), json.loads(json.dumps(data, default=str))


def main(argv: list[str] | None = None, run: Callable[..., Any] = drive) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="per run (default 30)")
    parser.add_argument("--clients", default="1,20", help="comma-separated client counts (default 1,20)")
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    args = parser.parse_args(argv)
    body, data = body_of(args.fixture)
    floor = in_process_ms(data)
    print(f"in-process assess.assess on {args.fixture.name}: {floor:.2f} ms (median of 200)", flush=True)
    port = free_port()
    server = start_server([sys.executable, "-m", "assess", "serve", "--port", str(port)], port)
    try:
        for clients in (int(c) for c in args.clients.split(",")):
            report("assess serve POST /api/assess", run(port, body, clients, args.seconds, server.pid), floor)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
