"""Small helpers every layer may use, and that know nothing of submissions or rules: text made
safe for terminals, reports and spreadsheets (textsafe), the words and dates a reviewer reads
(labels), files written whole or not at all (files), canonical JSON (jsonio), names imported on
first use (lazy), the bundled folders (resources), how text fits a spreadsheet's cells and columns
a printed page (pagefit) and the version.

Imports: the standard library, third-party packages and assess.errors only."""
