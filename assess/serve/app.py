"""The Starlette application: the guard around the API and the pages.

Starlette over FastAPI, measured (bench/serve_framework.py): the same handler answers at the same
rate within this machine's noise, with less memory and one dependency fewer, and the API's
validation and schema are the project's own (pydantic models, `assess schema`), not the framework's.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from .api import ROUTES as API_ROUTES
from .api import ApiError, api_error_handler
from .guard import Guard
from .pages import ROUTES as PAGE_ROUTES
from .settings import Settings
from .state import State, build_state


def create_app(settings: Settings, state: State | None = None) -> Any:
    """The ASGI application for `settings` (the state is built now unless given)."""
    built = state or build_state(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        built.drafts.close()

    app = Starlette(routes=[*API_ROUTES, *PAGE_ROUTES], lifespan=lifespan,
                    exception_handlers={ApiError: api_error_handler, HTTPException: _http_error,
                                        500: _internal})
    app.state.assess = built
    return Guard(app, settings)


def _plain_error(status: int, message: str) -> Any:
    from starlette.responses import JSONResponse

    return JSONResponse({"error": message}, status_code=status)


async def _http_error(request: Any, exc: Exception) -> Any:
    assert isinstance(exc, HTTPException)
    words = {404: "not found", 405: "method not allowed"}
    return _plain_error(exc.status_code, words.get(exc.status_code, str(exc.detail)))


async def _internal(request: Any, exc: Exception) -> Any:
    return _plain_error(500, f"internal error (please report it): {type(exc).__name__}")
