"""Start the application on uvicorn and say where it is."""
from __future__ import annotations

from typing import Callable

from .app import create_app
from .settings import Settings


def url_of(settings: Settings) -> str:
    """The address to open (with the access token, when one is required)."""
    host = settings.host if settings.host not in ("0.0.0.0", "::") else "127.0.0.1"
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{host}:{settings.port}/" + (f"?token={settings.token}" if settings.token else "")


def serve(settings: Settings, echo: Callable[[str], None]) -> None:
    """Build the application (InputError for an unusable --batch or --decisions), print its URL and
    serve until interrupted."""
    import uvicorn

    app = create_app(settings)
    echo(f"assess serve: open {url_of(settings)}  (Ctrl-C stops it)")
    if settings.token:
        echo("Every request needs the token in that address (kept in a cookie once opened) or an "
             "'Authorization: Bearer TOKEN' header.")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", server_header=False,
                limit_concurrency=200, timeout_keep_alive=5, h11_max_incomplete_event_size=64 * 1024)
