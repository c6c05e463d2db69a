"""The running frame of assign_kinds (step 7) and a span test it shares: the kind a report, a section,
a paragraph or a list sets for the figures that have no cue of their own.

A section heading (一、…工作回顾 / 二、…工作安排) sets the report's default; a time frame opening a
sentence (今年以来…, 下一步…) sets it too in a report without sections, and holds for its paragraph
in one with them; a cue opening a sentence holds to its paragraph's end; a paragraph ending in a colon
opens a list whose items (1.…；2.…) share its kind.
"""

from __future__ import annotations

import re

from extract.figures.cues import Doc
from extract.figures.periods import Layout
from extract.figures.sections import Kind, Section

_LIST_ITEM = re.compile(
    r"\s*(?:\d{1,2}[.、．]|[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]+是)"
)


class Frame:
    def __init__(self, doc: Doc, layout: Layout) -> None:
        self.doc, self.layout = doc, layout
        self.report: Kind | None = None  # set by time frames
        self.kind: Kind | None = None  # the paragraph's, falls back to the report's
        self.paragraph = (-1, -1)
        self.section: Section | None = None  # the report's section (一、…工作回顾 / 二、…目标任务)
        self.listing: Kind | None = None  # the kind of a list a paragraph ending in a colon opened
        self.last: tuple[int, Kind | None] = (-1, None)  # the last figure decided: position, kind

    def at(self, pos: int) -> None:
        para = self.layout.span("paragraph", pos)
        if para != self.paragraph:
            structure = self.layout.structure
            sec = structure.heading_at(pos)
            if sec is not self.section:
                self.section = sec
                if sec is not None and sec.kind is not None:
                    self.report = sec.kind  # a heading sets the default of everything under it
            review = structure.review_paragraph(pos)
            if review is not None:  # 过去一年,…: this paragraph looks back, whatever holds it
                self.listing = None
                self.paragraph, self.kind = para, review.kind
                return
            text = self.layout.text
            before = text[: para[0]].rstrip()[-1:]
            if self.listing is not None and (before in "；;：:" or _LIST_ITEM.match(text, para[0])):
                self.paragraph, self.kind = para, self.listing  # the list's next item
                return
            # a paragraph ending in a colon opens a list: its items (计划…：\n1.新建…；) share its kind
            opener = self.kind
            if opener is None and self.last[0] >= self.paragraph[0]:
                opener = self.last[1]  # no cue framed it: its own figure's kind (计划新建…5万亩：)
            self.listing = opener if before in "：:" else None
            self.paragraph, self.kind = para, (self.listing or self.report)

    def apply(self, kind: Kind | None, level: int, pos: int) -> None:
        if kind is None or level == 0:
            return
        self.at(pos)
        self.kind = kind
        if level == 2 and self.section is None:  # within a section, only its next heading sets it
            self.report = kind

    def sentences_between(self, lo: int, hi: int) -> None:
        """Let the figure-less sentences in text[lo:hi] frame what follows."""
        pos = lo
        while pos < hi:
            sent = self.layout.span("sentence", pos)
            if sent[1] > sent[0]:
                self.apply(*self.doc.scope(sent[0], sent[1], sent[1]), sent[0])
            pos = sent[1] + 1


def opens_with_qizhong(text: str, layout: Layout, cs: int, sent_start: int) -> bool:
    if text.startswith("其中", cs):
        return True
    if cs > sent_start:  # "其中," as a clause of its own
        pcs, pce = layout.span("clause", cs - 1)
        return text[pcs:pce].strip() == "其中"
    return False
