"""Government pages for the link tests, built around real report text (tests/reports_long/, see its
SOURCES.md) in the layouts county sites use: a TRS-style article page with the 政府信息公开 table, a
navigation menu, a share bar, a comment widget and a stock-photo caption; a cover page whose body is only
the attachment link; a page that is only navigation; a login page."""

from __future__ import annotations

from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REPORT = ROOT / "reports_long" / "204_hebei_laiyuan_2025.txt"

# the furniture that must never become a title or a summary sentence (issue M)
FURNITURE = ("导航菜单", "公开方式", "查看全部", "条回复", "资料图片仅供参考", "分享到", "索引号")


def report_paragraphs(path: Path = REPORT) -> list[str]:
    """The report's own paragraphs: from its title line on (the aggregator's header lines dropped)."""
    lines = [line.strip().replace("????", "") for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    start = next((i for i, line in enumerate(lines) if line.replace(" ", "") == "政府工作报告"), 0)
    return lines[start:]


NAV = """<div class="head"><div class="logo">涞源县人民政府</div>
<div class="menu-title">导航菜单</div>
<ul class="mainmenu"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li>
<li><a href="/zjly/">走进涞源</a></li></ul>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
<a href="/zfgzbg/">政府工作报告</a></div>
</div>"""

INFO_TABLE = """<table class="xxgk-table"><tr><td>索 引 号：</td><td>13063000-2025-00012</td>
<td>主题分类：</td><td>综合政务</td></tr><tr><td>发布机构：</td><td>{publisher}</td><td>成文日期：</td><td>{written}</td></tr>
<tr><td>公开方式：</td><td>主动公开</td><td>公开范围：</td><td>全部公开</td></tr></table>"""

SHARE = """<div class="bdsharebuttonbox"><span>分享到：</span><a class="bds_weixin">微信</a>
<a class="bds_tsina">微博</a></div>"""

COMMENTS = """<div class="pl-box"><div class="pl-title">网友评论</div><p>查看全部12条回复</p>
<p><a href="#">我要评论</a></p></div>"""

PHOTO = """<p style="text-align:center"><img src="/images/2025/01/p1.jpg"></p>
<p style="text-align:center">(资料图片仅供参考)</p>"""

FOOTER = """<div class="footer"><p>主办单位：涞源县人民政府办公室 网站标识码：1306300001</p>
<p>冀ICP备00000000号 冀公网安备 13063002000001号</p></div>"""


def gov_article(
    paragraphs: list[str] | None = None,
    *,
    title: str = "涞源县2025年政府工作报告",
    charset: str = "utf-8",
    meta_date: str | None = "2025-01-20 09:30",
    written: str = "2025年01月14日",
    publisher: str = "涞源县人民政府办公室",
    site: str = "涞源县人民政府",
    extra_body: str = "",
) -> bytes:
    paragraphs = report_paragraphs() if paragraphs is None else paragraphs
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    metas = f'<meta name="SiteName" content="{site}">\n<meta name="ArticleTitle" content="{title}">\n'
    if meta_date:
        metas += f'<meta name="PubDate" content="{meta_date}">\n'
    html = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_{site}</title>
{metas}<script>var _hmt = _hmt || [];</script></head>
<body>{NAV}
<div class="main">{INFO_TABLE.format(publisher=publisher, written=written)}
<h1 class="title">{title}</h1>
<div class="info">发布时间：{(meta_date or "")[:10]} 来源：{site} 浏览次数：1024 字体：【大 中 小】</div>
{SHARE}
<div class="TRS_Editor" id="zoom">{PHOTO}{body}{extra_body}</div>
{COMMENTS}
</div>{FOOTER}</body></html>"""
    return html.encode(charset)


def cover_page(href: str, name: str = "涞源县2025年政府工作报告.pdf") -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>关于公开2025年政府工作报告的通知_涞源县人民政府</title>
<meta name="PubDate" content="2025-01-21 10:00"></head>
<body>{NAV}<div class="main"><h1>关于公开2025年政府工作报告的通知</h1>
<div class="TRS_Editor"><p>附件：<a href="{href}">{name}</a></p></div>{COMMENTS}</div>{FOOTER}
</body></html>""".encode()


def nav_only_page() -> bytes:
    links = "".join(f'<li><a href="/zwgk/{i}.html">2025年第{i}期政务信息</a></li>' for i in range(1, 30))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政务公开_涞源县人民政府</title></head>
<body>{NAV}<div class="list"><ul>{links}</ul></div>{FOOTER}</body></html>""".encode()


def login_page() -> bytes:
    return """<!DOCTYPE html><html><head><meta charset="utf-8"><title>用户登录</title></head><body>
<h2>统一身份认证平台</h2><form action="/login" method="post"><p>用户名：<input name="u"></p>
<p>密码：<input type="password" name="p"></p><p><button>登录</button></p></form></body></html>""".encode()
