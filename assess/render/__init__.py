"""Results as people read them: gap reports in text, Markdown and HTML (report, escape,
fragments, template_cache), the dashboard, the league's CSV and workbook (tables, league_workbook,
league_notes, sheetwriter), and the catalogue and method pages.

Templates see plain data (an Assessment's dict), never the engine. Imports: assess.engine (the
Assessment), assess.catalogue, assess.common and assess.errors; never assess.input."""
