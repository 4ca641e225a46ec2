"""Folding, word splitting and the engine queries built from what a customer types."""
import pytest

from services.catalog.adapters.search_postgresql import tsquery_text
from services.catalog.adapters.search_sqlite import fts5_match
from services.catalog.domain.search import (MAX_QUERY_WORDS, SearchRequest, code_key, fold_text, page_count,
                                            search_document, search_words)


@pytest.mark.parametrize("typed, indexed", [
    ("okologisch", "Ökologisch"),        # German umlaut
    ("grosse", "Größe"),                 # ß is spelled out, as unaccent does
    ("zolc", "żółć"),                    # Polish: ł has no decomposition, the others do
    ("lodz", "Łódź"),
    ("perche citta caffe", "Perché città caffè"),  # Italian
    ("телескоп", "ТЕЛЕСКОП"),            # Cyrillic case
    ("елка", "Ёлка"),                    # ё -> е, as unaccent does
    ("aero", "Ærø"),
    ("filigrana", "ﬁligrana"),           # compatibility ligature
])
def test_what_customers_type_folds_like_what_is_indexed(typed, indexed):
    assert search_words(typed) == search_words(indexed)


def test_ukrainian_letters_of_their_own_are_kept():
    # й, ї are letters in Ukrainian, not и, і with an accent
    assert fold_text("Їжак йод") == "їжак йод"
    assert search_words("йод") != search_words("иод")


def test_words_are_letters_and_digits_only_so_no_engine_syntax_survives():
    assert search_words('"NEAR(a* b)" OR -c ^d col:e \'f\' \\g') == ["near", "a", "b", "or", "c", "d", "col", "e", "f", "g"]
    assert search_words('"*()-:^') == []
    assert search_words("AB-1234/x") == ["ab", "1234", "x"]


def test_the_search_document_puts_code_and_name_before_the_description():
    assert search_document(" AB-12 ", "Trapano Perché", "Größe XL") == ("ab 12 trapano perche", "grosse xl")


def test_fts5_match_quotes_every_word_and_prefixes_the_last():
    assert fts5_match(["trapano", "compat"], prefix_last=True) == '"trapano" "compat"*'
    assert fts5_match(["a"], prefix_last=False) == '"a"'
    assert fts5_match(['x"y'], prefix_last=False) == '"x""y"'  # never reached from search_words, still safe


def test_tsquery_quotes_every_word_and_prefixes_the_last():
    assert tsquery_text(["телеск"], prefix_last=True) == "'телеск':*"
    assert tsquery_text(["a", "b"], prefix_last=False) == "'a' & 'b'"
    assert tsquery_text(["x'y\\"], prefix_last=False) == "'x''y\\\\'"


@pytest.mark.parametrize("build", [fts5_match, tsquery_text])
def test_an_empty_text_query_is_refused_rather_than_sent(build):
    with pytest.raises(ValueError):
        build([], prefix_last=True)


def test_the_last_word_is_a_prefix_only_from_two_letters():
    assert SearchRequest(q="trapano co").prefix_last_word
    assert not SearchRequest(q="trapano c").prefix_last_word  # one letter would match most of the catalog


def test_a_query_uses_a_bounded_number_of_words():
    assert len(SearchRequest(q=" ".join(f"w{i}" for i in range(50))).words) == MAX_QUERY_WORDS


def test_only_a_query_shaped_like_an_article_code_is_looked_up_as_one():
    assert SearchRequest(q=" AB-1234/x ").code == "ab-1234/x"
    assert SearchRequest(q="two words").code is None
    assert SearchRequest(q="телескоп").code is None
    assert code_key(" Ab-1 ") == "ab-1"


def test_an_empty_or_blank_query_browses():
    assert SearchRequest(q="   ").browsing
    assert not SearchRequest(q="*").browsing  # searches, finds nothing to search for


def test_pages_and_offsets():
    assert SearchRequest(page=3, per_page=10).offset == 20
    assert [page_count(total, 10) for total in (0, 1, 10, 11)] == [0, 1, 1, 2]
