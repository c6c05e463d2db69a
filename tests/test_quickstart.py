"""Issue N: the README's quick start holds, step by step, through the real bot (the PTB Application against
the fake Bot API) and the CLI: find a chat's id with COUNTYBOT_ALLOWED_CHATS=0, allow it, fill the public
corpus with `countybot ingest --db <the bot's store>`, and the group sees it. And deploy/countybot.service
is a valid systemd unit that runs `countybot serve` with settings named as in .env.example."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from tests.conftest import ROOT, SEEDS
from tests.tgkit import bot, env, tg  # noqa: F401  (fixtures)

UNIT = ROOT / "deploy" / "countybot.service"
README = (ROOT / "README.md").read_text(encoding="utf-8")
GROUP = -1001234567890
MEMBER = 42


async def test_find_the_chat_id_allow_it_and_load_a_public_corpus(env, tg, tmp_path, capsys) -> None:  # noqa: F811
    env.setenv("COUNTYBOT_ALLOWED_CHATS", "0")  # the README's step: no chat has id 0
    async with bot():
        tg.send_text(GROUP, MEMBER, "/start")
        refusal = await tg.wait_text(GROUP, "告诉管理员")
    assert str(GROUP) in refusal  # the chat learns its id

    store = tmp_path / "bot.sqlite3"  # the bot's COUNTYBOT_DB (tests/tgkit.py)
    env.delenv("COUNTYBOT_DB")  # the CLI finds the bot's store by --db alone
    argv = ["ingest", "--db", str(store), "--offline", str(SEEDS)]
    assert await asyncio.to_thread(main, argv) == 0  # the CLI runs its own event loop
    assert "新增 5 份" in capsys.readouterr().out
    env.setenv("COUNTYBOT_DB", f"sqlite:///{store}")

    env.setenv("COUNTYBOT_ALLOWED_CHATS", f"{MEMBER},{GROUP}")  # the ids, comma-separated; then restart
    async with bot():
        tg.send_text(GROUP, MEMBER, "/targets 大宁")
        answer = await tg.wait_text(GROUP, "大宁县")
    assert "281亿元" in answer  # the public corpus, seen from the group


def _unit() -> dict[str, dict[str, list[str]]]:
    """The unit's sections, each key with every value it is given (systemd allows repeats)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if m := re.fullmatch(r"\[(\w+)\]", line):
            current = sections.setdefault(m.group(1), {})
            continue
        assert current is not None, f"a setting outside a section: {line}"
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def _env_example_names() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", text, re.M))


def test_the_unit_runs_countybot_serve_with_settings_named_as_in_env_example() -> None:
    unit = _unit()
    assert set(unit) == {"Unit", "Service", "Install"}
    service = unit["Service"]
    (exec_start,) = service["ExecStart"]
    argv = shlex.split(exec_start)
    assert Path(argv[0]).is_absolute() and Path(argv[0]).name == "countybot" and argv[1] == "serve"
    args = build_parser("serve").parse_args(argv[1:])  # the CLI takes exactly these arguments
    assert args.command == "serve" and args.webhook is None
    names = {*_env_example_names(), "XDG_DATA_HOME"}  # the standard name the default data dir follows
    for assignment in service.get("Environment", []):
        for pair in shlex.split(assignment):
            assert pair.split("=", 1)[0] in names, pair  # every setting the unit sets is a real one
    (env_file,) = service["EnvironmentFile"]
    assert env_file in README  # the README says how to make it (a copy of .env.example)
    # the data dir the unit sets is the state directory systemd creates for the service's user
    (state,) = service["StateDirectory"]
    assert f"COUNTYBOT_DATA_DIR=/var/lib/{state}" in service["Environment"]
    assert service["WorkingDirectory"] == [f"/var/lib/{state}"]
    assert service["User"] == [state] and unit["Install"]["WantedBy"] == ["multi-user.target"]
    assert "deploy/countybot.service" in README


def test_the_services_store_is_where_the_readmes_service_cli_looks() -> None:
    """systemd's order: the unit's Environment=, then the EnvironmentFile= (a copy of .env.example) over it —
    its empty COUNTYBOT_DATA_DIR= must still leave the store in the state directory."""
    from bot.settings import Settings

    service = _unit()["Service"]
    resolved: dict[str, str] = {}
    for assignment in service["Environment"]:
        resolved.update(pair.split("=", 1) for pair in shlex.split(assignment))
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            resolved[key] = value
    (state,) = service["StateDirectory"]
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("COUNTYBOT_")]:
            mp.delenv(key)
        for key, value in resolved.items():
            mp.setenv(key, value)
        settings = Settings(_env_file=None)
    assert settings.data_dir == Path(f"/var/lib/{state}")
    assert settings.db == f"sqlite:////var/lib/{state}/countybot.sqlite3"


def test_env_example_is_readable_as_a_systemd_environment_file() -> None:
    """systemd (EnvironmentFile=) and the README's `set -a; . countybot.env` read KEY=value lines: no
    spaces or quotes a shell would split or keep."""
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]+", key), line
            assert not re.search(r"[\s\"'`$;&|<>()]", value), line


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    """`systemd-analyze verify` on the unit as shipped, with ExecStart pointed at this checkout's
    countybot (verify checks that the program exists). Warnings count as failures."""
    countybot = Path(sys.executable).with_name("countybot")
    text = UNIT.read_text(encoding="utf-8")
    assert "ExecStart=/opt/countybot/bin/countybot serve" in text
    unit = tmp_path / "countybot.service"
    unit.write_text(text.replace("/opt/countybot/bin/countybot", str(countybot)), encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr
    broken = tmp_path / "broken.service"  # the check itself catches a bad setting
    broken.write_text(text.replace("Restart=on-failure", "Restart=sometimes"), encoding="utf-8")
    bad = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(broken)], capture_output=True, text=True, timeout=60
    )
    assert "Restart" in bad.stderr or bad.returncode != 0


def _subparser(parser, name: str):  # type: ignore[no-untyped-def]
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices[name]


def test_the_readmes_command_lines_are_the_clis() -> None:
    """Every `countybot …` line of the README's command block names a real command and only its flags,
    and every command is listed."""
    block = README.split("## Command line", 1)[1].split("```", 2)[1]
    seen = set()
    for line in block.strip().splitlines():
        usage = line.split("#", 1)[0]
        words = usage.split()
        assert words[0] == "countybot", line
        name = words[1]
        seen.add(name)
        parser = _subparser(build_parser(name), name)
        if name == "llm":
            parser = _subparser(parser, words[2])
        options = {s for a in parser._actions for s in a.option_strings}
        for flag in re.findall(r"(?<![\w-])(--?[a-z][a-z0-9-]*)", usage):
            assert flag in options, (line, flag)
    from bot.cli import COMMANDS, STORE_COMMANDS

    assert seen == set(COMMANDS)
    stores = README.split("Every store command (", 1)[1].split(")", 1)[0]
    assert set(re.findall(r"`(\w+)`", stores)) == STORE_COMMANDS
    for name in STORE_COMMANDS:
        assert "--db" in {s for a in _subparser(build_parser(name), name)._actions for s in a.option_strings}
