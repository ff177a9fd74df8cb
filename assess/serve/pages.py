"""The pages: the list of submissions, the self-assessment form, the reviewer's desk and the gap
reports. HTML from autoescaped templates in reports/serve/ (submitted text is escaped as in the
reports); data for the page's script travels in JSON data blocks, never as inline script."""
from __future__ import annotations

import json
from functools import cache
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..common.resources import bundled_dir
from .api import current_data, document_of, error, state_of
from .desk import FILTERS
from .documents import jsonable, open_file
from .state import State

STATIC = {"serve.js": "text/javascript; charset=utf-8", "serve.css": "text/css; charset=utf-8"}
SORTS = ("score", "code", "name", "region", "rating", "stage", "ics_readiness", "submitted_on")


@cache
def templates() -> jinja2.Environment:
    """The pages' templates, autoescaped as the reports' HTML templates are."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(bundled_dir("reports") / "serve")),
                             autoescape=True)
    env.filters["data_block"] = data_block
    return env


def data_block(value: Any) -> str:
    """JSON safe inside <script type="application/json">: no '<' can close the element."""
    from markupsafe import Markup

    text = json.dumps(jsonable(value), ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("&", "\\u0026"))


def page(request: Request, name: str, **context: Any) -> HTMLResponse:
    """A page rendered with what every page needs (the CSRF token, whether the desk is on)."""
    state = state_of(request)
    html = templates().get_template(name).render(csrf=state.settings.csrf, has_desk=state.desk is not None,
                                                  **context)
    return HTMLResponse(html)


@cache
def layout() -> list[dict[str, Any]]:
    """The form's layout: the workbook's sheets (sections, lists), each field with its label,
    kind, allowed values, bounds, unit and help."""
    from ..input.workbook.layout import sheets

    out = []
    for sheet in sheets():
        out.append({"title": sheet.title, "key": sheet.key, "is_list": sheet.is_list, "doc": sheet.doc,
                    "max_items": sheet.max_items,
                    "columns": [{"name": c.name, "path": c.path, "label": c.label, "kind": c.kind,
                                 "item_kind": c.item_kind, "values": list(c.values), "required": c.required,
                                 "ge": c.ge, "le": c.le, "max_length": c.max_length, "unit": c.unit,
                                 "help": c.description, "kind_text": c.kind_text()} for c in sheet.columns]})
    return jsonable(out)  # type: ignore[no-any-return]


async def index(request: Request) -> Response:
    """`/`: the served submissions, a new blank one, an upload."""
    from .documents import NEW_PREFIX

    state = state_of(request)
    begun = [{"id": d.document, "code": _footprint(d.data, "code"), "name": _footprint(d.data, "name"),
              "saved_at": _when(d.saved_at)} for d in state.drafts.begun(NEW_PREFIX)]
    return page(request, "index.html.j2", documents=list(state.documents.files.values()), begun=begun)


def _footprint(data: dict[str, Any], key: str) -> str:
    footprint = data.get("footprint")
    value = footprint.get(key) if isinstance(footprint, dict) else None
    return str(value) if value not in (None, "") else "(not given)"


def _when(timestamp: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


async def form(request: Request) -> Response:
    """`/documents/{doc}`: the self-assessment form of one document."""
    state = state_of(request)
    doc = document_of(request)
    opened = open_file(doc) if doc.path is not None else None
    data, base = current_data(state, doc)
    if data is None:
        problems = opened.problems if opened else []
        return page(request, "unreadable.html.j2", doc=doc, problems=problems)
    draft = state.drafts.get(doc.id)
    on_disk = opened.sha256 if opened else None
    # a recovered draft was begun on the file as it was then: a save must notice any change since
    began_on = draft.base_sha256 if draft is not None and draft.base_sha256 else on_disk
    return page(request, "form.html.j2", doc=doc, layout=layout(), data=data,
                file_data=opened.data if opened else None, opened_sha256=began_on,
                recovered=draft is not None and doc.path is not None, draft_seq=draft.seq if draft else 0,
                changed_since_draft=began_on != on_disk, formats=("yaml", "json", "xlsx"))


async def download(request: Request) -> Response:
    """The document as it stands (its draft, else its file) in YAML, JSON or XLSX."""
    from ..errors import InputError
    from ..input.convert import dump
    from ..input.load import Source, validate
    from .api import ApiError
    from .problems import problem_rows

    state = state_of(request)
    doc = document_of(request)
    fmt = request.query_params.get("format", doc.fmt)
    if fmt not in ("yaml", "json", "xlsx"):
        raise error(400, "format is yaml, json or xlsx")
    data, _ = current_data(state, doc)
    try:
        submission = validate(Source(doc.name, "", data, "", "json"))
    except InputError as exc:
        raise ApiError(422, {"problems": problem_rows(exc)}) from None
    body = dump(submission, fmt)
    stem = submission.footprint.code.lower() if doc.path is None else doc.path.stem
    media = {"yaml": "application/yaml", "json": "application/json",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt]
    return Response(body, media_type=media,
                    headers={"content-disposition": f'attachment; filename="{_ascii(stem)}.{fmt}"'})


def _ascii(name: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in name) or "submission"


def gap_report(state: State, data: dict[str, Any]) -> str:
    """The HTML gap report of an assessment's data, as `score --format html` gives it."""
    from ..render import report

    return report.render(data, "html", **report.catalogue_context(state.catalogue))


async def document_report(request: Request) -> Response:
    """The gap report of the document as it stands, printable, as `score --format html` gives it."""
    from .api import score_source

    state = state_of(request)
    doc = document_of(request)
    data, _ = current_data(state, doc)
    from ..input.load import Source

    assessment = score_source(state, Source(doc.name, "", data, "", "json"), None, doc.name)
    return HTMLResponse(gap_report(state, assessment.to_dict()))


def _desk(request: Request) -> Any:
    desk = state_of(request).desk
    if desk is None:
        raise error(404, "no desk: start the server with --batch OUT (a batch's output folder)")
    return desk


async def desk_page(request: Request) -> Response:
    """`/desk`: the league, filtered and sorted by the query's values."""
    desk = _desk(request)
    rows = desk.rows()
    options = {name: sorted({str(r[name]) for r in rows}) for name in FILTERS}
    chosen = {name: request.query_params.get(name, "") for name in FILTERS}
    shown = [r for r in rows if all(not v or str(r[k]) == v for k, v in chosen.items())]
    sort = request.query_params.get("sort", "score")
    if sort in SORTS:
        descending = request.query_params.get("order", "desc" if sort == "score" else "asc") == "desc"
        shown.sort(key=lambda r: (r[sort] is None, r[sort]), reverse=descending)
    return page(request, "desk.html.j2", rows=shown, total=len(rows), options=options, chosen=chosen, sort=sort,
                filters=FILTERS, sorts=SORTS, decisions=state_of(request).ledger is not None)


def _desk_code(request: Request) -> tuple[Any, Any, str]:
    """The server's state, the desk and the submission code a `/desk/{code}` route names (404 if the
    batch has no such submission)."""
    desk = _desk(request)
    code = request.path_params["code"]
    if code not in desk.results:
        raise error(404, "no such submission in the batch")
    return state_of(request), desk, code


async def desk_submission(request: Request) -> Response:
    """`/desk/{code}`: one submission's verdicts, criteria and the decision form."""
    state, desk, code = _desk_code(request)
    data = desk.assessment(code)
    fingerprints = {}
    engine = desk.engine(code)
    if engine is not None:
        from ..review.moderation import fingerprint

        fingerprints = {cid: fingerprint(c.rule, engine.submission, state.catalogue)
                        for cid, c in engine.criteria.items()}
    from .ledger import version_of

    versions = {r["criterion"]: version_of(r) for r in (state.ledger.records() if state.ledger else [])
                if r["submission"] == code}
    return page(request, "review.html.j2", a=data, code=code, served=engine is not None,
                fingerprints=fingerprints, versions=versions, decisions=state.ledger is not None)


async def desk_report(request: Request) -> Response:
    """`/desk/{code}/report`: the gap report, moderated by the decisions as they stand."""
    state, desk, code = _desk_code(request)
    return HTMLResponse(gap_report(state, desk.assessment(code)))


async def static(request: Request) -> Response:
    """The page's script and stylesheet: a fixed list of names, never a path from the request."""
    name = request.path_params["name"]
    if name not in STATIC:
        raise error(404, "not found")
    return Response(_static_text(name), media_type=STATIC[name])


@cache
def _static_text(name: str) -> str:
    return (bundled_dir("reports") / "serve" / name).read_text(encoding="utf-8")


ROUTES = [
    Route("/", index, methods=["GET"]),
    Route("/documents/{doc}", form, methods=["GET"]),
    Route("/documents/{doc}/download", download, methods=["GET"]),
    Route("/documents/{doc}/report", document_report, methods=["GET"]),
    Route("/desk", desk_page, methods=["GET"]),
    Route("/desk/{code}", desk_submission, methods=["GET"]),
    Route("/desk/{code}/report", desk_report, methods=["GET"]),
    Route("/static/{name}", static, methods=["GET"]),
]
