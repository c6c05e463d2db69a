"""Rebuilds the raw blind reports (tests/reports_blind/*.txt) from their clean text in normalized/.

Same styles as tests/reports/build_raw.py (both through tests/report_builder.py): traditional script with
pinyin glosses, a news site's header/footer, or a county government site's widgets and ICP footer.
Run: .venv/bin/python -m tests.reports_blind.build_raw  (needs the dev extras: opencc, pypinyin).
"""

from __future__ import annotations

from pathlib import Path

from tests.report_builder import article, clean_text, gov_page, rebuild, traditional

HERE = Path(__file__).resolve().parent

# file -> (style, byline, time of day)
STYLE = {
    "201_liaoning_kuandian.txt": ("trad", "记者 刘洋", "08:12:40"),
    "202_liaoning_jianping.txt": ("gov", None, "16:45:02"),
    "203_jilin_fusong.txt": ("news", None, "10:03:51"),
    "204_jilin_nongan.txt": ("trad", None, "07:30:00"),
    "205_qinghai_huzhu.txt": ("trad", "记者 马文静", "09:26:13"),
    "206_qinghai_gonghe.txt": ("gov", None, "11:20:08"),
    "207_ningxia_yanchi.txt": ("news", None, "18:02:33"),
    "208_ningxia_longde.txt": ("trad", "通讯员 马晓燕", "15:37:29"),
    "209_xizang_linzhou.txt": ("gov", None, "10:00:00"),
    "210_hainan_qiongzhong.txt": ("news", None, "08:55:17"),
    "211_chongqing_wulong.txt": ("trad", "记者 陈静", "06:48:10"),
    "212_chongqing_youyang.txt": ("news", None, "20:11:45"),
    # a second batch, written after the first fixes and scored once before any further change
    "213_tianjin_jizhou.txt": ("news", None, "09:40:21"),
    "214_beijing_miyun.txt": ("gov", None, "17:05:36"),
    "215_shanghai_chongming.txt": ("trad", "记者 顾晓婷", "07:15:44"),
    "216_hainan_baoting.txt": ("news", None, "21:30:02"),
}


def build(name: str, doc: dict) -> str:
    style, byline, clock = STYLE[name]
    title, body = clean_text(HERE, name)
    stamp = f"{doc['published']} {clock}"
    if style == "gov":
        head = ["首页 > 政务公开 > 工作动态", title, f"发布时间:{stamp}  来源:{doc['source']}  浏览次数:1187",
                "【字体:大 中 小】 【打印】 【关闭】", "分享到:", ""]
        tail = ["", "相关链接", "扫一扫在手机打开当前页面",
                f"主办单位:{doc['source']}办公室  网站标识码:1500000023  备案号:ICP备05012345号-1",
                "联系电话:0421-7812345"]
        return gov_page(head, body, tail)
    dateline = f"{stamp} 来源:{doc['source']}  "
    if style == "news":
        src = doc["source"]
        footer = "\n\n分享到:微信 微博 QQ空间\n\n【编辑:李娟】\n\n"
        footer += f"版权声明:本网注明“来源:{src}”的所有作品,版权均属于{src},未经授权不得转载。\n"
        return article(title, dateline, body, byline=byline, footer=footer)
    footer = "\n\n\n     \n\n责任编辑: 刘敏\n\n"
    footer += f"版权声明:凡{doc['source']}刊载及发布的各类稿件,未经书面授权,任何媒体、网站不得转载发布。\n"
    return traditional(article(title, dateline, body, byline=byline, footer=footer))


if __name__ == "__main__":
    rebuild(HERE, build)
