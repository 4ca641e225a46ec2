"""Reading a JSON request body without letting its shape hurt the gateway.

Python's JSON reader recurses once per nesting level (in C, against the interpreter's recursion
limit), and so do the checks that walk a body after it: ``[`` x 5000 raised RecursionError and
answered 500. No API body nests more than a few levels, so a body nested deeper than
``MAX_DEPTH`` is refused as malformed before the reader sees it. The depth is counted without
recursion: strings are cut out (a ``[`` inside a password is not nesting), then the deepest
point of the remaining brackets is a running sum.
"""
from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from gateway import problems

MAX_DEPTH = 64

# A JSON string, or the unterminated rest of one (that body is malformed anyway). Possessive
# quantifiers: no backtracking, so cutting strings is linear whatever the quotes and escapes.
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nests_deeper_than(text: str, limit: int) -> bool:
    """Whether a reader would recurse deeper than ``limit``, for well-formed and malformed text alike."""
    if text.count("[") + text.count("{") <= limit:  # the common case, counted in C: too few brackets
        return False
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


def _malformed(detail: str) -> problems.HttpProblem:
    return problems.HttpProblem(400, "malformed-json", "The body is not valid JSON.", detail)


def parse_json(raw: bytes) -> Any:
    """The body's JSON value (``null`` when empty); a 400 ``malformed-json`` problem otherwise."""
    if not raw:
        return None
    try:
        # What json.loads does with bytes (UTF-8, -16 or -32, by the first bytes), done here
        # so that the depth is counted on the same text the reader gets.
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")
    except UnicodeDecodeError as exc:
        raise _malformed(str(exc)) from None
    too_deep = _malformed(f"The body may nest arrays and objects at most {MAX_DEPTH} levels deep.")
    if nests_deeper_than(text, MAX_DEPTH):
        raise too_deep
    try:
        return json.loads(text)
    except RecursionError:  # not reachable within MAX_DEPTH; kept so that a change of limit cannot bring 500s back
        raise too_deep from None
    except ValueError as exc:
        raise _malformed(str(exc)) from None
