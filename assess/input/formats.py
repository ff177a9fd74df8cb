"""The one table of file formats: which extensions a submission may have, which format each is
read and written as, and which other spreadsheet formats are refused with advice on saving them
as .xlsx. Every reader, writer, command and the batch's folder scan take the list from here."""
from __future__ import annotations

#: Extension (lower case) -> the format it is read and written as.
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "xlsx"}
SUPPORTED = tuple(FORMATS)
SUPPORTED_TEXT = ", ".join(SUPPORTED[:-1]) + " or " + SUPPORTED[-1]

#: Spreadsheet formats that are not read, each with what it is, for a message saying how to save it.
REFUSED_SUFFIXES = {
    ".xlsm": "a macro-enabled workbook",
    ".xls": "an Excel 97-2003 workbook",
    ".xlsb": "a binary Excel workbook",
    ".ods": "an OpenDocument spreadsheet",
}


def refused_suffix_message(suffix: str) -> str:
    """Why a spreadsheet format other than .xlsx is refused, and how to save it as one."""
    what = REFUSED_SUFFIXES[suffix.lower()]
    return (f"{what} ({suffix}) is not read; save it as an Excel Workbook (.xlsx): in Excel, "
            "File > Save As > 'Excel Workbook (*.xlsx)'; in LibreOffice, File > Save As > "
            "'Excel 2007-365 (.xlsx)'")
