"""Grounding: each quote placed by its words, its typography, its object's other spans or the
order of the answer, with a status, and never by a guess."""

from __future__ import annotations

from typing import Any

from diplomatic_visits.grounding import ground


def visits(*evidence: list[str]) -> dict[str, Any]:
    return {
        "schema_version": "1.1.0",
        "visits": [{"evidence": [{"quote": q} for q in ev]} for ev in evidence],
    }


def placed(record: dict[str, Any], text: str) -> list[tuple[str, str, int | None]]:
    out = [(p.json_path, p.status, p.start) for p in ground(record, text)]
    for v in record["visits"]:
        for span in v["evidence"]:
            if "start" in span:
                assert text[span["start"] : span["end"]] == span["quote"]
    return out


def test_a_quote_that_occurs_once_is_exact_and_one_not_in_the_text_is_not_found() -> None:
    text = "Ana Vell arrived in Lorimar."
    record = visits(["Ana Vell arrived", "Ben Oru left"])
    assert placed(record, text) == [
        ("$.visits[0].evidence[0]", "exact", 0),
        ("$.visits[0].evidence[1]", "not_found", None),
    ]
    assert record["visits"][0]["evidence"][1] == {"quote": "Ben Oru left"}


def test_other_typography_places_the_text_s_own_words() -> None:
    text = "Ana Vell said \u201cyes\u201d \u2014 twice."
    record = visits(['said "yes" - twice'])
    assert placed(record, text) == [("$.visits[0].evidence[0]", "typography", 9)]
    assert record["visits"][0]["evidence"][0]["quote"] == "said \u201cyes\u201d \u2014 twice"


def test_a_repeated_quote_is_placed_in_the_lines_of_its_object_s_other_spans() -> None:
    text = (
        "Ana Vell arrived in Lorimar and went to the palace.\n"
        "Ben Oru, who flew to Quomar, also saw the palace.\n"
    )
    record = visits(["Ben Oru, who flew to Quomar", "the palace"], ["the palace", "Ana Vell"])
    got = placed(record, text)
    assert got[1] == ("$.visits[0].evidence[1]", "context", text.rindex("the palace"))
    assert got[2] == ("$.visits[1].evidence[0]", "context", text.index("the palace"))


def test_a_repeated_quote_is_placed_between_its_neighbours_in_the_answer() -> None:
    text = "A Vell said yes. B Oru said yes. C Sen said no."
    record = visits(["A Vell said", "said yes", "C Sen said"])
    got = placed(record, text)
    assert got[1] == ("$.visits[0].evidence[1]", "order", text.index("said yes", 10))


def test_the_same_words_used_as_often_as_the_text_holds_them_go_in_order() -> None:
    text = "Ana Vell spoke first. Later Ana Vell left."
    record = visits(["Ana Vell"], ["Ana Vell"])
    assert placed(record, text) == [
        ("$.visits[0].evidence[0]", "order", 0),
        ("$.visits[1].evidence[0]", "order", text.rindex("Ana Vell")),
    ]


def test_nothing_is_placed_by_a_guess() -> None:
    text = "Ana Vell spoke. Ana Vell left. Ana Vell came back."
    record = visits(["Ana Vell"], ["Ana Vell"])  # two uses, three occurrences
    assert [s for _, s, _ in placed(record, text)] == ["ambiguous", "ambiguous"]
    assert record["visits"][0]["evidence"][0] == {"quote": "Ana Vell"}
    many = "x. " * 300
    record = visits(["x."] * 300)  # more uses than the candidates looked at
    assert {s for _, s, _ in placed(record, many)} == {"ambiguous"}


def test_spans_with_offsets_are_left_to_the_validator() -> None:
    record = visits([])
    record["visits"][0]["evidence"] = [{"start": 3, "end": 5, "quote": "zz"}]
    assert ground(record, "Ana") == []
    assert record["visits"][0]["evidence"][0] == {"start": 3, "end": 5, "quote": "zz"}


def test_a_quote_that_occurs_thousands_of_times_is_placed_in_its_object_s_line() -> None:
    text = "".join(f"Line {i}: Ana Vell met Ben Oru.\n" for i in range(3000))
    record = visits(["Line 1234:", "Ana Vell met Ben Oru."])
    got = placed(record, text)
    line = text.index("Line 1234:")
    assert got[1] == ("$.visits[0].evidence[1]", "context", line + len("Line 1234: "))
