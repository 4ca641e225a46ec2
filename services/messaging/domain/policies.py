"""The desk's rules as pure functions: a message body, a thread's subject, the response deadline.

The subject rule
----------------
The subject is the first message with its whitespace collapsed (every run of
Unicode whitespace, line breaks included, becomes one space; none at either
end), put in NFC (so that "e" + combining acute counts as the one character
"é"), and cut to at most ``SUBJECT_LENGTH`` code points. The cut is moved
back to the nearest boundary between user-perceived characters, so that it
never separates:

* a base from its combining marks (categories Mn, Mc, Me: accents, Indic
  vowel signs and viramas, enclosing marks);
* the parts of an emoji sequence: anything joined by ZERO WIDTH JOINER,
  variation selectors, skin-tone modifiers, tag characters (subdivision
  flags);
* the two regional indicators of a flag.

This is the part of Unicode's extended grapheme clusters (UAX #29) that
matters for the text people type; Hangul written as separate jamo and
"prepend" characters are not treated specially. Should a single cluster be
longer than the limit (a "zalgo" pile of marks), it is cut hard at the limit
rather than leaving no subject at all. No ellipsis is added: the subject is
at most ``SUBJECT_LENGTH`` characters, and the overview shows it as a subject.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from services.chassis.throttling import Throttle, ThrottleRule

SUBJECT_LENGTH = 100
BODY_MAX_CHARS = 10_000  # the default; a setting may lower it (never raise: the wire contract caps it)
FIRST_RESPONSE_HOURS = 48
# A customer may post this many messages (new threads and replies together) per window;
# more is a script or a flood, and every message alerts the staff desk.
POSTING_LIMIT = ThrottleRule.per(30, 10 * 60)


class PostingThrottle(Throttle):
    """Messages posted per customer: rows of ``throttles`` (the chassis throttle)."""

ZWJ = "\u200d"
# C0 controls, DEL and C1 controls, except tab, line feed and carriage return,
# and lone surrogates (JSON can carry "\ud800"): they have no place in a
# message, and PostgreSQL refuses NUL and unencodable text outright.
_FORBIDDEN = {c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)} | {0x7F} | set(range(0x80, 0xA0)) \
    | set(range(0xD800, 0xE000))


def check_body(body: str, max_chars: int = BODY_MAX_CHARS) -> tuple[str, str | None]:
    """The body as stored (line breaks normalised, outer whitespace trimmed), or the reason it is refused."""
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return text, "Write a message: it is empty."
    if len(text) > max_chars:
        return text, f"A message may have at most {max_chars} characters; this one has {len(text)}."
    if any(ord(c) in _FORBIDDEN for c in text):
        return text, "The message contains control characters."
    return text, None


def subject_of(body: str, limit: int = SUBJECT_LENGTH) -> str:
    text = unicodedata.normalize("NFC", " ".join(body.split()))
    if len(text) <= limit:
        return text
    end = limit
    while end > 0 and not is_boundary(text, end):
        end -= 1
    return text[:end or limit].rstrip()


def is_boundary(text: str, index: int) -> bool:
    """May ``text`` be cut between ``index - 1`` and ``index`` without splitting a character as people see it?"""
    if index <= 0 or index >= len(text):
        return True
    before, after = text[index - 1], text[index]
    if _extends(after) or before == ZWJ:
        return False
    if _regional(before) and _regional(after):
        run = 0  # flags are pairs: cut only after an even number of indicators
        while index - run - 1 >= 0 and _regional(text[index - run - 1]):
            run += 1
        return run % 2 == 0
    return True


def _extends(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char == ZWJ
        or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tags
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def first_response_due(opened_at: datetime, hours: int = FIRST_RESPONSE_HOURS) -> datetime:
    """When staff must have answered a new thread (calendar hours: the desk promises 48 h, not business hours)."""
    return opened_at + timedelta(hours=hours)
