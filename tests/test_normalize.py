"""Normalisation on the seeds, on lines from other sites, the round trip, the properties, and the CLI."""

from __future__ import annotations

import difflib
import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypinyin import Style, pinyin

from bot.cli import main
from extract.errors import EmptyInputError
from extract.models import Document
from extract.text.normalize import normalize, normalize_bytes
from extract.text.script import converter
from tests.conftest import SEED_FILES, SEEDS

SEED_IDS = [p.name[:3] for p in SEED_FILES]
GLOSSES = {"000": 207, "001": 167, "002": 0, "003": 0, "004": 202}
AUTHORS = {"000": ["赵俊堂"], "001": ["张春茂"], "002": ["翟纪亭"], "003": [], "004": ["江龙", "赵李明"]}
KEPT_PARENTHETICALS = {"002": ["(平陆段)", "(山西)"], "003": ["(一期)", "(党组)"]}

# The boilerplate the issue lists; none of it may survive in a body.
BOILERPLATE = re.compile(
    r"^分\s*享|字体[:：]|扫一扫在手机打开当前页面|关注精彩内容|>>|温馨提示|浏览次数|责任编辑|责编|^审核|"
    r"版权声明|未经.*授权.*转载|转载目的在于传递更多信息|^[/+]$|^记者 |\((?:作者|江龙)"
)


def seed_file(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def seed_doc(path) -> Document:
    return normalize(path.read_text(encoding="utf-8"))


def reference(path) -> list[str]:
    return (SEEDS / "normalized" / path.name).read_text(encoding="utf-8").strip().split("\n")


# --- the seeds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SEED_FILES, ids=SEED_IDS)
def test_every_reference_paragraph_is_in_the_output(path) -> None:
    out = seed_doc(path).text.split("\n")
    for para in reference(path):
        best = max(difflib.SequenceMatcher(None, para, line, autojunk=False).ratio() for line in out)
        assert para in out or best >= 0.99, para[:40]
    # and nothing else: every output line is a reference paragraph
    assert set(out) <= set(reference(path))


@pytest.mark.parametrize("path", SEED_FILES, ids=SEED_IDS)
def test_no_boilerplate_no_gloss_and_real_parentheticals_kept(path) -> None:
    doc = seed_doc(path)
    for line in doc.text.split("\n"):
        assert not BOILERPLATE.search(line), line
    assert not re.search(r"[\u4e00-\u9fff][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[1-5]?[)）]", doc.text)
    for kept in KEPT_PARENTHETICALS.get(path.name[:3], []):
        assert kept in doc.text


@pytest.mark.parametrize("path", SEED_FILES, ids=SEED_IDS)
def test_metadata_matches_gold(path, gold: dict) -> None:
    expected = next(d for d in gold["documents"] if d["file"] == path.name)
    doc = seed_doc(path)
    assert doc.title == expected["title"]
    assert (doc.published.isoformat() if doc.published else None) == expected["published"]
    assert doc.source == expected["source"]
    assert doc.authors == AUTHORS[path.name[:3]]
    assert doc.glosses_stripped == GLOSSES[path.name[:3]]
    assert doc.script == ("simplified" if path.name[:3] in ("002", "003") else "traditional")
    if doc.title:
        assert doc.text.split("\n")[0] == doc.title


@pytest.mark.parametrize("data", ["\u200b\ufeff\u200b".encode(), "分享\n扫一扫\n+".encode()])
def test_nothing_but_furniture_is_empty_input(data: bytes) -> None:
    with pytest.raises(EmptyInputError):
        normalize_bytes(data, "r.txt")


def test_normalize_bytes_records_encoding_and_type() -> None:
    path = SEED_FILES[0]
    doc = normalize_bytes(path.read_text(encoding="utf-8").encode("gb18030"), path.name)
    assert (doc.encoding, doc.file_type) == ("gb18030", "txt")
    assert doc.text == seed_doc(path).text


# --- lines from other sites: the rules are general ------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "【字体：大 中 小】【打印】【关闭】",
        "分享到：微信 微博 QQ空间",
        "当前位置：首页 > 新闻中心 > 乡镇动态",
        "首页 >> 政务公开 >> 工作动态",
        "浏览次数：1234",
        "【阅读量：56】",
        "责任编辑：张三",
        "(编辑：李四 审核：王五)",
        "审核：王五",
        "版权所有：某县人民政府 技术支持：某某网络公司",
        "主办单位：某县人民政府办公室",
        "未经本网书面授权，不得转载、摘编或利用其它方式使用上述作品。",
        "友情提示：本页面仅供参考",
        "上一篇：某镇召开春耕生产部署会",
        "联系电话：0564-5022345",
        "电话：0471-6623456 传真：0471-6623457",
        "首页 | 政务公开 | 政务服务 | 互动交流 | 走进某县",
        "首页｜新闻中心｜政务公开",
        "某某县人民政府",
        "某某县人民政府门户网站",
        "手机扫一扫",
        "——",
        "|",
    ],
)
def test_boilerplate_of_other_sites_is_dropped(line: str) -> None:
    body = "县委常委会召开会议，研究部署下一阶段重点工作。"
    assert normalize(f"{body}\n{line}\n{body}").text == f"{body}\n{body}"


@pytest.mark.parametrize(
    "line",
    [
        "记者从会上获悉，全县今年计划实施重点项目45个。",
        "2023年12月29日，全县经济工作会议召开。",
        "时间：2021年6月2日上午，地点：县会议中心。",
        "会议强调，要落实版权保护责任，严厉打击侵权盗版行为。",
        "项目总投资5.2亿元（其中中央预算内投资1亿元）。",
        "坚持目标导向，会谋事",
        "一是抓项目。",
        "电话：请拨打热线咨询，工作人员将及时答复。",
        "县人民政府召开常务会议",
        "甲|乙",
    ],
)
def test_body_sentences_are_never_dropped(line: str) -> None:
    assert line in normalize(f"标题行\n{line}\n正文最后一句。").text.split("\n")


@pytest.mark.parametrize(
    ("header", "published", "source", "authors"),
    [
        ("发布时间：2024-03-05 10:20 来源：某县融媒体中心 作者：张三 浏览次数：99", "2024-03-05",
         "某县融媒体中心", ["张三"]),
        ("发布日期：2021年6月2日", "2021-06-02", None, []),
        ("2022/11/08 来源: 某某日报", "2022-11-08", "某某日报", []),
        ("某某新闻网>>时政频道>>县域", None, "某某新闻网", []),
        ("当前位置：首页 > 新闻中心", None, None, []),
        ("本报记者 李四 通讯员 王五", None, None, ["李四", "王五"]),
        ("文/赵六", None, None, ["赵六"]),
        ("日期：2024-13-45", None, None, []),  # not a date: the line stays, nothing guessed
    ],
)
def test_metadata_lines(header: str, published: str | None, source: str | None, authors: list[str]) -> None:
    doc = normalize(f"县政府召开常务会议\n{header}\n会议研究了三项议题。")
    assert (doc.published.isoformat() if doc.published else None) == published
    assert doc.source == source
    assert doc.authors == authors
    assert doc.title == "县政府召开常务会议"


def test_trailing_credits_go_to_authors_and_ordinary_parentheses_stay() -> None:
    doc = normalize("会议强调要再创佳绩。(江龙 赵李明)\n推进永春河治理(一期)项目。\n全年完成投资。(完)")
    assert doc.text == "会议强调要再创佳绩。\n推进永春河治理(一期)项目。\n全年完成投资。"
    assert doc.authors == ["江龙", "赵李明"]
    doc = normalize("全年完成投资。（作者单位：某县发展和改革局 作者 孙七）")
    assert doc.text == "全年完成投资。"
    assert doc.authors == ["孙七"]


def test_browser_copied_page_header_is_not_the_title() -> None:
    raw = (
        "某某县人民政府\n首页 | 政务公开 | 政务服务 | 互动交流\n当前位置：首页 > 新闻中心 > 部门动态\n"
        "某某县春茶开采量价齐升\n发布日期：2024-04-25 10:12  信息来源：某某县农业农村局  阅读次数：\n"
        "全县已采制春茶4860吨，实现产值7.6亿元。\n分享到：\n联系电话：0564-5022345\n"
    )
    doc = normalize(raw)
    assert doc.title == "某某县春茶开采量价齐升"
    assert doc.source == "某某县农业农村局" and str(doc.published) == "2024-04-25"
    assert doc.text == "某某县春茶开采量价齐升\n全县已采制春茶4860吨，实现产值7.6亿元。"


def test_no_headline_no_title() -> None:
    assert normalize("12月23日，县委召开会议。\n会议要求抓落实。").title is None
    assert normalize("只有一行标题").title is None  # a lone line is the body, not a title


def test_unicode_cleanup() -> None:
    doc = normalize("总投资２８１亿元，增长１２．５％\u200b，ＧＤＰ\u3000增速\r\n第二行\ufeff")
    assert doc.text == "总投资281亿元，增长12.5%，GDP 增速\n第二行"


# --- round trip: simplified -> s2t + glosses -> normalise ----------------------------------------

OWN_SAMPLES = [
    "县委书记主持召开常委会议，听取全县经济运行情况汇报。\n会议指出，今年以来全县上下认真贯彻落实党中央决策部署，"
    "经济发展稳中有进，头发理发面条皇后了解干部里面后来台湾等词语转换正确。\n"
    "会议要求，要紧盯全年目标任务，确保完成固定资产投资18.6亿元，增长12%以上。",
    "乡村振兴示范带建设加快推进\n县农业农村局有关负责人介绍，全县共发展设施蔬菜3200亩，带动农户1500户增收，"
    "著名企业落户园区，项目建设成效显著。\n下一步，将进一步强化联农带农机制，壮大村级集体经济。",
]


def glossed_traditional(simplified: str) -> str:
    """OpenCC s2t, then a `(pīnyīn)` gloss after every character whose form changed."""
    traditional = converter("s2t").convert(simplified)
    assert len(traditional) == len(simplified)
    readings = pinyin(simplified, style=Style.TONE, errors=lambda chars: [[c] for c in chars])
    out = []
    for s_ch, t_ch, (reading,) in zip(simplified, traditional, readings, strict=True):
        out.append(t_ch + (f"({reading})" if t_ch != s_ch else ""))
    return "".join(out)


@pytest.mark.parametrize(
    "text",
    [seed_file(n) for n in ("002_583cfe85666f49d1.txt", "003_15533f8b4921b7a4.txt")]
    + OWN_SAMPLES,
    ids=["002", "003", "own1", "own2"],
)
def test_round_trip_through_glossed_traditional(text: str) -> None:
    original = normalize(text).text
    glossed = glossed_traditional(text)
    assert glossed != text and "(" in glossed
    doc = normalize(glossed)
    assert doc.script == "traditional"
    assert doc.glosses_stripped > 0
    matcher = difflib.SequenceMatcher(None, original, doc.text, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    assert same / len(original) >= 0.999, (len(original) - same, original[:60])


# --- properties -----------------------------------------------------------------------------------

REPORT_PIECES = st.sampled_from(
    [
        "縣長(zhǎng)", "項目", "建設", "会议", "显著", "著名", "(江龙 赵李明)", "(一期)", "(GDP)", "分享:",
        "责任编辑: 张三", "2023-12-29 09:06:08 来源:临汾新闻网", "来源:", "记者 赵俊堂", "版权声明:",
        "。", "，", ",", ":", "(", ")", "（", "）", ">>", "\n", "\n\n", " ", "  ", "\u3000", "\u200b", "\r\n",
        "281亿元", "１２％", "Zhang", "zhang", "(zhang)", "(a)", "【", "】", "温馨提示:", "浏览次数:12",
        "扫一扫", "+", "/",
    ]
)  # fmt: skip
REPORT_LIKE = st.lists(st.one_of(REPORT_PIECES, st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_normalize_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert isinstance(once, Document)
    assert normalize(once.text).text == once.text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(REPORT_LIKE)
def test_report_like_text_is_idempotent(text: str) -> None:
    once = normalize(text)
    twice = normalize(once.text)
    assert twice.text == once.text
    assert twice.glosses_stripped == 0


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_prints_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    path = SEED_FILES[0]
    assert main(["normalize", str(path)]) == 0
    out = capsys.readouterr().out
    assert out == seed_doc(path).text + "\n"


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    path = SEED_FILES[0]
    assert main(["normalize", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "大宁县" in out  # ensure_ascii=False
    data = json.loads(out)
    # the CLI read a file: its name is kept (issue L, evidence of the place)
    expected = seed_doc(path).model_copy(update={"encoding": "utf-8", "filename": path.name})
    assert Document.model_validate(data) == expected
    assert data["published"] == "2023-12-29" and data["glosses_stripped"] == 207


def test_cli_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    data = SEED_FILES[3].read_text(encoding="utf-8").encode("gb18030")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["normalize", "-"]) == 0
    assert capsys.readouterr().out.startswith("维西县召开项目工作推进会\n")


@pytest.mark.parametrize(
    ("content", "name"), [(b"", "empty.txt"), (b"\x00\x01binary", "b.txt"), (b"x", "a.exe")]
)
def test_cli_bad_input_is_a_message_not_a_traceback(
    tmp_path, capsys: pytest.CaptureFixture[str], content: bytes, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["normalize", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "countybot normalize" in captured.err and "Traceback" not in captured.err


def test_cli_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["normalize", "/nonexistent/report.txt"]) == 1
    assert "无法读取 /nonexistent/report.txt：文件或文件夹不存在" in capsys.readouterr().err


def test_cli_respects_the_upload_limit(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COUNTYBOT_MAX_UPLOAD_MB", "0.001")
    path = tmp_path / "r.txt"
    path.write_bytes(SEED_FILES[0].read_bytes())
    assert main(["normalize", str(path)]) == 1
    assert "上限" in capsys.readouterr().err
