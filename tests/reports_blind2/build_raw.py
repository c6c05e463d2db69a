"""Rebuilds the raw second-blind reports (tests/reports_blind2/*.txt) from their clean text in normalized/.

Site furniture the first two sets do not use: full-width widgets (【字体：大 中 小】, 打印本页, 关闭窗口),
版权所有/ICP备/联系电话 footers, an HTML page copied from a browser (site name, menu, breadcrumb, then the
title, 上一篇/下一篇 links), a date line before the headline, a news flash closing on "（记者 …）".
Traditional script with pinyin glosses and the common layouts come from tests/report_builder.py.
Run: .venv/bin/python -m tests.reports_blind2.build_raw  (needs the dev extras: opencc, pypinyin).
"""

from __future__ import annotations

from pathlib import Path

from tests.report_builder import article, clean_text, gov_page, rebuild, traditional

HERE = Path(__file__).resolve().parent

# file -> (style, byline, time of day)
STYLE = {
    "301_neimenggu_arongqi.txt": ("trad", None, "07:55:12"),
    "302_xinjiang_manasi.txt": ("gov", None, "19:32:05"),
    "303_guangxi_gongcheng.txt": ("trad", "记者 盘丽萍", "09:14:48"),
    "304_guizhou_chishui.txt": ("news", None, "10:21:37"),
    "305_gansu_linze.txt": ("gov", None, "16:08:20"),
    "306_jiangxi_wuyuan.txt": ("trad", None, "08:40:03"),
    "307_anhui_huoshan.txt": ("html", None, "10:12"),
    "308_hebei_qianan.txt": ("dateline", "记者 王磊", "08:30:15"),
    "309_heilongjiang_wuchang.txt": ("flash", "记者 刘畅", "14:05"),
    "310_henan_lankao.txt": ("gov", None, "11:46:59"),
    "311_jiangsu_shuyang.txt": ("trad", "通讯员 陈晓东", "07:02:31"),
    "312_hubei_yiling.txt": ("news", None, "18:26:44"),
}


def _footer(src: str) -> list[str]:
    return ["分享到：", "【字体：大 中 小】 【打印本页】 【关闭窗口】", "责任编辑：周婷",
            f"版权所有：{src}  未经许可不得复制  蒙ICP备12003456号-2", "联系电话：0471-6623456"]


def build(name: str, doc: dict) -> str:
    style, byline, clock = STYLE[name]
    title, body = clean_text(HERE, name)
    src, stamp = doc["source"], f"{doc['published']} {clock}"
    if style == "gov":
        head = [title, f"发布时间：{stamp}  来源：{src}  【字体：大 中 小】", "打印本页  关闭窗口", ""]
        tail = ["", "分享到：", f"版权所有：{src}  地址：县行政中心  邮编：000000",
                "备案号：ICP备10023456号  联系电话：0000-1234567"]
        return gov_page(head, body, tail)
    if style == "html":
        head = [src.removesuffix("农业农村局") + "人民政府",
                "首页 | 政务公开 | 政务服务 | 互动交流 | 走进霍山",
                "当前位置：首页 > 新闻中心 > 部门动态", title,
                f"发布日期：{stamp}  信息来源：{src}  阅读次数：", "【字体：大 中 小】 打印本页 关闭窗口"]
        tail = ["分享到：", "打印本页 关闭窗口", "上一篇：霍山县召开2024年春季森林防火工作会议",
                "下一篇：霍山县开展“我为群众办实事”志愿服务活动",
                "版权所有：霍山县人民政府办公室  皖ICP备05012345号-1  网站标识码：3415250001",
                "联系电话：0564-5022345"]
        return "\n".join(head + body + tail) + "\n"
    if style == "dateline":
        head = [f"{stamp}  来源：{src}  作者：{byline}", title, ""]
        tail = ["", "【打印本页】【关闭窗口】", "责任编辑：张媛"]
        return "\n".join(head + [f"　　{p}" for p in body] + tail) + "\n"
    dateline = f"{stamp} 来源：{src}"
    if style == "news":
        footer = f"\n\n分享到：微信 微博 QQ空间\n\n版权所有 © {src} 未经授权禁止转载\n"
        return article(title, dateline, body, footer=footer)
    if style == "flash":
        body, byline = [*body[:-1], f"{body[-1]}（{byline}）"], None
    footer = "\n\n" + "\n\n".join(_footer(src)) + "\n"
    return traditional(article(title, dateline, body, byline=byline, footer=footer))


if __name__ == "__main__":
    rebuild(HERE, build)
