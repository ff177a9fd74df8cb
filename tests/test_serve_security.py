"""`assess serve` is secure by default: loopback only, a token beyond it, the Host header checked,
same-origin and CSRF for every change, bodies capped and read by the file readers, no path from a
request, a CSP without inline script, submitted text escaped."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from casekit import FIXTURES
from click.testing import CliRunner
from servekit import ORIGIN, Server, Site, client, decision, doc_id, fixture_body, make_site, writing
from workbook_cases import entity_bomb_sheet, not_a_zip, zip_bomb

from assess.cli import main
from assess.serve.settings import MAX_BODY_BYTES


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return make_site(tmp_path_factory.mktemp("serve-security"))


@pytest.fixture
def app(site: Site, tmp_path: Path) -> Iterator[Any]:
    settings = site.settings(decisions=tmp_path / "decisions.yaml", store=tmp_path / "drafts.sqlite3")
    with client(settings) as c:
        c.settings = settings
        yield c


# --- the bind and the token ------------------------------------------------------------------

def _started_with(monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    seen: list[Any] = []
    monkeypatch.setattr("assess.serve.run.serve", lambda settings, echo: seen.append(settings))
    result = CliRunner().invoke(main, ["serve", *args])
    assert result.exit_code == 0, result.output
    return seen[0]


def test_binds_loopback_without_a_token_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = _started_with(monkeypatch, "--store", str(tmp_path / "d.sqlite3"))
    assert settings.host == "127.0.0.1" and settings.port == 8765 and settings.token is None


def test_any_other_host_gets_a_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = _started_with(monkeypatch, "--host", "0.0.0.0", "--store", str(tmp_path / "d.sqlite3"))
    assert settings.token and len(settings.token) >= 24
    (tmp_path / "token.txt").write_text("a-token-kept-in-a-file-1234\n")
    settings = _started_with(monkeypatch, "--host", "192.0.2.10", "--token-file", str(tmp_path / "token.txt"),
                             "--store", str(tmp_path / "d.sqlite3"))
    assert settings.token == "a-token-kept-in-a-file-1234"


def test_the_url_with_its_token_is_printed_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: None)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--store", str(tmp_path / "d.sqlite3")])
    assert result.exit_code == 0, result.output
    tokens = re.findall(r"\?token=([\w-]+)", result.output)
    assert len(tokens) == 1 and len(tokens[0]) >= 24


def test_a_token_is_required_on_every_request_beyond_loopback(site: Site, tmp_path: Path) -> None:
    settings = site.settings(host="0.0.0.0", token="t" * 32, store=tmp_path / "d.sqlite3")
    with client(settings) as c:
        for method, path in (("GET", "/api/health"), ("GET", "/"), ("POST", "/api/assess"), ("GET", "/desk")):
            response = c.request(method, path, content=b"{}")
            assert response.status_code == 403 and "token" in response.json()["error"], path
        assert c.get("/api/health", headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert c.get("/api/health", headers={"Authorization": "Bearer " + "t" * 32}).status_code == 200
        opened = c.get("/?token=" + "t" * 32, follow_redirects=False)  # the printed address
        assert opened.status_code == 303 and opened.headers["location"] == "/"
        assert "HttpOnly" in opened.headers["set-cookie"] and "SameSite=Strict" in opened.headers["set-cookie"]
        assert c.get("/").status_code == 200  # the cookie now carries it


def test_a_loopback_server_needs_no_token(app: Any) -> None:
    assert app.get("/api/health").status_code == 200


# --- Host, Origin, CSRF ----------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1:9999",
                                  "localhost.evil.example:8765"])
def test_wrong_host_header_is_refused(app: Any, host: str) -> None:
    response = app.get("/api/health", headers={"Host": host})
    assert response.status_code == 421 and "Host" in response.json()["error"]
    scored = app.post("/api/assess", content=fixture_body("dorset-thriving.yaml"), headers={"Host": host})
    assert scored.status_code == 421


def test_cross_origin_post_is_refused(app: Any) -> None:
    for origin in ("http://evil.example", "http://127.0.0.1:9999", "null"):
        response = app.post("/api/decisions", json=decision(), headers=writing(app.settings, Origin=origin))
        assert response.status_code == 403 and "cross-origin" in response.json()["error"]
    response = app.post("/api/assess", content=fixture_body("dorset-thriving.yaml"),
                        headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    response = app.post("/api/decisions", json=decision(),
                        headers={**writing(app.settings), "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert not app.settings.decisions.exists()


@pytest.mark.parametrize("headers", [{}, {"Origin": ORIGIN}, {"Origin": ORIGIN, "X-CSRF-Token": "wrong"},
                                     {"X-CSRF-Token": "from-the-page"}])
def test_state_changes_need_same_origin_and_csrf(app: Any, headers: dict[str, str]) -> None:
    headers = {k: (app.settings.csrf if v == "from-the-page" else v) for k, v in headers.items()}
    doc = doc_id(app, "dorset-thriving.yaml")
    for method, path, body in (("POST", "/api/decisions", decision()),
                               ("PUT", f"/api/drafts/{doc}", {"data": {}, "seq": 1}),
                               ("POST", f"/api/documents/{doc}/save", {"data": {}}), ("POST", "/api/new", {}),
                               ("DELETE", "/api/decisions/LINCS/GOV-03?reviewer=x", None)):
        response = app.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, (method, path, response.text)
    assert not app.settings.decisions.exists()
    assert app.get(f"/api/drafts/{doc}").status_code == 404


def test_the_page_carries_the_csrf_token(app: Any) -> None:
    assert f'<meta name="csrf-token" content="{app.settings.csrf}">' in app.get("/").text


# --- bodies ------------------------------------------------------------------------------------

def test_an_oversized_body_is_refused_before_it_is_read(app: Any) -> None:
    response = app.post("/api/assess", content=b" " * (MAX_BODY_BYTES + 1))
    assert response.status_code == 413 and "MiB" in response.json()["error"]


def test_an_oversized_chunked_body_is_refused_as_it_arrives(app: Any) -> None:
    sent = [0]

    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 65536 + 10):
            sent[0] += 1
            yield b" " * 65536

    response = app.post("/api/assess", content=chunks())
    assert response.status_code == 413


def test_a_yaml_bomb_is_refused_quickly(app: Any) -> None:
    lines = ['schema_version: "1.0"', "a0: &a0 [lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    lines.append("footprint: {code: X, name: *a11}")
    response = app.post("/api/assess", content="\n".join(lines).encode(), headers={"Content-Type": "application/yaml"})
    assert response.status_code == 422
    assert response.json()["problems"][0]["file"] == "request body"


def test_deeply_nested_json_is_refused(app: Any) -> None:
    nested = b'{"schema_version": "1.0", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = app.post("/api/assess", content=nested)
    assert response.status_code == 422


@pytest.mark.parametrize("make, expect", [(zip_bomb, "inflates"), (entity_bomb_sheet, "DTD"), (not_a_zip, "")])
def test_a_hostile_workbook_upload_is_refused(app: Any, make: Any, expect: str) -> None:
    response = app.post("/api/upload?name=hostile.xlsx", content=make(), headers=writing(app.settings))
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems and problems[0]["file"] == "hostile.xlsx"
    assert expect in " ".join(p["message"] for p in problems)
    assert app.get("/api/health").status_code == 200


def test_an_upload_of_another_type_is_refused(app: Any) -> None:
    response = app.post("/api/upload?name=macro.xlsm", content=b"PK", headers=writing(app.settings))
    assert response.status_code == 422 and ".xlsm" in response.json()["problems"][0]["message"]


# --- paths ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/static/../setup.cfg", "/static/..%2f..%2fsetup.cfg", "/static/%2e%2e/setup.cfg",
                                  "/documents/..%2f..%2fetc%2fpasswd", "/documents/%2fetc%2fpasswd/download",
                                  "/desk/..%2fresults/report", "/desk/%2e%2e%2f%2e%2e%2fsetup.cfg",
                                  "/documents/new-../../etc/passwd"])
def test_no_request_names_a_path(app: Any, path: str) -> None:
    response = app.get(path)
    assert response.status_code in (404, 405)
    assert "[metadata]" not in response.text and "root:" not in response.text


def test_an_upload_name_never_becomes_a_path(app: Any, tmp_path: Path) -> None:
    body = (FIXTURES / "dorset-thriving.yaml").read_bytes()
    response = app.post("/api/upload?name=../../../../tmp/evil.yaml", content=body, headers=writing(app.settings))
    assert response.status_code == 201
    assert not Path("/tmp/evil.yaml").exists() or Path("/tmp/evil.yaml").read_bytes() != body


# --- what the browser is told ------------------------------------------------------------------

@pytest.mark.parametrize("page", ["/", "/desk", "/desk/LINCS", "DOC", "DOC/report", "/desk/LINCS/report",
                                  "/api/health"])
def test_every_response_carries_a_csp_without_inline_script(app: Any, page: str) -> None:
    if page.startswith("DOC"):
        page = f"/documents/{doc_id(app, 'lincs-no-leader.yaml')}" + page[3:]
    response = app.get(page)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    script_src = csp.split("script-src")[1].split(";")[0] if "script-src" in csp else "'none' (default-src)"
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    for script in re.findall(r"<script\b[^>]*>", response.text):
        assert "src=" in script or 'type="application/json"' in script, script


HOSTILE = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def test_submitted_text_is_escaped(site: Site, tmp_path: Path) -> None:
    data = yaml.safe_load((FIXTURES / "lincs-no-leader.yaml").read_text())
    data["footprint"]["name"] = HOSTILE
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "hostile.json").write_text(json.dumps(data, default=str))
    settings = site.settings(paths=(folder,), batch=None, store=tmp_path / "d.sqlite3")
    with client(settings) as c:
        doc = doc_id(c, "hostile.json")
        for page in (f"/documents/{doc}", f"/documents/{doc}/report"):
            text = c.get(page).text
            assert "<script>window.__pwned" not in text and "<img src=x" not in text, page
        form = c.get(f"/documents/{doc}").text
        block = re.search(r'<script type="application/json" id="initial">(.*?)</script>', form, re.S)
        assert block and json.loads(block.group(1))["footprint"]["name"] == HOSTILE


# --- a real server ------------------------------------------------------------------------------

@pytest.fixture
def server(site: Site, tmp_path: Path) -> Iterator[Server]:
    running = Server([str(site.submissions), "--store", str(tmp_path / "d.sqlite3")], tmp_path / "server.log")
    try:
        yield running
    finally:
        running.stop()


def test_a_100_mb_body_gets_a_4xx_and_the_server_keeps_serving(server: Server) -> None:
    import socket

    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(f"POST /api/assess HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {100 * 1024 * 1024}\r\n\r\n".encode())
        sent = 0
        try:
            while sent < 100 * 1024 * 1024:
                sock.sendall(b" " * (1024 * 1024))
                sent += 1024 * 1024
        except OSError:
            pass  # the server closed the connection once it had refused the body
        answer = sock.recv(65536).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    print(f"100 MB body refused after {time.monotonic() - started:.2f} s, {sent // (1024 * 1024)} MiB sent")
    status, body, _ = server.request("POST", "/api/assess", fixture_body("dorset-thriving.yaml"))
    assert status == 200 and json.loads(body)["submission"]["code"] == "DORSET"


def test_a_chunked_100_mb_body_gets_a_4xx_and_the_server_keeps_serving(server: Server) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b" " * (1024 * 1024)

    try:
        conn.request("POST", "/api/assess", body=chunks(), encode_chunked=True,
                     headers={"Transfer-Encoding": "chunked"})
        status = conn.getresponse().status
    except OSError:
        status = 413  # the connection was closed once the cap was passed, which is the refusal
    finally:
        conn.close()
    assert status == 413
    assert server.request("GET", "/api/health")[0] == 200


def test_a_hostile_workbook_upload_to_a_real_server(server: Server) -> None:
    status, _, _ = server.request("GET", "/")
    assert status == 200
    page = server.request("GET", "/")[1].decode()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    status, body, _ = server.request("POST", "/api/upload?name=bomb.xlsx", zip_bomb(),
                                     {"Origin": server.origin, "X-CSRF-Token": csrf,
                                      "Host": f"127.0.0.1:{server.port}"})
    assert status == 422 and "inflates" in body.decode()
    assert server.request("GET", "/api/health")[0] == 200


def test_a_link_from_another_site_may_open_a_page_but_never_change_anything(app: Any) -> None:
    assert app.get("/", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200
    response = app.post("/api/assess", content=fixture_body("dorset-thriving.yaml"),
                        headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
