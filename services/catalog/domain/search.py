"""What a search matches: folded words, article-code keys and the search request.

Plain Python, shared by both engines. The same :func:`fold_text` is applied to
the text we index and to the words a customer types, so that SQLite FTS5 and
PostgreSQL behave alike, and both go beyond what each engine folds alone:
FTS5's ``remove_diacritics`` leaves ``ł``, ``ø``, ``æ``, ``ß`` and ``ё`` as
they are (``zolc`` would not find ``żółć``, ``grosse`` not ``Größe``).
The rules follow PostgreSQL's ``unaccent.rules``: accents are stripped from
Latin letters, letters without a decomposition are spelled out (``ł`` -> ``l``,
``ß`` -> ``ss``, ``æ`` -> ``ae``), ``ё`` becomes ``е``; Cyrillic ``й``, ``ї``
and ``ў`` stay letters of their own, as they are in Ukrainian and Belarusian.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12  # bounds the work one query can ask of the engine
MAX_PAGE = 10_000  # as every list (services/chassis/paging.py): a million hits at 100 a page; refine the search
MIN_PREFIX_LENGTH = 2  # a one-letter prefix matches most of a large catalog (~80 ms on 100k products)
SORTS = ("relevance", "name", "price_asc", "price_desc")

# Letters that Unicode does not decompose into base letter + accent.
_SPELLED_OUT = {
    "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŀ": "l", "ё": "е",
}
_WORD = re.compile(r"[^\W_]+")  # runs of Unicode letters and digits
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


def _fold_char(char: str) -> str:
    lower = char.casefold()  # casefold, not lower: "ß" -> "ss", "ẞ" -> "ss"
    if lower in _SPELLED_OUT:
        return _SPELLED_OUT[lower]
    if unicodedata.combining(char):
        return ""  # a stray accent left after NFC composition
    if "CYRILLIC" in unicodedata.name(char, ""):
        return lower
    return "".join(c for c in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(c))


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character (fast on 100k products)."""

    def __missing__(self, codepoint: int) -> str:
        folded = self[codepoint] = _fold_char(chr(codepoint))
        return folded


_FOLD_TABLE = _FoldTable()


def fold_text(text: str) -> str:
    """Lower-case ``text`` and take the accents off, the same way for indexing and querying."""
    return unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)


def search_words(text: str) -> list[str]:
    """The folded words of ``text``: letters and digits only, so no engine syntax survives."""
    return _WORD.findall(fold_text(text))


def search_document(code: str, name: str, technical_description: str) -> tuple[str, str]:
    """The two texts a product is indexed by: code + name (weighs more), then the description."""
    return " ".join(search_words(f"{code} {name}")), " ".join(search_words(technical_description))


def code_key(code: str) -> str:
    """Article codes are unique and looked up without regard to case or surrounding space."""
    return code.strip().casefold()


def is_article_code(text: str) -> bool:
    return bool(CODE_PATTERN.match(text.strip()))


@dataclass(frozen=True)
class SearchRequest:
    """A customer's search, already validated at the boundary."""

    q: str = ""
    page: int = 1
    per_page: int = 20
    category: str | None = None
    producer: str | None = None
    showcase: str | None = None
    sort: str = "relevance"

    @property
    def browsing(self) -> bool:
        """No words typed: list the catalog (filtered) instead of searching it."""
        return not self.q.strip()

    @property
    def words(self) -> list[str]:
        return search_words(self.q)[:MAX_QUERY_WORDS]

    @property
    def prefix_last_word(self) -> bool:
        """The last word is probably still being typed: match it as a prefix, unless it is too short."""
        words = self.words
        return bool(words) and len(words[-1]) >= MIN_PREFIX_LENGTH

    @property
    def code(self) -> str | None:
        """The query read as an article code (for exact and prefix code hits), if it can be one."""
        return code_key(self.q) if is_article_code(self.q) else None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_count(total: int, per_page: int) -> int:
    return -(-total // per_page)
