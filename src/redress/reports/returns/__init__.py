"""Regulator returns (issue 11 item 4): a pack's `returns` say the period, the due day and
the tables in the regulator's layout; `periods` names the periods and their due dates,
`compute` fills the tables with aggregate queries, `files` writes them as xlsx and CSV,
`produce` records each production (append-only, with the files' SHA-256)."""
