"""The words the search box leaves out of what it asks Pagefind (domain/search_words.yml
``ubiquitous_words``) are words real reports all use, and the build publishes them."""

from __future__ import annotations

import json

from build_tools import search
from build_tools.domain import load_yaml
from tests.conftest import SEED_FILES, seed_path


def test_ubiquitous_words_are_in_nearly_every_real_report():
    # Leaving a word out is safe only because the box still shows pages that hold the
    # whole query; it pays only for words in nearly every report.  A rare word listed
    # here would make Pagefind rank by the rest of the query alone.
    texts = [seed_path(n).read_text(encoding="utf-8") for n in SEED_FILES]
    words = load_yaml("search_words.yml")["ubiquitous_words"]
    assert len(words) == len(set(words))
    for word in words:
        assert len(word) >= 2, word          # a single character is a prefix of too much
        holding = sum(word in t for t in texts)
        assert holding >= 4, (word, holding)


def test_words_file_lists_them_for_the_search_box():
    data = json.loads(search.words_file())
    # in the listed order, heaviest first: the box asks a query of nothing but these words
    # as the last of them it holds
    assert data["ubiquitous"] == load_yaml("search_words.yml")["ubiquitous_words"]
    assert data["ubiquitous"].index("公开") < data["ubiquitous"].index("申请")
    assert search.WORDS_FILE == "assets/search-words.json"   # the address search.js fetches


def test_words_file_names_the_places_of_the_archive_as_readers_type_them():
    # The search box asks a run of single characters within one of these a character at
    # a time (docs/assets/js/search.js runWords); the forms readers type count too.
    data = json.loads(search.words_file([["青海省", "黄南藏族自治州", "同仁市"],
                                         ["青海省", "海东市"], ["江苏省", "", None]]))
    assert data["places"] == sorted({"青海省", "黄南藏族自治州", "黄南州", "同仁市", "海东市",
                                     "江苏省"})
    assert json.loads(search.words_file())["places"] == []
