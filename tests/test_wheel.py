"""The built wheel works on its own, not only the editable install (~15 s: build, venv, one LLM run).

The wheel is installed with --no-deps into a fresh venv; the third-party dependencies come from the dev
venv's site-packages through a .pth path line (a path line only extends sys.path: the editable install's
own .pth in that folder is not processed, so the repo is never importable). `countybot summarize` then
runs from a temp cwd with the LLM backend pointed at the loopback fake server.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from extract.models import Digest
from tests.conftest import ROOT, SEEDS
from tests.fakes.openai_server import FakeOpenAI, grounded_answer, grounded_reply

SEED = next(SEEDS.glob("000_*.txt"))
PROMPT_FILES = sorted(p.name for p in (ROOT / "prompts").iterdir() if p.is_file())


def _run(*cmd: str | Path, **kw: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=180, **kw)
    assert proc.returncode == 0, (cmd, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # no build isolation: hatchling comes from the dev extras, so the build needs no network
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", out, ROOT)
    (whl,) = out.glob("countybot-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", env_dir)
    py = env_dir / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", py, "install", "-q", "--no-deps", wheel)
    purelib = Path(_run(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    dev = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (purelib / "zz_dev_deps.pth").write_text("".join(f"{p}\n" for p in dev), encoding="utf-8")
    return env_dir


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "LANG": "C.UTF-8", **extra}


def test_the_wheel_carries_prompts_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"extract/llm/prompts/{n}" for n in PROMPT_FILES} <= names
    assert {"extract/data/counties.tsv", "extract/data/regions.tsv", "extract/data/opencc_chars.tsv"} <= names
    assert not any(n.startswith(("tests/", "seeds/", "prompts/")) for n in names)


def test_the_installed_package_is_the_wheel_not_the_checkout(venv: Path, tmp_path: Path) -> None:
    code = "import extract, bot; from extract.llm import prompt; print(extract.__file__, prompt.PROMPTS_DIR)"
    out = _run(venv / "bin" / "python", "-c", code, cwd=tmp_path, env=_env(tmp_path)).stdout.split()
    site = str(venv.resolve())
    assert out[0].startswith(site) and not out[0].startswith(str(ROOT) + "/extract")
    assert out[1] == str(Path(out[0]).parent / "llm" / "prompts")


def test_wheel_summarize_with_the_llm_backend_uses_the_packaged_prompts(venv: Path, tmp_path: Path) -> None:
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    with FakeOpenAI() as server:
        server.default = grounded_reply
        env = _env(tmp_path, OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test")
        proc = _run(venv / "bin" / "countybot", "summarize", "--json", SEED, cwd=cwd, env=env)
        requests = list(server.requests)
    digest = Digest.model_validate_json(proc.stdout.strip().splitlines()[-1])
    assert digest.backend.startswith("llm"), digest.backend
    assert requests, "the LLM server was never called"
    # the model saw the prompt files as shipped: system.md opens the system message, the worked
    # example follows it verbatim
    messages = requests[0].messages
    system = (ROOT / "prompts" / "system.md").read_text(encoding="utf-8").strip()
    example = (ROOT / "prompts" / "example_input.md").read_text(encoding="utf-8").strip()
    assert messages[0]["role"] == "system" and messages[0]["content"].startswith(system)
    assert messages[1]["content"] == example
    # the digest is the model's answer, nothing filled in by the rules: its figures carry the labels the
    # fake model gave (the words of each figure's own clause, which pass the label check)
    assert "+rules" not in digest.backend and digest.sources.get("figures") == "llm"
    labels = {f["label"] for f in grounded_answer(requests[0].json)["figures"]}
    assert digest.figures and {f.label for f in digest.figures} <= labels
    assert "Traceback" not in proc.stderr
    assert [p.name for p in cwd.iterdir()] in ([], ["data"])  # nothing read from or written to a prompts/
