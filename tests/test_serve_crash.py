"""`kill -9` while an analyst types and a reviewer records decisions: every draft change and every
decision the server acknowledged is there when it starts again, and the decisions file is whole."""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

from casekit import catalogue
from servekit import Server, decision, make_site

from assess.review.moderation import load_decisions


def csrf_of(server: Server) -> str:
    page = server.request("GET", "/")[1].decode()
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert found
    return found.group(1)


def test_kill_9_loses_no_acknowledged_draft_change_or_decision(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", ("lincs-no-leader.yaml", "dorset-thriving.yaml"))
    args = [str(site.submissions), "--batch", str(site.batch), "--decisions", str(site.decisions),
            "--store", str(site.store)]
    server = Server(args, tmp_path / "server.log")
    try:
        headers = {"Origin": server.origin, "X-CSRF-Token": csrf_of(server), "Content-Type": "application/json"}
        docs = re.findall(r'href="/documents/([0-9a-f]{12})"', server.request("GET", "/")[1].decode())
        doc = docs[0]
        criteria = [c["id"] for c in json.loads((site.batch / "results.json").read_text())[0]["criteria"]]
        acked_drafts: list[tuple[int, dict[str, Any]]] = []
        acked_decisions: list[str] = []
        stop = threading.Event()

        def analyst() -> None:
            seq = 0
            while not stop.is_set():
                seq += 1
                data = {"schema_version": "1.0", "footprint": {"name": "typed " + "x" * seq}}
                try:
                    status, body, _ = server.request("PUT", f"/api/drafts/{doc}",
                                                     json.dumps({"data": data, "seq": seq}).encode(), headers)
                except OSError:
                    return
                if status == 200 and json.loads(body)["seq"] == seq:
                    acked_drafts.append((seq, data))

        def reviewer() -> None:
            for criterion in criteria:
                if stop.is_set():
                    return
                record = decision(criterion=criterion, submission="LINCS", decision="not_applicable")
                try:
                    status, _, _ = server.request("POST", "/api/decisions", json.dumps(record).encode(), headers)
                except OSError:
                    return
                if status == 201:
                    acked_decisions.append(criterion)

        workers = [threading.Thread(target=analyst), threading.Thread(target=reviewer)]
        for worker in workers:
            worker.start()
        while len(acked_decisions) < 8 or len(acked_drafts) < 30:  # well into both streams, then the kill
            if not any(w.is_alive() for w in workers):
                break
            threading.Event().wait(0.02)
        server.kill()
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    finally:
        server.stop()
    assert acked_drafts and acked_decisions

    again = Server(args, tmp_path / "server-again.log")
    try:
        status, body, _ = again.request("GET", f"/api/drafts/{doc}")
        assert status == 200
        draft = json.loads(body)
        last_seq, last_data = acked_drafts[-1]
        assert draft["seq"] >= last_seq  # at most the change in flight is newer than the last acknowledged
        if draft["seq"] == last_seq:
            assert draft["data"] == last_data
        kept = load_decisions(site.decisions, catalogue())  # whole: it loads as `--decisions` reads it
        recorded = {d.criterion for d in kept.decisions if d.submission == "LINCS"}
        assert set(acked_decisions) <= recorded
        audit = site.decisions.with_name(site.decisions.name + ".audit.jsonl").read_text().splitlines()
        logged = {json.loads(line)["criterion"] for line in audit if line.strip().endswith("}")}
        assert set(acked_decisions) <= logged
        print(f"acknowledged before the kill: {len(acked_drafts)} draft changes, {len(acked_decisions)} decisions")
    finally:
        again.stop()
