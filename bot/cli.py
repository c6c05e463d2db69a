"""`countybot` command line. Each subcommand lives in bot/commands/<name>.py with
`configure(parser)` and `run(args) -> int`; heavy libraries are imported inside run() so that
`countybot summarize --offline` starts fast (no Telegram, openai or database import)."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys

from bot.commands import pause_gc, resume_gc

COMMANDS: dict[str, str] = {
    "normalize": "print the normalised text of a report (--json: the Document)",
    "summarize": "print a digest per report",
    "eval": "score the pipeline against a gold file",
    "ingest": "store reports (files or folders) and digest them",
    "targets": "a county's key targets across stored reports",
    "track": "did a county meet its targets? (targets with a later result)",
    "chart": "a county's targets and results as a PNG",
    "export": "a county's figures (or every county's) as CSV or JSON",
    "digest": "the stored reports of a period, grouped by county",
    "serve": "run the Telegram bot",
    "llm": "the LLM call log (llm log) and whether the server answers (llm status)",
    "status": "the shared queue, the workers seen and the next daily digests",
    "fix": "correct a stored report's county and/or date (kept as a correction)",
    "sources": "official list pages and feeds followed automatically (add, list, remove, check, import, run)",
}
# the commands that open the store take --db (outranks COUNTYBOT_DB; default: the data dir's store)
STORE_COMMANDS = {"ingest", "targets", "track", "chart", "export", "digest", "serve", "llm", "status", "fix"}
STORE_COMMANDS.add("sources")  # issue O


# Cyclic garbage collection waits while these commands start, until their first report is out (see
# bot.commands.pause_gc); every other command resumes it once its module is loaded.
GC_WAITS_FOR_FIRST_REPORT = {"normalize", "summarize"}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser; with `only`, just that command's module is imported and configured (the
    others are listed for --help but not imported), which keeps a single command's start fast."""
    parser = argparse.ArgumentParser(
        prog="countybot", description="Digests of Chinese county-government reports."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name, help=help_text, description=help_text)
            continue
        module = importlib.import_module(f"bot.commands.{name}")
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.configure(p)
        if name in STORE_COMMANDS:
            p.add_argument(
                "--db",
                metavar="URL",
                help="database URL or SQLite path (default: COUNTYBOT_DB, else the data dir)",
            )
        p.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    chosen = args_list[0] if args_list and args_list[0] in COMMANDS else None
    pause_gc()
    try:
        return _main(args_list if argv is None else argv, chosen)
    finally:
        resume_gc()


def _main(argv: list[str], chosen: str | None) -> int:
    parser = build_parser(chosen)
    args = parser.parse_args(argv)
    if chosen not in GC_WAITS_FOR_FIRST_REPORT:
        resume_gc()
    if not getattr(args, "_module", None):
        parser.print_help()
        return 2
    try:
        if getattr(args, "db", None) is None:
            return int(args._module.run(args) or 0)
        from bot.settings import cli_overrides  # only for --db: `summarize --offline` imports no settings

        with cli_overrides(db=args.db):
            return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `countybot ... | head`
        return 0


def console() -> None:
    """The `countybot` script (and `python -m bot.cli`): main(), then the process ends."""
    code = main()
    if sys.argv[1:2] and sys.argv[1] in GC_WAITS_FOR_FIRST_REPORT:
        # The process ends here, and its teardown would walk everything it built (pydantic's schemas, the
        # compiled patterns, the gazetteer) to collect cycles, freeing nothing the OS is not about to take
        # back: ~25 ms of a ~0.18 s `summarize --offline`. By now these commands hold no file, connection
        # or temporary directory a finaliser must close; frozen objects are simply left to the OS.
        gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    console()
