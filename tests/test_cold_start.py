"""Issue N (cold start): `countybot summarize --offline` on a plain-text report imports only what a
text report needs — no logging, no HTML parser, no bot.track — so it starts within 4x a bare
`import opencc, pydantic` (the figure itself is in `make bench`, bench/bench_cold.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SEED_FILES


def _modules_after(code: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "OPENAI_"))}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=cwd, env=env, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode().splitlines()[-1]


def test_summarize_offline_on_text_skips_what_a_text_report_never_needs(tmp_path: Path) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from bot.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main(['summarize', '--offline', {str(SEED_FILES[0])!r}])\n"
        "heavy = ['logging', 'html.parser', 'extract.text.html_text', 'bot.track', 'bot.models',"
        " 'extract.text.ocr']\n"
        "print(rc, [m for m in heavy if m in sys.modules])\n"
    )
    assert _modules_after(code, tmp_path) == "0 []"


def test_normalize_on_text_skips_logging_and_html(tmp_path: Path) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from bot.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main(['normalize', {str(SEED_FILES[0])!r}])\n"
        "heavy = ['logging', 'html.parser', 'extract.text.html_text']\n"
        "print(rc, [m for m in heavy if m in sys.modules])\n"
    )
    assert _modules_after(code, tmp_path) == "0 []"


def test_a_short_text_is_judged_without_building_the_regex_classes(tmp_path: Path) -> None:
    code = (
        "from extract.text import script\n"
        "r = [script.is_traditional(t) for t in ('大宁县召开项目推进会', '縣長會議', 'abc', '')]\n"
        "print(r, script._char_sets.cache_info().currsize)\n"
    )
    assert _modules_after(code, tmp_path) == "[False, True, False, False] 0"


def test_short_and_long_texts_are_judged_alike() -> None:
    """The set lookups for a short text say what the regex classes say (the rule itself is unchanged)."""
    from extract.text import script

    trad_re, _ = script._char_sets()

    def by_regex(sample: str) -> bool:  # the judgement as written before, on the regex class
        found = len(trad_re.findall(sample))
        needed = max(1, -(-len(sample) * 2 // 100))
        if found >= needed:
            return True
        return bool(found) and found / max(1, len(script._cjk_re().findall(sample))) >= 0.02

    texts = [p.read_text(encoding="utf-8") for p in SEED_FILES]
    samples = [t[i : i + n] for t in texts for n in (40, 400, 3000) for i in range(0, 3000, 700)]
    samples += ["一", "縣", "大宁县縣", "abc縣", "大宁县" * 40 + "縣", "大宁县" * 60 + "縣"]
    assert any(by_regex(s) for s in samples) and not all(by_regex(s) for s in samples)
    for s in samples:
        assert len(s) <= script._SHORT_TEXT
        assert script.is_traditional(s) == by_regex(s), s[:20]


def test_start_up_runs_no_garbage_collection_until_the_first_report_is_out(tmp_path: Path) -> None:
    """A cold start allocates long-lived objects only: collecting them then is wasted (bot.cli); after the
    first report collection runs as usual, and is on again when main() returns."""
    code = (
        "import gc, sys, io, contextlib\n"
        "from bot.cli import main\n"
        "seen = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and seen.append(1))\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main(['summarize', '--offline', {str(SEED_FILES[0])!r}])\n"
        "one = len(seen)\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc += main(['summarize', '--offline', *{[str(p) for p in SEED_FILES]!r}])\n"
        "print(rc, one, len(seen) > one, gc.isenabled())\n"
    )
    assert _modules_after(code, tmp_path) == "0 0 True True"


def test_the_script_leaves_a_quick_commands_heap_to_the_os(tmp_path: Path) -> None:
    """`countybot normalize|summarize` end with the heap frozen: the interpreter's teardown would collect
    cycles among everything the run built (~25 ms of a cold summarize) that the OS reclaims anyway; a
    command that holds a store (targets) ends as Python normally does."""

    def frozen_at_exit(*argv: str) -> str:
        code = (
            "import atexit, gc, sys\n"
            "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
            f"sys.argv = ['countybot', *{list(argv)!r}]\n"
            "from bot.cli import console\n"
            "console()\n"
        )
        return _modules_after(code, tmp_path)

    assert frozen_at_exit("summarize", "--offline", str(SEED_FILES[0])) == "frozen True"
    assert frozen_at_exit("normalize", str(SEED_FILES[0])) == "frozen True"
    db = tmp_path / "store.sqlite3"
    assert frozen_at_exit("targets", "大宁", "--db", str(db)) == "frozen False"
