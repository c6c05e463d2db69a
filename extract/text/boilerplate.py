"""Step 4 of normalisation: boilerplate lines of news and government sites, line-based and conservative.

A line is dropped only when the whole line is page furniture: share/print/font widgets, lone symbols,
site notices, view counters, editor credits, copyright and reprint notices. Breadcrumbs, metadata and
bylines are recognised in extract.text.metadata (their content is kept as metadata). Each rule looks at one
line alone, so removing lines never makes another line match: a second pass drops nothing more.
"""

from __future__ import annotations

import re

# A line with no letter, digit or CJK character: "+", "/", "——", "|", "【".
HAS_WORD = re.compile(r"[^\W_]")

# Widget labels; a short line made only of these (spaces, brackets and colons ignored) is a toolbar.
_WIDGET_WORDS = (
    "分享到|分享|评论|时间|打印本页|打印文章|打印|关闭窗口|关闭本页|关闭|收藏本页|收藏|字体|字号|大中小|默认|"
    "返回顶部|返回首页|返回列表|返回|顶部|上一篇|下一篇|相关新闻|相关阅读|相关链接|相关文章|点赞|转发|微信|微博|"
    "朋友圈|QQ空间|QQ|新闻中心|网站首页|首页|扫一扫|手机版|我要纠错|纠错|繁体|简体|繁體|无障碍|登录|注册|"
    "站内搜索|搜索|设为首页|加入收藏|联系我们|网站地图|阅读|来源|作者|大|中|小"
)
_WIDGET_LINE = re.compile(f"(?:{_WIDGET_WORDS})+")
_WIDGET_STRIP = re.compile(r"[\s【】\[\]()（）<>|｜/:：·•,，、。.]+")
_WIDGET_MAX_LEN = 40

# Phrases that make a short line a widget whatever else it says ("扫一扫在手机打开当前页面").
_WIDGET_PHRASES = re.compile(
    r"扫一扫|在手机打开|手机打开当前页|关注精彩内容|扫描二维码|扫码关注|微信扫|分享到|打印本页|关闭窗口|"
    r"【打印】|【关闭】|返回顶部|点击查看|点击进入"
    # issue M: a menu's label, a comment widget, a stock-photo caption, the 政府信息公开 table's fields
    # (field names only with their colon: 「创新政务公开方式」 is a heading a report may have)
    r"|导航菜单|网站导航|查看全部\s*\d*\s*条(?:回复|评论)|\d+\s*条评论|我要评论|发表评论|图片仅供参考|"
    r"(?:公开方式|公开范围|公开时限|索\s*引\s*号)\s*[:：]"
)
_WIDGET_STARTS = ("上一篇", "下一篇", "相关链接", "相关新闻", "相关阅读")
_PHRASE_MAX_LEN = 60

# Site notices: "温馨提示:…" and friends, whole line.
_NOTICE = re.compile(r"^[【\[(（]?(?:温馨提示|友情提示|特别提示|免责声明|特别声明|网站声明)\s*[:：】\])）]")

# View counters: "浏览次数:123", "【阅读量：123】".
_COUNTER = re.compile(r"浏览次数|浏览量|浏览人次|阅读次数|阅读量|阅读数|点击数|点击量|点击率|访问量|访问次数")
_COUNTER_MAX_LEN = 80

# Editor credits: "责任编辑: 张三", "(责编:王五、李四)", "审核：…".
_EDITOR = re.compile(
    r"^[(（【\[]?\s*(?:责任编辑|值班编辑|责编|编辑|审核|校对|审校|终审|初审|复审|一审|二审|三审|监制|编审|签发|"
    r"主编|统筹|策划|校审)\s*[:：]"
    r"|^[(（【\[]?\s*(?:责任编辑|责编)\s+\S"
)
_EDITOR_MAX_LEN = 80

# Copyright / reprint notices and site footers.
_COPYRIGHT = re.compile(
    r"版权声明|版权所有|版权归|[Cc]opyright|©|未经.{0,40}?(?:授权|许可|允许|同意).{0,40}?(?:转载|复制|镜像|使用)|"
    r"不得转载|禁止转载|严禁转载|谢绝转载|转载请注明|转载目的在于传递更多信息|如有侵权|如涉及版权|"
    r"ICP备|ICP证|公网安备|网站标识码"
)
_FOOTER = re.compile(r"^(?:主办单位|承办单位|技术支持|主办|承办|维护单位|网站维护)\s*[:：]")
COPYRIGHT_MAX_LEN = 400

# A site footer's contact line: "联系电话：0564-5022345", "电话：… 传真：…" (a label, then a phone number).
_CONTACT = re.compile(
    r"^(?:联系电话|联系方式|咨询电话|服务电话|值班电话|电话|传真|邮编|邮政编码)\s*[:：].*?\d[\d\-－— ]{5,}"
)
_CONTACT_MAX_LEN = 80

# A site's menu bar copied with the page: "首页 | 政务公开 | 政务服务 | 互动交流" (short items between bars).
_MENU_SEP = re.compile(r"\s*[|｜丨]\s*")
_MENU_ITEM = re.compile(r"[^\W\d_]{2,8}")
_MENU_MAX_LEN = 80

# A line naming only the site or office that publishes it ("某某县人民政府", "某某县政府门户网站"): the
# page header a browser copy starts with. An official notice's signature line (落款) goes with it. Not
# report text, but it names the issuer: normalize keeps it as the source when nothing else gives one.
# Read without a regex: = ^[\u4e00-\u9fff]{2,16}(?:人民政府|政府)(?:门户网站|门户网|网站|网)?$ or
# ^[\u4e00-\u9fff]{2,16}门户网站?$ (a class over the CJK block is slow to compile; this runs on short lines)
_SITES = ("门户网站", "门户网", "网站", "网", "")
_SITE_ENDINGS = tuple({o + s for o in ("人民政府", "政府") for s in _SITES} | {"门户网站", "门户网"})


def is_site_header(line: str) -> bool:
    if not line.endswith(_SITE_ENDINGS) or not (min(line) >= "\u4e00" and max(line) <= "\u9fff"):
        return False
    return any(line.endswith(end) and 2 <= len(line) - len(end) <= 16 for end in _SITE_ENDINGS)


def is_boilerplate(line: str) -> bool:
    """True when a (stripped, simplified) line is page furniture and not report text."""
    if not HAS_WORD.search(line):
        return True
    n = len(line)
    if n <= _WIDGET_MAX_LEN:
        bare = _WIDGET_STRIP.sub("", line)
        if not bare or _WIDGET_LINE.fullmatch(bare):
            return True
    if n <= _PHRASE_MAX_LEN and (line.startswith(_WIDGET_STARTS) or _WIDGET_PHRASES.search(line)):
        return True
    if _NOTICE.match(line):
        return True
    if n <= _COUNTER_MAX_LEN and _COUNTER.search(line):
        return True
    if n <= _EDITOR_MAX_LEN and _EDITOR.match(line):
        return True
    if _FOOTER.match(line):
        return True
    if n <= _CONTACT_MAX_LEN and _CONTACT.match(line):
        return True
    if n <= _MENU_MAX_LEN and _is_menu(line):
        return True
    if is_site_header(line):
        return True
    return n <= COPYRIGHT_MAX_LEN and _COPYRIGHT.search(line) is not None


def _is_menu(line: str) -> bool:
    """Four or more short word items between bars, or three with 首页 among them."""
    if "|" not in line and "｜" not in line and "丨" not in line:
        return False  # one item: no split needed
    items = [i for i in _MENU_SEP.split(line) if i]
    if len(items) < 3 or not all(_MENU_ITEM.fullmatch(i) for i in items):
        return False
    return len(items) >= 4 or any(i in ("首页", "网站首页") for i in items)
