"""What a person's name and an official's title look like in these reports.

A name is only read right after a role (or in a byline) and must end where the sentence goes on (表示,
主持, 出席, punctuation…): a false name is worse than a missing one.
"""

from __future__ import annotations

import re
from functools import cache

# Common single and compound surnames (百家姓 and the most frequent modern ones).
# The hundred most frequent surnames (the start of the list below): a name followed only by a
# joining character (在, 与, 和…) is trusted when it starts with one of these or recurs.
_TOP_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
)
# Everyday words that open with a surname character and often follow an office (副县长全程参与,
# 县委书记高度重视): never the start of a name.
_NOT_NAME_STARTS = {
    "全程", "全面", "全体", "全力", "全部", "全县", "全市", "全区", "全镇", "全省",
    "高度", "高位", "高效", "高质", "高标", "向大", "向全", "向社", "向上", "向各",
    "于今", "于本", "于近", "万人", "常态", "时刻", "安排", "明确", "应邀", "成功",
    "宣布", "宣读", "计划", "管理", "经过", "来到", "方面", "平时", "支持", "信心",
    "连续", "原则", "利用", "都要", "满怀", "任务", "严格", "严肃", "周密", "程序",
    "何时", "钱款", "关于", "关心", "关注", "申请", "于是", "和县", "和市", "和区",
    "和镇", "和乡", "和各", "和全", "和相", "和有", "余名", "于月", "陆续", "及时",
    "齐抓", "充分", "简要", "尚未", "曾经", "曾任", "黄河", "长江", "毛泽", "习近",
    "江泽", "胡锦", "邓小", "孙中", "周恩",
    "和其", "其他", "其它", "信箱", "热线", "党中", "党委", "党组", "代表", "代理", "代为", "代管",
}
# List words (县政协委员和其他列席人员, 张三等): never part of a name.
_LIST_WORDS = ("其他", "其它", "等等", "和其")
_SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
    "明佘池乜查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权"
    "强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘"
    "亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉"
    "植衡富尧闭由代"
)
_SURNAMES_2 = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "令狐",
    "夏侯",
    "宇文",
    "司徒",
    "端木",
    "申屠",
    "轩辕",
    "南宫",
    "呼延",
    "钟离",
    "万俟",
    "单于",
    "太史",
    "西门",
}
# Characters of transliterated names (Tibetan, Uyghur, Yi...): such names have no Han surname,
# so they are accepted only when every character is one of these.
_TRANSLIT = set(
    "扎西斯那史拉巴次仁旦达娃多吉卓玛央金措格桑顿珠曲尼布平罗德姆阿买提艾尔肯古丽穆罕默热依孜克木江别"
    "力哈萨努汗坎图乃合库则曼亚沙洛卡加松赤贡觉嘎登追果泽索朗确琼白欧根宗呷俄日沃塔吾秀帕孙甫衣沐伍"
)

# Titles an official's name follows. Longest first so that 常务副县长 wins over 县长.
_TITLES = sorted(
    {
        "书记",
        "副书记",
        "常委",
        "委员",
        "县长",
        "市长",
        "区长",
        "州长",
        "旗长",
        "盟长",
        "省长",
        "乡长",
        "镇长",
        "主席",
        "主任",
        "部长",
        "局长",
        "厅长",
        "秘书长",
        "检察长",
        "院长",
        "庭长",
        "行长",
        "政委",
        "组长",
        "所长",
        "校长",
        "站长",
        "队长",
        "总经理",
        "董事长",
        "经理",
        "处长",
        "科长",
        "主任委员",
        "调研员",
        "巡视员",
        "一级巡视员",
        "二级巡视员",
    },
    key=len,
    reverse=True,
)
TITLE_RE = "|".join(_TITLES)
# The body a title belongs to: 县委, 县人民政府, 市人大常委会, 县政协, 县纪委监委, 党组…
_ORG_RE = (
    r"(?:[省市州盟县区旗乡镇](?:委|人民政府|政府|人大常委会|人大|政协|纪委监委|纪委|监委)"
    r"|政府|党组|党委|人大常委会)"
)
SEG_RE = rf"(?:{_ORG_RE})?(?:党组)?(?:常务)?副?(?:{TITLE_RE})"


@cache
def role_re() -> re.Pattern[str]:  # compiled on first use: only credits without a label need it
    return re.compile(rf"(?:中共)?{SEG_RE}(?:[、兼]{SEG_RE})*")



_PUNCT = set("，,。.；;：:、！!？?（()）“”\"‘’'《》〈〉【】[]—-…· \t\u3000\n")
# What follows a name in these reports: the verb of the sentence or a joining word.
_NEXT_WORDS = sorted(
    {
        "表示",
        "说",
        "指出",
        "强调",
        "要求",
        "主持",
        "出席",
        "接受",
        "传达",
        "通报",
        "作",
        "做",
        "在",
        "对",
        "参加",
        "讲话",
        "致辞",
        "带队",
        "调研",
        "一行",
        "同志",
        "等",
        "和",
        "与",
        "及",
        "率",
        "深入",
        "到",
        "赴",
        "前往",
        "就",
        "介绍",
        "宣布",
        "部署",
        "召开",
        "听取",
        "陪同",
        "会见",
        "签署",
        "认为",
        "提出",
        "希望",
        "代表",
        "宣读",
        "汇报",
        "发言",
        "总结",
        "点评",
        "参会",
        "列席",
        "督导",
        "检查",
        "察看",
        "看望",
        "慰问",
        "先后",
        "分别",
        "向",
        "为",
        "从",
        "也",
        "还",
        "又",
        "则",
        "一同",
        "共同",
        "亲自",
        "带领",
        "围绕",
        "针对",
        "结合",
        "来到",
        "走进",
        "进行",
        "主讲",
        "解读",
        "动员",
        "布置",
        "安排",
        "肯定",
        "充分",
        "高度",
        "详细",
        "实地",
        "现场",
        "专题",
        "认真",
        "首先",
        "最后",
        "随后",
        "同时",
        "当选",
        "任",
        "兼",
        "的",
        "是",
        "以",
    },
    key=len,
    reverse=True,
)
# Single characters that, at the end of a three-character candidate, are more likely the verb
# after a two-character name (王强说 -> 王强 + 说).
_VERBISH = set("说在和与及对作做等到向为是将就率也还又讲谈称以任兼的")
_WEAK_NEXT = set("在和与及对等到向为是将就率也还又以任兼的")  # joining characters, not verbs
def _is_han(s: str) -> bool:
    """Every character in U+4E00..U+9FFF (min/max in C: no regex to compile at start-up)."""
    return bool(s) and min(s) >= "\u4e00" and max(s) <= "\u9fff"


_NEXT_RE = re.compile("|".join(_NEXT_WORDS))


def _boundary_at(text: str, pos: int) -> bool:
    if pos >= len(text) or text[pos] in _PUNCT:
        return True
    return _NEXT_RE.match(text, pos) is not None


_PLACE_ENDINGS = set("省市县区旗州盟镇乡村")


def plausible_name(name: str) -> bool:
    if not _is_han(name) or not 2 <= len(name) <= 6 or name[-1] in _PLACE_ENDINGS:
        return False
    if name.endswith("等") or any(w in name for w in _LIST_WORDS):
        return False
    if name[:2] in _SURNAMES_2 and 3 <= len(name) <= 4:
        return True
    if name[0] in _SURNAMES_1 and len(name) <= 3:
        return True
    return len(name) >= 3 and all(c in _TRANSLIT for c in name)


def name_at(text: str, pos: int) -> str | None:
    """The person's name starting at `pos` (right after a role), or None."""
    if pos < len(text) and text[pos] in " \u3000":  # 政府县长 郑永安
        pos += 1
    if text[pos : pos + 2] in _NOT_NAME_STARTS:
        return None
    candidates = []
    for n in (3, 2, 4, 5, 6):
        name = text[pos : pos + n]
        if len(name) == n and plausible_name(name) and _boundary_at(text, pos + n):
            weak = text[pos + n : pos + n + 1] in _WEAK_NEXT and name[0] not in _TOP_SURNAMES
            if weak and text.count(name) < 2:
                continue  # 全程参 + 与: a joining character and a rare surname, said once
            candidates.append(name)
    if not candidates:
        return None
    best = candidates[0]
    # 王强说, -> 王强: a verb-like last character that a shorter valid candidate explains
    if len(best) == 3 and best[-1] in _VERBISH and best[:2] in candidates:
        best = best[:2]
    return best


