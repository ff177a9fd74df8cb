"""The measurement behind `assess serve`'s framework: the same `POST /api/assess` handler (read the
body, parse, assess, answer the JSON document) under Starlette and under FastAPI, each on uvicorn
on loopback, driven by bench/serve_load.py's clients.

    .venv/bin/python bench/serve_framework.py --seconds 5 --clients 1,8

A script, not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import serve_load  # noqa: E402

APPS = {
    "starlette": '''
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from assess import assess
from assess.catalogue.cache import load
from assess.input.load import parse_text, validate
import hashlib
catalogue = load(None)

async def score(request: Request) -> Response:
    raw = await request.body()
    source = parse_text(raw.decode(), "body.json", "json", hashlib.sha256(raw).hexdigest())
    return Response(assess(validate(source), catalogue, source_sha256=source.sha256).to_json(),
                    media_type="application/json")

async def health(request: Request) -> Response:
    return Response("ok")

app = Starlette(routes=[Route("/api/assess", score, methods=["POST"]), Route("/api/health", health)])
''',
    "fastapi": '''
from fastapi import FastAPI, Request
from fastapi.responses import Response
from assess import assess
from assess.catalogue.cache import load
from assess.input.load import parse_text, validate
import hashlib
catalogue = load(None)
app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.post("/api/assess")
async def score(request: Request) -> Response:
    raw = await request.body()
    source = parse_text(raw.decode(), "body.json", "json", hashlib.sha256(raw).hexdigest())
    return Response(assess(validate(source), catalogue, source_sha256=source.sha256).to_json(),
                    media_type="application/json")

@app.get("/api/health")
async def health() -> Response:
    return Response("ok")
''',
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of each framework")
    args = parser.parse_args()
    body, _ = serve_load.body_of(serve_load.FIXTURE)
    folder = Path(__file__).resolve().parent / ".serve_framework"
    folder.mkdir(exist_ok=True)
    for name, source in APPS.items():
        (folder / f"app_{name}.py").write_text(source)
    for round_ in range(args.rounds):
        for name in APPS:
            port = serve_load.free_port()
            server = serve_load.start_server(
                [sys.executable, "-m", "uvicorn", f"app_{name}:app", "--host", "127.0.0.1", "--port", str(port),
                 "--log-level", "warning", "--app-dir", str(folder)], port)
            try:
                for clients in (int(c) for c in args.clients.split(",")):
                    serve_load.report(f"{name} (round {round_ + 1})",
                                      serve_load.drive(port, body, clients, args.seconds, server.pid))
            finally:
                serve_load.stop_server(server)


if __name__ == "__main__":
    main()
