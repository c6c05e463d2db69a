"""`countybot normalize PATH|-`: print a report's normalised text (`--json`: the whole Document)."""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="report file (.txt .md .html .docx .pdf), or - to read standard input")
    parser.add_argument("--json", action="store_true", help="print the Document as JSON (text and metadata)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.commands import max_upload_bytes, os_reason
    from extract.errors import InputError

    if args.path == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        data = stdin.read() if stdin is not None else sys.stdin.read().encode("utf-8")
        filename = None
    else:
        try:
            data, filename = Path(args.path).read_bytes(), Path(args.path).name
        except OSError as exc:
            print(f"countybot normalize: 无法读取 {args.path}：{os_reason(exc)}", file=sys.stderr)
            return 1
    try:
        if args.json:
            import json

            from extract.pipeline import document_from_bytes

            doc = document_from_bytes(data, filename, max_bytes=max_upload_bytes())
            print(json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2))
        else:  # the same passes without building a Document: no pydantic to import (issue N's speed goal)
            from extract.text.normalize import load_normalized

            print(load_normalized(data, filename, max_bytes=max_upload_bytes())[1].text)
    except InputError as exc:
        print(f"countybot normalize: {args.path}：{exc.user_message}", file=sys.stderr)
        return 1
    return 0
