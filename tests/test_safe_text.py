"""Untrusted text: escape sequences, controls and bidi overrides never survive `clean`."""

from __future__ import annotations

import pytest

from tui.safe_text import clean, clean_multiline

ESC = "\x1b"


def test_plain_text_is_returned_unchanged() -> None:
    text = "Acme Edge AI"
    assert clean(text) is text


@pytest.mark.parametrize(
    "text",
    [
        "Café Déjà Vu – Zürich",
        "北風センサー株式会社",
        "Team 🚀 rocket",
        "family 👩‍👩‍👧‍👦 and flag 🏳️‍🌈",
        "أهلا بالعالم",
    ],
)
def test_unicode_names_stay_intact(text: str) -> None:
    assert clean(text) == text
    assert clean_multiline(text) == text


def test_markup_looking_text_is_left_literal() -> None:
    # The helper does not escape markup: rendering with markup off keeps it literal.
    assert clean("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"


def test_osc52_clipboard_write_terminated_by_st_is_removed() -> None:
    assert clean(f"Acme{ESC}]52;c;ZWNobyBwd25lZA=={ESC}\\ Corp") == "Acme Corp"


def test_osc52_clipboard_write_terminated_by_bel_is_removed() -> None:
    assert clean(f"Acme{ESC}]52;c;ZWNobyBwd25lZA==\x07 Corp") == "Acme Corp"


def test_osc_title_change_is_removed() -> None:
    assert clean(f"{ESC}]0;pwned{ESC}\\Northwind") == "Northwind"


def test_unterminated_osc_drops_the_rest() -> None:
    assert clean(f"Acme{ESC}]52;c;ZWNobyBwd25lZA==") == "Acme"


def test_csi_clear_screen_is_removed() -> None:
    assert clean(f"before{ESC}[2Jafter") == "beforeafter"
    assert clean(f"{ESC}[1;31mred{ESC}[0m") == "red"


def test_eight_bit_csi_and_osc_are_removed() -> None:
    assert clean("a\x9b2Jb") == "ab"
    assert clean("a\x9d52;c;Zm9v\x9cb") == "ab"
    assert clean("a\x9d0;title\x07b") == "ab"


@pytest.mark.parametrize(
    "sequence",
    [
        f"{ESC}P1$r0m{ESC}\\",  # DCS
        f"{ESC}_Gf=100;payload{ESC}\\",  # APC (kitty graphics)
        f"{ESC}^privacy{ESC}\\",  # PM
        f"{ESC}Xstring{ESC}\\",  # SOS
        "\x90dcs\x9c",
        "\x9fapc\x9c",
        "\x9epm\x9c",
        "\x98sos\x9c",
    ],
)
def test_string_sequences_are_removed_with_their_payload(sequence: str) -> None:
    assert clean(f"left{sequence}right") == "leftright"


def test_two_character_escape_sequences_are_removed() -> None:
    assert clean(f"a{ESC}cb") == "ab"  # RIS: full reset
    assert clean(f"a{ESC}(0b") == "ab"  # line-drawing charset


def test_c0_del_and_c1_controls_are_removed() -> None:
    assert clean("a\x00b\x07c\x08d\x7fe\x85f\x9cg") == "abcdefg"
    assert ESC not in clean(f"lone {ESC}")


def test_bidi_controls_are_removed() -> None:
    assert clean("user\u202egnp.exe") == "usergnp.exe"
    assert clean("\u2066a\u2067b\u2068c\u2069\u200e\u200f\u061c\u202a\u202b\u202c\u202d") == "abc"


def test_clean_makes_one_line() -> None:
    assert clean("one\ntwo\r\nthree\tfour\rfive") == "one two three four five"


def test_clean_multiline_keeps_newlines_and_expands_tabs() -> None:
    assert clean_multiline(f"# Title\r\n\tindented{ESC}[31m\nlast\x00") == "# Title\n    indented\nlast"


def test_non_strings_are_converted() -> None:
    assert clean(None) == ""
    assert clean(12345) == "12345"
    assert clean_multiline(None) == ""
