"""LLM backend costs, against the fake OpenAI-compatible server answering with zero latency.

Per report: LLM calls, prompt tokens beyond the report text (goal <= 1,500), output tokens, and the
end-to-end time our code adds around the call (goal <= 50 ms). Tokens are our own estimate
(extract/llm/tokens.py: 0.7 per CJK character, 0.3 per other character), taken from the requests the
server actually received, response_format schema included.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/bench_llm.py` as well as `python -m bench`
    sys.path.insert(0, str(ROOT))

from extract.llm import modes  # noqa: E402
from extract.llm.backend import LLMBackend  # noqa: E402
from extract.llm.config import LLMConfig  # noqa: E402
from extract.llm.tokens import estimate_tokens  # noqa: E402
from extract.models import Digest, Document  # noqa: E402
from extract.pipeline import document_from_bytes, document_from_text, rules_digest  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI, grounded_reply  # noqa: E402

SEEDS = ROOT / "seeds"
ROUNDS = 20


class _NoCache:
    """Every digest is computed: the bench measures calls, not cache hits."""

    async def get(self, key: str) -> Digest | None:
        return None

    async def put(self, key: str, digest: Digest, doc_sha256: str | None = None) -> None:
        return None


def _reports() -> list[tuple[str, Document]]:
    out = []
    for p in sorted(SEEDS.glob("*.txt")):
        out.append((p.name[:3], document_from_bytes(p.read_bytes(), p.name)))
    bodies = [p.read_text(encoding="utf-8").strip() for p in sorted((SEEDS / "normalized").glob("*.txt"))]
    long = ""
    i = 0
    while len(long) < 30000:
        long += bodies[i % len(bodies)] + "\n"
        i += 1
    out.append(("30k", document_from_text(long[:30000])))
    return out


def _prompt_tokens(request: dict) -> int:
    msgs = request.get("messages", [])
    tokens = sum(estimate_tokens(m.get("content") or "") + 4 for m in msgs)
    rf = request.get("response_format")
    if rf:
        tokens += estimate_tokens(json.dumps(rf, ensure_ascii=False, separators=(",", ":")))
    return tokens


async def _measure(mode: str) -> None:
    print(f"mode {mode}:")
    print(f"  {'report':>6} {'chars':>6} {'cands':>5} {'calls':>5} {'prompt+':>8} {'out':>5} {'ms':>6}")
    rows = []
    with FakeOpenAI() as server:
        server.default = grounded_reply
        cfg = LLMConfig(base_url=server.base_url, model="bench", mode=mode)  # type: ignore[arg-type]
        backend = LLMBackend(cfg, cache=_NoCache())
        try:
            for name, doc in _reports():
                rules = rules_digest(doc)
                await backend.digest(doc, rules)  # warm-up (imports, connection, mode discovery)
                n0 = len(server.requests)
                times = []
                for _ in range(ROUNDS):
                    t0 = time.perf_counter()
                    d = await backend.digest(doc, rules)
                    times.append((time.perf_counter() - t0) * 1000)
                assert d.backend == "llm:bench", d.warnings
                reqs = server.requests[n0:]
                calls = len(reqs) / ROUNDS
                per_run = reqs[: int(calls)]
                extra = sum(_prompt_tokens(r.json) for r in per_run) - estimate_tokens(doc.text)
                out = sum(estimate_tokens(grounded_reply(r.json).content or "") for r in per_run)
                ms = statistics.median(times)
                rows.append((name, calls, extra, out, ms))
                size = f"{len(doc.text):>6} {len(rules.figures):>5}"
                print(f"  {name:>6} {size} {calls:>5.0f} {extra:>8} {out:>5} {ms:>6.1f}")
        finally:
            await backend.aclose()
    seeds = [r for r in rows if r[0] != "30k"]
    print(
        f"  seeds: calls/report {statistics.mean(r[1] for r in seeds):.1f}, "
        f"prompt tokens beyond the report {max(r[2] for r in seeds)} max (goal <= 1500), "
        f"output tokens {statistics.mean(r[3] for r in seeds):.0f} mean, "
        f"overhead {statistics.mean(r[4] for r in seeds):.1f} ms/report (goal <= 50)"
    )


def main() -> None:
    for mode in ("json_schema", "json_object"):
        modes.forget_all()
        asyncio.run(_measure(mode))
    print("  (30k = a 30,000-character report: chunked, one call per chunk, merged without a further call;")
    print("   prompt+ counts every chunk's static prefix and candidates;")
    print("   ms = median end-to-end per report, including the in-process fake server)")


if __name__ == "__main__":
    main()
