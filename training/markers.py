"""Overt Islamic State markers: the rule that picks the pro-IS tweets recall is measured on.

The fanboy tweets are labelled by account, not by tweet, so most are chit-chat
or news relays with nothing of the movement's voice. Recall is measured on the
ones that carry the movement's own in-group vocabulary: self-designations,
honorifics, and its labels for enemies. Words that ordinary users and news
accounts use as much as supporters (ISIS, Daesh, jihad) are not markers.
"""

from __future__ import annotations

import re

_MARKERS = [
    r"khil[a]?af[a]?h?",
    r"dawla[th]?",
    r"baqi[y]?ah?",
    r"mujahid(?:een|in|een's)?",
    r"kuff?aa?r",
    r"kafir(?:s|oon|een)?",
    r"murtad(?:d?een|d?in|s)?",
    r"apostates?",
    r"rafidh?(?:i|ah|a|is)",
    r"rawafidh?",
    r"taghut|tawaghit|taghoot",
    r"sahwa[ht]?|sahawat",
    r"akhi|akhee",
    r"kufr",
    r"takfir",
    r"nusa[iy]ri(?:s|yyah)?",
    r"crusaders?",
    r"shuhada|shaheeds?",
    r"a?amaq(?:agency)?",
    r"wilay[a]?(?:t|h)\w*",
    r"caliphate_news",
    r"munafiq(?:een|in|s)?",
    r"safavids?",
    r"islamic\s+state\s+(?:soldiers?|fighters?|lions?)",
    r"soldiers\s+of\s+the\s+(?:caliphate|khilafah)",
    r"may\s+allah\s+accept\s+(?:him|them|our)",
    r"الخلافة|الدول[ةه]\s+ال[إا]سلامي[ةه]|الدوله|باقية|الصليبي\w*|المرتد\w*|الرافض\w*|الطاغوت|جنود\s+الخلافة",
]
MARKER_RE = re.compile(r"(?<!\w)(?:" + "|".join(_MARKERS) + r")(?!\w)", re.IGNORECASE)


def has_is_marker(text: str) -> bool:
    return MARKER_RE.search(text) is not None
