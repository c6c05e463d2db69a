"""Sources followed automatically (issue O): list pages and feeds of county governments, checked on
their schedule by whichever worker claims them; new documents become public link reports.

`listing` (what a page or feed lists), `gate` (robots.txt and per-host politeness before every request),
`crawler` (checking sources, the dry run), `csvload` (a starter list from CSV). The table rows live in
bot/store/sources.py; the CLI in bot/commands/sources.py; /watch and /unwatch in bot/telegram/sources.py.
"""
