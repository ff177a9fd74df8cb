"""The `assess` command: click commands that translate between the shell and the library API,
nothing more. commands holds the commands, review the reviewer's (diff, fingerprint), common what
they share (exit codes, the error boundary, options). The top layer: it may import anything;
nothing in the package imports it."""
from __future__ import annotations

from .commands import main

__all__ = ["main"]
