"""Assessing a folder at once: the run (run), its worker processes (workers), the scored records
spooled to disk so the parent's memory stays flat (spooled), the output folder that is all old or
all new (outdir) and the tables it writes (tables).

Imports every layer below it (render, review, engine, catalogue, input, common); nothing imports it
but the command line."""
