"""Domain tables (labels, synonyms, heading patterns, rule texts) and their loaders.

The data lives beside this file as CSV/YAML so a maintainer can add a synonym or fix a
message without touching code.  ``normalize`` is the one text normalization every
matcher uses, so a label typed with full-width brackets, stray spaces or curly quotes
matches the same patterns.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

DOMAIN_DIR = Path(__file__).parent

_WHITESPACE = re.compile(r"\s+")
_MARKS = re.compile(r"\*\*|__|^#+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "〔": "[", "〕": "]",
                         "【": "[", "】": "]", "﹝": "[", "﹞": "]", "｛": "{", "｝": "}"})


def normalize(text: str) -> str:
    """NFKC, no whitespace, unified quotes/brackets, no Markdown marks: the form every
    pattern matches on."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    # Markdown emphasis/heading marks survive in some .txt extractions; they never
    # carry meaning in a label or heading.
    return _MARKS.sub("", _WHITESPACE.sub("", text))


@functools.cache
def load_yaml(name: str) -> Any:
    with open(DOMAIN_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@functools.cache
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    with open(DOMAIN_DIR / name, encoding="utf-8", newline="") as fh:
        return tuple(dict(r) for r in csv.DictReader(fh))


@functools.cache
def compile_alternatives(keywords: str) -> tuple[re.Pattern[str], ...]:
    """``a|b|c`` from a CSV cell -> compiled patterns (each may be a regex).

    Splits on top-level ``|`` only, so an alternative may itself hold a group like
    ``(?:^|\\d\\.)其他$``.
    """
    parts: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(keywords):
        ch = keywords[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(keywords[start:i])
            start = i + 1
        i += 1
    parts.append(keywords[start:])
    return tuple(re.compile(p) for p in parts if p)


def rule_titles() -> dict[str, tuple[int, str]]:
    """rule id -> (number, Chinese title) of every rule in ``rules.yml``, in rule order."""
    rules = load_yaml("rules.yml")
    return dict(sorted(((rule, (int(spec["number"]), str(spec["title"])))
                        for rule, spec in rules.items()), key=lambda kv: (kv[1][0], kv[0])))
