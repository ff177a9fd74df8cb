"""The JSON API the pages are built on, for any other tool too:

- `POST /api/assess[?edition=]`: a submission (JSON, or YAML with a YAML content type) -> exactly
  `assess score --format json`'s document; 422 `{"problems": [{file, line, field, message}]}`.
- `GET /api/schema`, `GET /api/health`.
- `GET|POST /api/decisions`, `DELETE /api/decisions/{submission}/{criterion}` (with --decisions).
- Drafts, save, diff, upload and new documents, for the self-assessment page.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..common.jsonio import canonical_bytes
from ..errors import InputError
from ..input.formats import FORMATS
from .documents import Document, diff, file_sha256, jsonable, open_file
from .problems import problem_rows
from .state import State

BODY = "request body"
JSON_TYPE = "application/json"


class ApiError(Exception):
    """An answer other than success: its status and data."""

    def __init__(self, status: int, data: dict[str, Any]) -> None:
        super().__init__(status)
        self.status, self.data = status, data


def state_of(request: Request) -> State:
    """The server's state, kept on the application."""
    state: State = request.app.state.assess
    return state


def error(status: int, message: str) -> ApiError:
    """An ApiError answering `{"error": message}`."""
    return ApiError(status, {"error": message})


async def json_body(request: Request) -> Any:
    """The body as JSON; 400 when it is not."""
    raw = await request.body()
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise error(400, "the request body is not JSON") from None


def document_of(request: Request) -> Document:
    """The document the path names by id; 404 for any other id."""
    doc = state_of(request).documents.get(request.path_params["doc"])
    if doc is None:
        raise error(404, "no such document")
    return doc


# --- scoring ---------------------------------------------------------------------------------

def parse_body(raw: bytes, content_type: str) -> Any:
    """A submission body read as the file readers read a file of the same bytes (limits included)."""
    from ..input.load import parse_text

    fmt = "yaml" if "yaml" in content_type else "json"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(BODY, "UTF-16 text; send UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(BODY, f"not UTF-8 text (byte {exc.start})") from None
    return parse_text(text, BODY, fmt, hashlib.sha256(raw).hexdigest())


def score_source(state: State, source: Any, edition: str | None, source_file: str | None = None) -> Any:
    """Validate and assess a source; 422 with the problems, 400 for an unknown edition."""
    from ..api import assess
    from ..input.load import validate

    if edition is not None:
        try:
            state.catalogue.edition(edition)
        except KeyError as exc:
            raise error(400, str(exc.args[0])) from None
    try:
        submission = validate(source)
    except InputError as exc:
        raise ApiError(422, {"problems": problem_rows(exc)}) from None
    return assess(submission, state.catalogue, edition=edition, source_sha256=source.sha256,
                  source_file=source_file)


async def assess_route(request: Request) -> Response:
    """`POST /api/assess`: exactly `assess score --format json`'s document."""
    raw = await request.body()
    try:
        source = parse_body(raw, request.headers.get("content-type", ""))
    except InputError as exc:
        raise ApiError(422, {"problems": problem_rows(exc)}) from None
    assessment = score_source(state_of(request), source, request.query_params.get("edition") or None)
    # the bytes of Assessment.to_json(), through orjson with its checks (~0.35 ms against ~0.7)
    return Response(canonical_bytes(assessment.to_dict()) + b"\n", media_type=JSON_TYPE)


async def schema_route(request: Request) -> Response:
    """`GET /api/schema`: the submission JSON Schema, as `assess schema` prints it."""
    from ..input.schema import submission_schema

    return Response(json.dumps(submission_schema(), indent=2, sort_keys=True) + "\n", media_type=JSON_TYPE)


async def health_route(request: Request) -> Response:
    """`GET /api/health`: 200 while the server serves."""
    return JSONResponse({"status": "ok"})


# --- decisions -------------------------------------------------------------------------------

def _ledger(request: Request) -> Any:
    ledger = state_of(request).ledger
    if ledger is None:
        raise error(404, "no decisions file: start the server with --decisions FILE")
    return ledger


def moderated_verdict(state: State, code: str, criterion: str) -> dict[str, Any] | None:
    """The submission's moderated verdict beside the engine's, for one criterion and overall (None
    when the desk does not serve the submission's file)."""
    desk = state.desk
    if desk is None or code not in desk.files:
        return None
    data = desk.assessment(code)
    row = next((c for c in data["criteria"] if c["id"] == criterion), None)
    engine = data.get("engine") or {k: data[k] for k in ("score", "rating", "stage", "ics_readiness")}
    return {"criterion": None if row is None else {
                "id": row["id"], "status": row["status"], "engine_status": row.get("engine_status", row["status"]),
                "moderated": row.get("moderated")},
            "score": data["score"], "rating": data["rating"], "stage": data["stage"],
            "ics_readiness": data["ics_readiness"],
            "engine": {k: engine[k] for k in ("score", "rating", "stage", "ics_readiness")},
            "decision_state": next((d["state"] for d in data.get("moderation", {}).get("decisions", [])
                                    if d["criterion"] == criterion), None)}


async def decisions_list(request: Request) -> Response:
    """`GET /api/decisions`: every decision with its version (for `If-Match`)."""
    from .ledger import version_of

    records = _ledger(request).records()
    return JSONResponse({"decisions": [{**r, "version": version_of(r)} for r in records]})


async def decisions_record(request: Request) -> Response:
    """`POST /api/decisions`: record one decision; 201 with the moderated verdict."""
    ledger = _ledger(request)
    body = await json_body(request)
    outcome = await run_in_threadpool(ledger.record, body, request.headers.get("if-match"))
    data = outcome.data
    if outcome.status == 201:
        record = data["record"]
        data = {**data, "moderated": moderated_verdict(state_of(request), record["submission"],
                                                       record["criterion"])}
    return JSONResponse(data, status_code=outcome.status)


async def decisions_withdraw(request: Request) -> Response:
    """`DELETE /api/decisions/{submission}/{criterion}?reviewer=`: withdraw one decision."""
    ledger = _ledger(request)
    reviewer = (request.query_params.get("reviewer") or "").strip()
    if not reviewer:
        raise error(422, "say who withdraws the decision: ?reviewer=NAME")
    submission, criterion = request.path_params["submission"], request.path_params["criterion"]
    outcome = await run_in_threadpool(ledger.withdraw, submission, criterion, reviewer,
                                      request.headers.get("if-match"))
    data = outcome.data
    if outcome.status == 200:
        data = {**data, "moderated": moderated_verdict(state_of(request), submission, criterion)}
    return JSONResponse(data, status_code=outcome.status)


# --- the self-assessment page's documents ----------------------------------------------------

def current_data(state: State, doc: Document) -> tuple[dict[str, Any] | None, str | None]:
    """The document as it stands: its draft when there is one, else its file; and the sha256 of
    the file when it was opened."""
    draft = state.drafts.get(doc.id)
    if draft is not None:
        return draft.data, draft.base_sha256
    if doc.path is None:
        return None, None
    opened = open_file(doc)
    return opened.data, opened.sha256


async def draft_save(request: Request) -> Response:
    """`PUT /api/drafts/{doc}`: keep the form's data; answered once it is on disk."""
    doc = document_of(request)
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict) or not isinstance(body.get("seq"), int):
        raise error(400, "a draft is {data: {...}, seq: N, base_sha256: ...}")
    base = body.get("base_sha256")
    seq = await run_in_threadpool(state_of(request).drafts.save, doc.id, body["data"],
                                  base if isinstance(base, str) else None, body["seq"])
    return JSONResponse({"seq": seq})


async def draft_get(request: Request) -> Response:
    """`GET /api/drafts/{doc}`: the document's draft."""
    doc = document_of(request)
    draft = state_of(request).drafts.get(doc.id)
    if draft is None:
        raise error(404, "no draft")
    return JSONResponse({"data": draft.data, "seq": draft.seq, "base_sha256": draft.base_sha256,
                         "saved_at": draft.saved_at})


async def draft_discard(request: Request) -> Response:
    """`DELETE /api/drafts/{doc}`: forget the draft (the file stays as it is)."""
    doc = document_of(request)
    state_of(request).drafts.discard(doc.id)
    return JSONResponse({"discarded": True})


async def diff_route(request: Request) -> Response:
    """The fields that differ between the file on disk and the data given."""
    doc = document_of(request)
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise error(400, "send {data: {...}}")
    on_disk = open_file(doc).data if doc.path is not None else None
    return JSONResponse({"changes": diff(on_disk, body["data"]), "sha256": file_sha256(doc)})


async def save_route(request: Request) -> Response:
    """Write the data back to the document's file, in its own format, atomically; 409 when the
    file changed on disk since it was opened (unless `force`)."""
    from ..common.files import write_atomic
    from ..input.convert import dump
    from ..input.load import Source, validate

    state = state_of(request)
    doc = document_of(request)
    if doc.path is None:
        raise error(409, "this submission has no file yet: download it (YAML, JSON or XLSX) instead")
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise error(400, "send {data: {...}, opened_sha256: ...}")
    now = file_sha256(doc)
    if now != body.get("opened_sha256") and body.get("force") is not True:
        raise ApiError(409, {"error": f"{doc.name} changed on disk since you opened it; nothing was written. "
                                      "Look at the differences, then save again to overwrite it",
                             "changes": diff(open_file(doc).data, body["data"]), "sha256": now})
    try:
        submission = validate(Source(doc.name, "", body["data"], "", "json"))
    except InputError as exc:
        raise ApiError(422, {"problems": problem_rows(exc)}) from None
    await run_in_threadpool(write_atomic, doc.path, dump(submission, doc.fmt))
    seq = body.get("seq")
    state.drafts.discard(doc.id, seq if isinstance(seq, int) and not isinstance(seq, bool) else None)
    return JSONResponse({"saved": doc.name, "sha256": file_sha256(doc)})


SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


async def upload_route(request: Request) -> Response:
    """A submission file sent as the body (`?name=` gives its name, hence its format): read by the
    file readers, kept as a new document's draft; 422 with every problem when it cannot be read."""
    state = state_of(request)
    name = SAFE_NAME.sub("_", Path(request.query_params.get("name", "")).name)[:100] or "upload"
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        message = f"unsupported file type '{suffix}' (use .yaml, .json or .xlsx)"
        raise ApiError(422, {"problems": [{"file": name, "line": None, "field": None, "message": message}]})
    raw = await request.body()
    opened = await run_in_threadpool(_read_upload, raw, name, suffix)
    if opened.data is None:
        raise ApiError(422, {"problems": opened.problems})
    doc_id = state.documents.new_id()
    state.drafts.save(doc_id, opened.data, None, 0)
    return JSONResponse({"id": doc_id, "url": f"/documents/{doc_id}", "problems": opened.problems}, status_code=201)


def _read_upload(raw: bytes, name: str, suffix: str) -> Any:
    """The upload through the file readers, from a private temporary file that is removed after."""
    with tempfile.TemporaryDirectory(prefix="assess-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        opened = open_file(Document("upload", name, path, FORMATS[suffix]))
    for row in opened.problems:
        row["file"] = name
    return opened


async def new_route(request: Request) -> Response:
    """A new submission from the template (its placeholders to replace), as a draft."""
    import yaml

    from ..input.template import render_template

    state = state_of(request)
    doc_id = state.documents.new_id()
    state.drafts.save(doc_id, jsonable(yaml.safe_load(render_template())), None, 0)
    return JSONResponse({"id": doc_id, "url": f"/documents/{doc_id}"}, status_code=201)


def api_error_handler(request: Request, exc: Exception) -> Response:
    """An ApiError as its JSON answer."""
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.data, status_code=exc.status)


ROUTES = [
    Route("/api/assess", assess_route, methods=["POST"]),
    Route("/api/schema", schema_route, methods=["GET"]),
    Route("/api/health", health_route, methods=["GET"]),
    Route("/api/decisions", decisions_list, methods=["GET"]),
    Route("/api/decisions", decisions_record, methods=["POST"]),
    Route("/api/decisions/{submission}/{criterion}", decisions_withdraw, methods=["DELETE"]),
    Route("/api/drafts/{doc}", draft_save, methods=["PUT"]),
    Route("/api/drafts/{doc}", draft_get, methods=["GET"]),
    Route("/api/drafts/{doc}", draft_discard, methods=["DELETE"]),
    Route("/api/documents/{doc}/diff", diff_route, methods=["POST"]),
    Route("/api/documents/{doc}/save", save_route, methods=["POST"]),
    Route("/api/upload", upload_route, methods=["POST"]),
    Route("/api/new", new_route, methods=["POST"]),
]
