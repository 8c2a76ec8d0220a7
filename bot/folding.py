"""How names and words are folded before they are compared: case, apostrophes,
accents, the letters Ukrainian and Russian spell differently, punctuation.

Below both the playbook (which matches typed speakers to its people) and the search
index (which compares queries with entries), so each folds text the same way.
"""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC_FOLD = str.maketrans(
    {
        "і": "и",
        "ї": "и",
        "ы": "и",
        "й": "и",
        "є": "е",
        "э": "е",
        "ё": "е",
        "ґ": "г",
        "ъ": None,
        "ь": None,
    }
)
_APOSTROPHES = re.compile(r"['’ʼ`´‘ʹ]")
_NON_WORD = re.compile(r"[^\w]+|_")


def normalize(text: str) -> str:
    """Fold text to the form both the index and the queries are compared in."""
    text = _APOSTROPHES.sub("", text.casefold())
    if text.isascii():  # nothing to decompose: most English queries
        folded = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        # Decomposing may bring capitals back: "№" becomes "No".
        folded = stripped.casefold().translate(_CYRILLIC_FOLD)
    return " ".join(_NON_WORD.sub(" ", folded).split())
