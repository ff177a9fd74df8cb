"""The streaming sheet writer's cost per cell, with and without wrapped columns (whose rows are
made as tall as their text): the Unmet criteria sheet's ten columns, 50,000 rows of real-length
text, written into memory, best of 3. Printed, never asserted.

    .venv/bin/python bench/sheetwriter_wrap.py
"""
from __future__ import annotations

import io
import time

from assess.render.sheetwriter import Column, Workbook

HEAD = [("Code", 12, False), ("Name", 30, False), ("Criterion", 10, False), ("Rule", 36, True),
        ("Severity", 9, False), ("Field", 24, True), ("Submitted", 14, True), ("Required", 24, True),
        ("Recommended action", 44, True), ("Source", 22, True)]
ROW = ["X000001", "Footprint 1", "DASH-01", "A&E four-hour performance at or above 95%", "major",
       "performance.ae_4h_pct", 94.1, "≥ 95", "Agree a system urgent and emergency care recovery trajectory "
       "back to 95% with the A&E delivery board.", "S02 Must do 4: A&E and ambulance standards"]
ROWS = 50_000


def best(wrap: bool) -> float:
    columns = [Column(h, w, wrap=wrap and wraps) for h, w, wraps in HEAD]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        with Workbook(io.BytesIO(), stamp="2024-01-01") as book, book.sheet("Unmet", columns) as ws:
            for i in range(ROWS):
                ws.append([f"X{i:06d}", f"Footprint {i}", *ROW[2:]])
        times.append(time.perf_counter() - start)
    return min(times)


if __name__ == "__main__":
    cells = ROWS * len(HEAD)
    for wrap in (False, True):
        seconds = best(wrap)
        print(f"{'wrapped' if wrap else 'no wrap'}: {ROWS:,} rows x {len(HEAD)} cells in {seconds:.2f} s, "
              f"{seconds / cells * 1e6:.2f} µs per cell")
