"""`countybot summarize [--json] [--offline] PATH|- ...`: a digest per report.

Rules backend when no LLM is configured or with --offline; the LLM backend otherwise. The
offline path imports neither pydantic-settings nor openai, so it starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extract.models import Digest, Document


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="report files (.txt .docx .pdf .html), http(s) links to report pages or files, or - for stdin",
    )
    parser.add_argument("--json", action="store_true", help="one Digest JSON object per line")
    parser.add_argument("--offline", action="store_true", help="rules only, even when an LLM is configured")
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour the text output"
    )


def _fail(label: str, message: str) -> None:
    print(f"countybot: {label}: {message}", file=sys.stderr, flush=True)


def fetch_links(paths: list[str]) -> dict[str, object]:
    """Issue M: every argument with a scheme fetched up front (concurrently, under bot/fetch's guard and
    limits): link -> LinkedReport, or the LinkError saying why not."""
    links = [p for p in paths if "://" in p]
    if not links:
        return {}
    import asyncio

    from bot.fetch import LinkError, fetch_report
    from bot.settings import Settings

    options = Settings().fetch_options()

    async def one(url: str) -> object:
        try:
            return await fetch_report(url, options)
        except LinkError as exc:
            return exc

    async def all_links() -> list[object]:
        return list(await asyncio.gather(*(one(u) for u in links)))

    return dict(zip(links, asyncio.run(all_links()), strict=True))


def read_documents(
    paths: list[str], max_bytes: int, fetched: dict[str, object] | None = None
) -> Iterator[tuple[str, Document | None]]:
    """(label, Document) per path; (label, None) after printing one clear line for a bad input.
    `fetched`: the links among the paths, already fetched (fetch_links)."""
    from extract.errors import InputError
    from extract.pipeline import document_from_bytes

    for raw in paths:
        label = "标准输入" if raw == "-" else raw
        try:
            if fetched is not None and raw in fetched:
                got = fetched[raw]
                if isinstance(got, InputError):
                    raise got
                doc = document_from_bytes(
                    got.data, got.filename, max_bytes=max_bytes, charset=got.charset, url=got.final_url  # type: ignore[attr-defined]
                )
                from bot.service_links import with_page

                yield label, with_page(doc, got.page).model_copy(update={"url": raw})  # type: ignore[attr-defined]
                continue
            if raw == "-":
                data, name = sys.stdin.buffer.read(), None
            else:
                path = Path(raw)
                if path.is_dir():
                    _fail(label, "这是一个文件夹，不是文件")
                    yield label, None
                    continue
                data, name = path.read_bytes(), path.name
            yield label, document_from_bytes(data, name, max_bytes=max_bytes)
        except FileNotFoundError:
            _fail(label, "文件不存在")
            yield label, None
        except PermissionError:
            _fail(label, "没有读取权限")
            yield label, None
        except InputError as exc:
            _fail(label, exc.user_message)
            yield label, None
        except OSError as exc:
            from bot.commands import os_reason

            _fail(label, f"无法读取（{os_reason(exc)}）")
            yield label, None


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _emit(digest: Digest, *, as_json: bool, color: bool, first: bool) -> None:
    if as_json:
        print(digest.model_dump_json(), flush=True)
        return
    from bot.render.text import render_digest_text

    if not first:
        print("\n" + "─" * 40)
    print(render_digest_text(digest, color=color), flush=True)


def run(args: argparse.Namespace) -> int:
    from extract.pipeline import DEFAULT_MAX_BYTES

    config = None
    max_bytes = DEFAULT_MAX_BYTES
    if not args.offline:
        from bot.settings import Settings

        settings = Settings()
        max_bytes = settings.max_upload_bytes
        if settings.llm_config().enabled:
            config = settings.llm_config()
    color = _use_color(args.color)
    docs = read_documents(args.paths, max_bytes, fetch_links(args.paths))
    if config is None:
        return _run_rules(docs, args, color)
    return _run_llm(docs, args, color, config)


def _run_rules(docs: Iterator[tuple[str, Document | None]], args: argparse.Namespace, color: bool) -> int:
    from extract.pipeline import rules_digest

    status, first = 0, True
    for _label, doc in docs:
        if doc is None:
            status = 1
            continue
        digest = rules_digest(doc)
        if doc.url:  # issue M: the link it was read from
            digest = digest.model_copy(update={"url": doc.url})
        _emit(digest, as_json=args.json, color=color, first=first)
        if first:
            from bot.commands import resume_gc  # the start-up is over

            resume_gc()
        first = False
    return status


def _run_llm(
    docs: Iterator[tuple[str, Document | None]], args: argparse.Namespace, color: bool, config
) -> int:
    import asyncio

    from bot.commands import resume_gc
    from extract.llm.backend import LLMBackend
    from extract.pipeline import make_digest

    resume_gc()  # an LLM run is no quick start-up: collect as usual

    async def go() -> int:
        backend = LLMBackend(config)
        status, first = 0, True
        try:
            for _label, doc in docs:
                if doc is None:
                    status = 1
                    continue
                digest = await make_digest(doc, backend)
                _emit(digest, as_json=args.json, color=color, first=first)
                first = False
        finally:
            await backend.aclose()
        return status

    return asyncio.run(go())
