"""`assess serve`: a local web application over the library API, for analysts self-assessing (a
form with a live what-if, drafts that survive a crash) and reviewers moderating a batch (the league,
gap reports, decisions).

`app` builds the Starlette application from `settings`; `guard` is the security boundary every
request crosses first (Host, token, Origin, CSRF, body cap, CSP); `api` and `pages` are the routes;
`documents`, `drafts`, `desk` and `ledger` hold the state. Templates and scripts are package data in
reports/serve/.

May import: `api`, `batch`, `review`, `render`, `engine`, `catalogue`, `input`, `common` (everything
below the command line); only `cli` imports it.
"""
