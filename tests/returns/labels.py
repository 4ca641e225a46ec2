"""Reading a return label back: its text (pypdf) and its Code 39 barcode, decoded from the drawn bars."""
from __future__ import annotations

import io
import re
from collections import Counter

from pypdf import PdfReader

# Code 39 per the symbology: nine elements (bar, space, bar, ...), n = narrow, w = wide.
CODE39 = {
    "nnnwwnwnn": "0", "wnnwnnnnw": "1", "nnwwnnnnw": "2", "wnwwnnnnn": "3", "nnnwwnnnw": "4", "wnnwwnnnn": "5",
    "nnwwwnnnn": "6", "nnnwnnwnw": "7", "wnnwnnwnn": "8", "nnwwnnwnn": "9", "wnnnnwnnw": "A", "nnwnnwnnw": "B",
    "wnwnnwnnn": "C", "nnnnwwnnw": "D", "wnnnwwnnn": "E", "nnwnwwnnn": "F", "nnnnnwwnw": "G", "wnnnnwwnn": "H",
    "nnwnnwwnn": "I", "nnnnwwwnn": "J", "wnnnnnnww": "K", "nnwnnnnww": "L", "wnwnnnnwn": "M", "nnnnwnnww": "N",
    "wnnnwnnwn": "O", "nnwnwnnwn": "P", "nnnnnnwww": "Q", "wnnnnnwwn": "R", "nnwnnnwwn": "S", "nnnnwnwwn": "T",
    "wwnnnnnnw": "U", "nwwnnnnnw": "V", "wwwnnnnnn": "W", "nwnnwnnnw": "X", "wwnnwnnnn": "Y", "nwwnwnnnn": "Z",
    "nwnnnnwnw": "-", "wwnnnnwnn": ".", "nwwnnnwnn": " ", "nwnnwnwnn": "*",
}


def label_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def barcode_payload(pdf: bytes) -> str:
    """The text of the Code 39 barcode on the first page, start and stop characters removed."""
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    rects = [tuple(float(v) for v in m) for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) (-?[\d.]+) re f", content)]
    height = Counter(round(r[3], 1) for r in rects).most_common(1)[0][0]  # the bars all share one height
    bars = sorted((x, w) for x, _, w, h in rects if round(h, 1) == height)
    widths = [w for _, w in bars] + [bars[i + 1][0] - (x + w) for i, (x, w) in enumerate(bars[:-1])]
    threshold = (min(widths) + max(widths)) / 2
    elements = []
    for i, (x, w) in enumerate(bars):
        elements.append("w" if w > threshold else "n")
        if i + 1 < len(bars) and (i + 1) % 5:  # the gap after every fifth bar separates characters
            elements.append("w" if bars[i + 1][0] - (x + w) > threshold else "n")
    text = "".join(CODE39["".join(elements[i:i + 9])] for i in range(0, len(elements), 9))
    assert text.startswith("*") and text.endswith("*"), text
    return text[1:-1]
