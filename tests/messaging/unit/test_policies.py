"""The desk's pure rules: what a body may be, a thread's subject, the first-response deadline."""
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest

from services.messaging.domain.policies import (
    BODY_MAX_CHARS, SUBJECT_LENGTH, check_body, first_response_due, is_boundary, subject_of,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def test_a_short_message_is_its_own_subject_with_whitespace_collapsed():
    assert subject_of("  Where is\tmy\r\n\n order?\u00a0 Thanks  ") == "Where is my order? Thanks"


def test_a_long_message_is_cut_at_one_hundred_characters():
    body = "word " * 60
    subject = subject_of(body)
    assert len(subject) <= SUBJECT_LENGTH and subject == body[:SUBJECT_LENGTH].rstrip()
    assert subject_of("x" * 250) == "x" * SUBJECT_LENGTH


def test_multi_byte_text_is_counted_in_characters_not_bytes():
    body = "Привіт, де моє замовлення? " * 10  # Cyrillic: two bytes each in UTF-8
    subject = subject_of(body)
    assert len(subject) == SUBJECT_LENGTH
    assert subject == " ".join(body.split())[:SUBJECT_LENGTH]


def test_decomposed_accents_are_composed_first_so_more_text_fits_and_none_is_split():
    decomposed = "e\u0301" * 150  # "é" as two code points
    subject = subject_of(decomposed)
    assert subject == "\u00e9" * SUBJECT_LENGTH
    assert unicodedata.is_normalized("NFC", subject)


def test_the_cut_never_separates_a_letter_from_its_combining_marks():
    # "ṩ" written as s + dot below + dot above: no precomposed form for every mark order,
    # so NFC keeps a mark; the 100th code point falls inside the cluster.
    body = "a" * 99 + "q\u0323\u0307" + "tail"
    subject = subject_of(body)
    assert subject == "a" * 99
    assert not unicodedata.combining(subject[-1])


@pytest.mark.parametrize("cluster", [
    "\U0001F469\u200d\U0001F4BB",  # woman technologist (ZWJ sequence)
    "\U0001F44D\U0001F3FD",  # thumbs up, medium skin tone
    "\u2764\ufe0f",  # red heart with variation selector
    "\U0001F1EE\U0001F1F9",  # the Italian flag: two regional indicators
    "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",  # Scotland (tag sequence)
])
def test_the_cut_never_splits_an_emoji_sequence_or_a_flag(cluster):
    body = "a" * 99 + cluster + " more text"
    assert subject_of(body) == "a" * 99
    fitting = "a" * (SUBJECT_LENGTH - len(cluster)) + cluster + " more"
    assert subject_of(fitting) == "a" * (SUBJECT_LENGTH - len(cluster)) + cluster


def test_a_run_of_flags_is_cut_between_flags_not_inside_one():
    italy, germany = "\U0001F1EE\U0001F1F9", "\U0001F1E9\U0001F1EA"
    text = italy + germany + italy
    assert [i for i in range(1, len(text)) if is_boundary(text, i)] == [2, 4]


def test_a_space_left_at_the_cut_is_trimmed():
    assert subject_of("a" * 99 + " " + "b" * 10) == "a" * 99


def test_one_cluster_longer_than_the_limit_is_cut_hard_rather_than_leaving_no_subject():
    zalgo = "z" + "\u0336" * 200
    assert subject_of(zalgo) == zalgo[:SUBJECT_LENGTH]


def test_html_in_a_subject_is_plain_text_like_any_other():
    assert subject_of("<b>hello</b> <script>alert(1)</script>") == "<b>hello</b> <script>alert(1)</script>"


@pytest.mark.parametrize("body, problem", [
    ("", "empty"), (" \n\t\u00a0 ", "empty"), ("x" * (BODY_MAX_CHARS + 1), "at most"),
    ("nul \x00 byte", "control"), ("bell \x07", "control"), ("lone \ud800 surrogate", "control"),
])
def test_bodies_that_are_refused(body, problem):
    assert problem in check_body(body)[1]


def test_a_body_is_stored_trimmed_with_unix_line_breaks_and_otherwise_as_written():
    text, problem = check_body("  Hello\r\n<b>there</b>\rtab\there  \n")
    assert problem is None
    assert text == "Hello\n<b>there</b>\ntab\there"
    assert check_body("x" * BODY_MAX_CHARS) == ("x" * BODY_MAX_CHARS, None)
    assert check_body("x" * 11, max_chars=10)[1].startswith("A message may have at most 10")


def test_the_first_answer_is_due_48_hours_after_the_thread_opens():
    assert first_response_due(NOW) == NOW + timedelta(hours=48)
    assert first_response_due(NOW, hours=24) == NOW + timedelta(hours=24)
