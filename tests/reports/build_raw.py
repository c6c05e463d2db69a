"""Rebuilds the raw test reports (tests/reports/*.txt) from their clean text in normalized/.

The raw files imitate the seeds: traditional script with pinyin glosses and a news site's header and
copyright lines, or a county government site's widgets around simplified text (tests/report_builder.py).
Run: .venv/bin/python -m tests.reports.build_raw  (needs the dev extras: opencc, pypinyin).
"""

from __future__ import annotations

from pathlib import Path

from tests.report_builder import article, clean_text, gov_page, rebuild, traditional

HERE = Path(__file__).resolve().parent

# file -> (style, byline, time of day)
STYLE = {
    "101_hebei_fuping.txt": ("trad", "记者 张晓明", "08:41:27"),
    "102_zhejiang_songyang.txt": ("gov", None, "10:15:32"),
    "103_sichuan_huili.txt": ("trad", "记者 李娜", "07:58:03"),
    "104_neimenggu_zhenglan.txt": ("news", None, "09:12:44"),
    "105_guangdong_jiaoling.txt": ("trad", None, "16:20:05"),
    "106_gansu_weiyuan.txt": ("news", None, "11:03:19"),
    "107_jiangxi_xunwu.txt": ("trad", None, "18:47:51"),
    "108_yunnan_lancang.txt": ("gov", None, "17:30:00"),
    "109_guizhou_leishan.txt": ("trad", None, "09:00:12"),
    "110_shandong_yinan.txt": ("gov", None, "15:22:40"),
    "111_hubei_xianfeng.txt": ("trad", None, "10:10:10"),
    "112_heilongjiang_hailun.txt": ("news", None, "06:35:57"),
    "113_shaanxi_baota.txt": ("news", None, "20:05:33"),
    "114_guizhou_meitan.txt": ("gov", None, "09:30:00"),
    "115_henan_xinxian.txt": ("news", None, "21:14:09"),
    "116_yunnan_binchuan.txt": ("trad", "记者 杨丽", "08:02:45"),
    "117_hunan_huayuan.txt": ("gov", None, "16:48:21"),
    "118_xinjiang_awati.txt": ("news", None, "12:00:36"),
    "119_fujian_wuyishan.txt": ("trad", None, "10:26:18"),
    "120_jiangsu_peixian.txt": ("news", "记者 周敏", "07:45:00"),
    "121_sichuan_litang.txt": ("trad", None, "19:20:41"),
    "122_anhui_jinzhai.txt": ("gov", None, "11:11:11"),
    "123_shanxi_linxian.txt": ("breadcrumb", None, ""),
    "124_guangxi_tiandong.txt": ("trad", "记者 韦小红", "09:48:02"),
    "125_zhejiang_taishun.txt": ("gov", None, "15:05:59"),
    "126_hebei_weichang.txt": ("gov", None, "18:30:27"),
    "127_guangdong_liannan.txt": ("trad", "通讯员 邓志强", "10:40:00"),
    "128_shaanxi_chenggu.txt": ("gov", None, "08:55:13"),
    "129_sichuan_pujiang.txt": ("news", None, "07:20:48"),
    "130_heilongjiang_xunke.txt": ("trad", None, "16:02:37"),
}


def build(name: str, doc: dict) -> str:
    style, byline, clock = STYLE[name]
    title, body = clean_text(HERE, name)
    stamp = f"{doc['published']} {clock}"  # (unused by the breadcrumb style, which has no date)
    if style == "gov":
        head = ["+", "温馨提示:本网站已完成无障碍适老化改造,如有问题请留言。", "新闻中心", title,
                f"发布时间:{stamp}", f"来源:{doc['source']}", "浏览次数:2356", "字体:【", "分享:", ""]
        return gov_page(head, body, ["", "", "扫一扫在手机打开当前页面"])
    if style == "breadcrumb":  # like seed 002: no date, a breadcrumb and the author at the end
        head = [title, "", f"{doc['source']}>>理论频道>>县域论坛", "", "时 间", "/", "分 享", "评 论", "", ""]
        body[-1] += "(作者系中共临县县委书记)"
        return "\n".join(head + [f"  {p}" for p in body]) + "\n\n(责编:王芳)\n"
    footer = "\n\n\n     \n\n责任编辑: 王芳\n\n"
    footer += f"版权声明:凡{doc['source']}刊载及发布的各类稿件,未经书面授权,任何媒体、网站不得转载发布。\n"
    text = article(title, f"{stamp} 来源:{doc['source']}  ", body, byline=byline, footer=footer)
    if style == "trad":
        text = traditional(text)
        if name.startswith("109"):
            text = text.replace("%", "％")  # full-width percent, as some sites write it
    return text


if __name__ == "__main__":
    rebuild(HERE, build)
