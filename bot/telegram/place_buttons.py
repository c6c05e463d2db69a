"""The keyboards that offer places: under a digest that found no place (or only a likely one), its likeliest
counties (fix:…); for a name several places share or an unknown one, the places it may mean (pl:…).
Their presses are handled in bot/telegram/fix.py."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.queries.places import code_of
from bot.render.places import choice_label, unsure
from bot.telegram.reply import convert
from extract.models import County, Digest, Script

CANDIDATE_BUTTONS = 4


def county_buttons(digest: Digest, report_id: int, script: Script) -> list[list[InlineKeyboardButton]]:
    """A digest that found no place (or only a likely one): a button per likeliest place
    (Digest.county_candidates) it does not show already."""
    if not unsure(digest):
        return []
    shown = {(c.name, c.city, c.province) for c in digest.counties}
    rows = []
    others = [c for c in digest.county_candidates if (c.name, c.city, c.province) not in shown]
    for c in others[:CANDIDATE_BUTTONS]:
        code = code_of(c) or code_of(c.model_copy(update={"level": "county"}))
        if code:
            rows.append(
                [
                    InlineKeyboardButton(
                        convert(f"📍 {choice_label(c)}", script), callback_data=f"fix:{report_id}:{code}"
                    )
                ]
            )
    return rows


def place_buttons(places: list[County], command: str, script: Script) -> InlineKeyboardMarkup | None:
    """One button per place a name may mean (or per closest name): pressing it runs `command` for it.
    `command` is a one-letter code: t /targets, k /track, c /chart, e /export, f /follow."""
    rows = []
    for c in places[:8]:
        code = code_of(c)
        if code:
            rows.append(
                [InlineKeyboardButton(convert(choice_label(c), script), callback_data=f"pl:{command}:{code}")]
            )
    return InlineKeyboardMarkup(rows) if rows else None
