"""Type text into a workbook's cells through LibreOffice's own keyboard input path, then save it.

Run by the system python3 (which has LibreOffice's `uno` module; the project's venv does not):

    python3 tests/office_typist.py SOFFICE PROFILE_DIR LOCALE IN.xlsx OUT.xlsx TYPINGS.json

TYPINGS.json is a list of [sheet, cell, text]. Each text is entered with `.uno:EnterString`, the
command LibreOffice dispatches when a person types into a cell and presses Enter, so the cell's
number format, the locale's date order and the percent sign are interpreted exactly as they would
be at the keyboard. LOCALE (en-GB, en-US) is set as LibreOffice's locale before the file is opened.

A headless soffice is started on its own pipe and profile, and ended by its process id.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]
from com.sun.star.lang import DisposedException  # type: ignore[import-not-found]


def _prop(name: str, value: Any) -> Any:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def _connect(pipe: str, process: subprocess.Popen[bytes]) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"soffice ended early (status {process.returncode})")
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            time.sleep(0.1)
    raise SystemExit("soffice did not answer on its pipe within 60 s")


def _set_locale(context: Any, locale: str) -> None:
    provider = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", context)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (_prop("nodepath", "/org.openoffice.Setup/L10N"),))
    access.setPropertyValue("ooSetupSystemLocale", locale)
    access.commitChanges()


def type_into(soffice: str, profile: Path, locale: str, source: Path, target: Path,
              typings: list[list[str]]) -> None:
    pipe = f"typist-{uuid.uuid4().hex}"
    process = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
         "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        context = _connect(pipe, process)
        _set_locale(context, locale)
        smgr = context.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
        document = desktop.loadComponentFromURL(source.resolve().as_uri(), "_blank", 0,
                                                (_prop("Hidden", True),))
        if document is None:
            raise AttributeError(f"LibreOffice did not open {source}")
        controller = document.getCurrentController()
        frame = controller.getFrame()
        for sheet, cell, text in typings:
            page = document.getSheets().getByName(sheet)
            controller.setActiveSheet(page)
            controller.select(page.getCellRangeByName(cell))
            dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (_prop("StringName", text),))
        document.storeToURL(target.resolve().as_uri(), (_prop("FilterName", "Calc MS Excel 2007 XML"),))
        try:  # the file is saved; LibreOffice 7.4 headless may drop the bridge while closing
            document.close(True)
            desktop.terminate()
        except Exception:  # noqa: BLE001 - a dropped bridge raises its own exception types
            pass
    finally:
        # soffice is a launcher whose child does the work: end the session this run started,
        # by its id (the launcher's), and so nothing of another user's LibreOffice
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)


def main(argv: list[str]) -> None:
    soffice, profile, locale, source, target, typings = argv
    for attempt in range(3):
        # a copy per attempt: a session that ended early leaves its lock file beside the one it opened
        copy = Path(target).with_name(f".typing-{attempt}-{Path(source).name}")
        shutil.copyfile(source, copy)
        try:
            type_into(soffice, Path(profile), locale, copy, Path(target), json.loads(Path(typings).read_text()))
            return
        except (DisposedException, AttributeError):
            # a new profile makes soffice restart itself once, which drops the first connection
            # (or leaves the document unopened); the next session finds the profile made
            if attempt == 2:
                raise
        finally:
            copy.unlink(missing_ok=True)


if __name__ == "__main__":
    main(sys.argv[1:])
