"""render/escape.py: report text must come out inert in Markdown and in HTML."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import markdown
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools.render import escape

REPO = Path(__file__).resolve().parent.parent


def site_extensions() -> tuple[list, dict]:
    """The Markdown extensions of mkdocs.yml, plus attr_list (the riskiest one) on top."""
    with open(REPO / "mkdocs.yml", encoding="utf-8") as fh:
        cfg = yaml.load(fh, Loader=yaml.BaseLoader)
    names, configs = [], {}
    for ext in cfg["markdown_extensions"]:
        if isinstance(ext, dict):
            (name, conf), = ext.items()
            names.append(name)
            configs[name] = {k: (v if v not in ("false", "true") else v == "true")
                             for k, v in (conf or {}).items()}
        else:
            names.append(ext)
    if "attr_list" not in names:
        names.append("attr_list")
    return names, configs


EXTS, EXT_CONFIGS = site_extensions()


def to_html(md_text: str) -> str:
    return markdown.markdown(md_text, extensions=EXTS, extension_configs=EXT_CONFIGS)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(h: str) -> Tags:
    p = Tags()
    p.feed(h)
    return p


PAYLOADS = [
    "<script>window.pwned=1</script>",
    "<img src=x onerror=alert(1)>",
    "[a](javascript:alert(1))",
    "![x](http://evil.example/x.png)",
    "!!! note \"title\"",
    "{: onclick=x}",
    "{{ config }}",
    "{% include 'x' %}",
    "# 标题",
    "> 引用",
    "- 列表",
    "1. 列表",
    "    缩进代码",
    "| a | b |",
    "\\*not emphasis\\*",
    "**粗体** _斜体_ `代码`",
    "<div markdown=\"1\">*x*</div>",
    "<http://evil.example>",
    "&lt;script&gt;",
    "&#60;script&#62;",
    "a\u202eevil\u200bname",
]


def test_inline_payloads_become_one_paragraph_of_the_same_text():
    for payload in PAYLOADS:
        out = parse(to_html(escape.text(payload)))
        assert [t for t, _ in out.tags] == ["p"], (payload, out.tags)
        expected = " ".join(escape.clean(payload).split())
        assert "".join(out.text) == expected, payload


def test_no_markdown_or_html_syntax_character_survives():
    s = escape.text("".join(PAYLOADS))
    for ch in "<>[](){}|#!*_`\\&\"'":
        assert ch not in s.replace("&#", "").replace(";", ""), ch


def test_payloads_inert_in_table_cells_lists_and_admonitions():
    for payload in PAYLOADS:
        e = escape.text(payload)
        doc = "\n".join([
            "| 项目 | 值 |", "| --- | --- |", f"| {e} | {e} |", "",
            f"- {e}", "",
            '!!! failure "检查"', "", f"    - {e}", "",
        ])
        out = parse(to_html(doc))
        tags = {t for t, _ in out.tags}
        assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "ul", "li", "div", "p"}, payload
        assert not any(k.startswith("on") or k in ("href", "src") for _, a in out.tags for k in a)
        # exactly our one admonition, never one started by the payload
        assert sum(1 for t, a in out.tags if t == "div" and "admonition" in (a.get("class") or "")) == 1
        # the table keeps two columns: a pipe in the text did not split a cell
        assert sum(1 for t, _ in out.tags if t == "td") == 2


def test_multiline_text_keeps_lines_as_paragraphs_and_drops_indentation_meaning():
    block = escape.paragraphs_html("（一）主动公开\n\n    <script>x</script>\n!!! note\n1. 列表")
    out = parse(to_html(f"前文\n\n{block}\n\n后文"))
    assert [t for t, _ in out.tags] == ["p", "div", "p", "p", "p", "p", "p"]
    assert "<script>x</script>" in "".join(out.text)
    assert escape.paragraphs_html("  \n\n") == ""


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_renders_as_itself(s):
    out = parse(to_html("x " + escape.text(s)))
    assert [t for t, _ in out.tags] == ["p"]
    expected = " ".join(("x " + escape.clean(s)).split())
    assert " ".join("".join(out.text).split()) == expected


def test_attr_escapes_quotes_and_angle_brackets():
    assert escape.attr('a" onclick="x') == "a&quot; onclick=&quot;x"
    assert "<" not in escape.attr("<b>")


def test_url_allows_only_http_and_https():
    assert escape.url("javascript:alert(1)") is None
    assert escape.url("JaVaScRiPt:alert(1)") is None
    assert escape.url("data:text/html,<script>") is None
    assert escape.url("/relative/path") is None
    assert escape.url("http://a b") is None
    assert escape.url("https://www.gov.cn/x?a=1&b=2") == "https://www.gov.cn/x?a=1&amp;b=2"
    assert escape.url('http://x.cn/"><script>') == "http://x.cn/&quot;&gt;&lt;script&gt;"


def test_number_keeps_blank_and_zero_apart():
    assert escape.number(None) == ""
    assert escape.number(0) == "0"
    assert escape.number(0.0) == "0"
    assert escape.number(603.474) == "603.474"
    assert escape.number(3483.09716) == "3483.0972"
    assert escape.number(12) == "12"


def test_clean_drops_invisible_and_bidi_characters():
    assert escape.clean("乐\u200b都\u202e区\x00") == "乐都区"
    assert html.unescape(escape.text("a\nb\r\nc")) == "a b c"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_in_our_raw_html_block_renders_as_itself(s):
    """html_text() is for the inside of raw HTML blocks we emit (tables, narrative):
    Markdown leaves the block alone, so HTML escaping is enough there."""
    doc = f'前文\n\n<div class="narrative">\n<p>{escape.html_text(s)}\n<p>二\n</div>\n\n后文'
    out = parse(to_html(doc))
    assert [t for t, _ in out.tags] == ["p", "div", "p", "p", "p"]
    # the same characters in the same order (white space aside)
    expected = "".join(("前文" + escape.clean(s) + "二后文").split())
    assert "".join("".join(out.text).split()) == expected


def test_html_text_keeps_punctuation_plain():
    assert escape.html_text("1.属于国家秘密 50.0% a/b") == "1.属于国家秘密 50.0% a/b"
    assert escape.html_text("<script>&\"'") == "&lt;script&gt;&amp;\"'"
    assert escape.html_text("乐\u200b都\n区") == "乐都 区"
