"""The challenge set's texts (issue 27), before their gold records: written for the project.

Every person, country, city and organisation here is invented; none of the texts was copied from,
or paraphrases, a real article. Each was written for one to three constructs and is tagged with
every construct of the vocabulary it holds (`constructs`: the ones it was written for first, then
the others, as the reviews of its record found them), and some carry a trap, said in `trap`:
what a careless extractor would claim that the text does not say. `published` is the date the
article metadata gives (the anchor of relative dates); null when the text is to be read without
one.

Run it to write dataset/challenge/texts.jsonl and each text as dataset/challenge/source/ID.txt
(UTF-8, one final newline), the file its record indexes (deterministic: same content, same
bytes); ``--out DIR`` writes them elsewhere. The tags' vocabulary is schema 2.1.0's
(``annotation.constructs``): this script only reads it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SCHEMA_VERSION = "2.1.0"


def constructs() -> dict[str, str]:
    """The vocabulary of construct tags, tag -> meaning: schema 2.1.0's ``annotation.constructs``
    (read by :func:`diplomatic_visits.score.construct_vocabulary`), the one place it is kept."""
    from diplomatic_visits.score import construct_vocabulary

    return construct_vocabulary(SCHEMA_VERSION)


CONSTRUCTS = constructs()

TEXTS: list[dict[str, object]] = []


def text(
    id_: str, constructs: list[str], body: str, *, published: str | None = None, trap: str = ""
) -> None:
    """Record one text (checked: known tags, one to three sentences of plain text)."""
    unknown = set(constructs) - set(CONSTRUCTS)
    if unknown:
        raise ValueError(f"{id_}: unknown constructs {sorted(unknown)}")
    TEXTS.append(
        {"id": id_, "constructs": constructs, "published": published, "text": body, "trap": trap}
    )


# --- status: completed, under way, planned, scheduled, proposed -----------------------------
text(
    "c001",
    ["completed"],
    "President Ilsa Varn of Arvenia returned home on 14 March 2026 after a three-day state visit "
    "to Brevia, where she met King Oduran III in the capital, Castel Mar.",
    published="2026-03-15",
    trap="three days ending 14 March gives 12 March only by counting: inferred",
)
text(
    "c002",
    ["completed", "date_weekday"],
    "Kestrian Foreign Minister Pavo Renn flew back from Ostmere on Thursday after two days of "
    "talks with his Ostmeri counterpart, Lida Serov.",
    published="2026-05-09",
    trap="the year and the dates of the talks are not stated; the talks end by Thursday",
)
text(
    "c003",
    ["under_way", "date_weekday", "date_relative"],
    "Prime Minister Haldis Oure of Dunmark is in Fenmoor this week on the first visit by a "
    "Dunmarkian head of government in a decade, and will hold talks with President Amos Kell "
    "on Wednesday.",
    published="2026-06-08",
    trap="the talks are planned, the visit under way; 'in a decade' is not a date of this visit",
)
text(
    "c004",
    ["under_way", "tour", "date_weekday"],
    "Foreign Minister Sela Maro of Galdora left on Monday for a tour of the Ulmerian coast, "
    "first to Vellmark, where she will meet the king on Tuesday, and then to Port Ansel.",
    published="2026-09-14",
    trap="the Vellmark and Port Ansel stops are planned, not completed; Port Ansel has no date",
)
text(
    "c005",
    ["planned"],
    "Corvassian President Mirek Hal intends to visit Jorvale before the end of his term, his "
    "spokesman said, without giving a date.",
    published="2026-02-02",
    trap="no date: the end of his term is not given, so no latest bound can be stated",
)
text(
    "c006",
    ["planned", "hedge"],
    "Halvrian Defence Minister Tomas Ebb is expected to travel to Istren in the coming months, "
    "according to two officials who asked not to be named.",
    published="2026-04-20",
    trap="expected, from unnamed officials: not scheduled, and the officials are anonymous sources",
)
text(
    "c007",
    ["scheduled", "date_range"],
    "The Elvarian presidency announced that President Runa Dahl will pay a state visit to "
    "Marevia from 2 to 4 November 2026.",
    published="2026-10-12",
)
text(
    "c008",
    ["scheduled", "date_yearless"],
    "Wystrian Prime Minister Olek Brand will visit Solvenna on 9 August, his office said, "
    "without giving the year.",
    trap="the year is not given: a stated day without a year, not a resolved date",
)
text(
    "c009",
    ["proposed", "date_weekday"],
    "Tarvosi Foreign Minister Enna Vale proposed on Friday that her Rovanian counterpart visit "
    "Tarvos to discuss fishing rights; Rovania has not replied.",
    published="2026-01-17",
    trap="a proposal, not an invitation accepted nor a planned visit",
)
text(
    "c010",
    ["proposed", "hedge"],
    "A visit to Quennet by Lunmark's president may be on the cards, Lunmark's ambassador "
    "suggested in an interview, adding that nothing had been decided.",
    published="2026-07-03",
    trap="hedged twice ('may', 'nothing had been decided'): proposed at most, certainty possible",
)

# --- postponed, cancelled, denied, hypothetical -------------------------------------------
text(
    "c011",
    ["postponed"],
    "Brevia has postponed a visit to Arvenia by its trade minister, Colm Aster, that was "
    "scheduled for 20 May 2026, citing flooding at home; no new date was given.",
    published="2026-05-18",
    trap="no new date: the postponement has none, the old date stays as the old schedule",
)
text(
    "c012",
    ["postponed", "date_season"],
    "The Ostmeri government said the state visit of Fenmoor's president, planned for June, "
    "had been postponed to the autumn.",
    published="2026-05-02",
    trap="'the autumn' is a season; the year is the article's only by inference",
)
text(
    "c013",
    ["postponed", "scheduled", "date_yearless"],
    "A visit to Drenland by Galdoran Prime Minister Ivo Sarr, first set for 3 March 2026, will "
    "now take place on 17 March, the two governments said in a joint announcement.",
    published="2026-02-25",
    trap="the new date is stated without a year: 2026 is inferred from the first date",
)
text(
    "c014",
    ["cancelled"],
    "Jorvale's president called off his visit to Kessaly on 11 April 2026, a day before he was "
    "due to arrive, after Kessaly expelled two Jorvalian diplomats.",
    published="2026-04-12",
    trap="cancelled by the visitor's side; arrival due 12 April, by counting",
)
text(
    "c015",
    ["cancelled", "invitation", "date_relative"],
    "Marevia has withdrawn its invitation to Ulmerian Foreign Minister Petra Lund, whose visit "
    "had been due next week, the Marevian foreign ministry said.",
    published="2026-08-24",
    trap="cancelled by the host's side; 'next week' is relative and gives no day",
)
text(
    "c016",
    ["denied", "date_weekday", "date_relative"],
    "Istren's foreign ministry denied on Sunday that Defence Minister Karo Wend had visited "
    "Halvria secretly last month, calling the report fabricated.",
    published="2026-10-05",
    trap="the visit is denied: never recorded as completed; the report's source unnamed",
)
text(
    "c017",
    ["denied", "date_weekday"],
    "No visit by the Pellavian president to Zendara is planned, his spokeswoman said on "
    "Tuesday, responding to rumours in the Zendaran press.",
    published="2026-03-12",
    trap="a denial of a plan; the rumours give no date and no source",
)
text(
    "c018",
    ["hypothetical", "date_weekday"],
    "Aldermark's prime minister would visit Corvasse if the border dispute were settled, "
    "she told parliament on Wednesday.",
    published="2026-11-20",
    trap="a conditional visit: neither planned nor proposed",
)
text(
    "c019",
    ["hypothetical", "invitation"],
    "Solvenna's king has said he would accept an invitation to Wystria once a new government "
    "is formed there, but none has been extended.",
    published="2026-06-30",
    trap="no invitation exists; the king's acceptance is hypothetical",
)

# --- invitations ------------------------------------------------------------------------------
text(
    "c020",
    ["invitation", "not_a_visit", "date_relative"],
    "During a phone call on 5 February 2026, Rovanian President Elin Moss invited Tarvosi "
    "Prime Minister Jon Arle to visit Rovania this year.",
    published="2026-02-06",
    trap="the call itself is not a visit; the invitation is extended, not accepted",
)
text(
    "c021",
    ["invitation", "scheduled"],
    "Quennet's foreign minister, Mara Lisk, has accepted an invitation from Lunmark and will "
    "travel to its capital, Aster Bay, on 21 September 2026.",
    published="2026-09-01",
)
text(
    "c022",
    ["invitation", "planned", "cancelled", "two_visits"],
    "Zendara's president has declined an invitation to attend the coronation in Pellavia, "
    "sending his deputy, Vice-President Ora Tal, instead.",
    published="2026-05-28",
    trap="two visits: the president's declined, the vice-president's planned",
)
text(
    "c023",
    ["invitation", "organisation"],
    "The Secretary-General of the Northern Maritime Council, Hedda Varga, has invited the "
    "foreign ministers of Brevia and Arvenia to the council's seat in Lorne for talks in "
    "January.",
    published="2026-11-30",
    trap="'January' is without a year; the year after the article is inferred, not stated",
)

# --- tours, return visits, third countries, not visits -------------------------------------
text(
    "c024",
    ["tour", "completed", "date_range"],
    "Between 3 and 8 May 2026, Elvarian Foreign Minister Dag Sund toured three Ulmerian "
    "cities: Vellmark, Port Ansel and Calder.",
    published="2026-05-09",
    trap="the order of the stops is stated only as listed; the per-stop dates are not given",
)
text(
    "c025",
    ["tour", "scheduled"],
    "Fenmoorian President Amos Kell will begin a tour of the Marevian islands in "
    "Teller on 1 July 2026, go on to Harrow on 3 July and end in Skal on 5 July.",
    published="2026-06-10",
    trap="three planned legs with their own dates; the end of the last stop is not stated",
)
text(
    "c026",
    ["tour", "begun", "date_weekday"],
    "Kessalian Prime Minister Ada Roon arrived in Drenholm, the second stop of her tour of "
    "Drenland, on Friday, after two days in the port city of Sallow.",
    published="2026-04-18",
    trap="Sallow is completed; the Drenholm stop has begun and nothing says it has ended (begun, "
    "not under way); the Friday's date is not stated",
)
text(
    "c027",
    ["return_visit", "completed", "begun", "two_visits"],
    "Ostmeri President Lida Serov arrived in Kestria on 30 June 2026, returning the state visit "
    "Kestria's president made to Ostmere in 2024.",
    published="2026-06-30",
    trap="two visits: the 2024 one is completed with year precision; the 2026 one has begun "
    "(arrived), its end not said",
)
text(
    "c028",
    ["return_visit", "planned", "completed", "two_visits"],
    "Having hosted Galdora's prime minister in March, Drenland's prime minister said he would "
    "pay a return visit before the end of the year.",
    published="2026-04-04",
    trap="the March visit's year is inferred from the article; the return visit has only a bound",
)
text(
    "c029",
    ["third_country", "completed"],
    "The foreign ministers of Arvenia and Brevia met in Halvria's capital, Noss, on 9 October "
    "2026 for talks mediated by the Halvrian government.",
    published="2026-10-10",
    trap="both ministers visit Halvria; neither visits the other's country",
)
text(
    "c030",
    ["third_country", "joint_statement", "completed", "date_weekday"],
    "Meeting on neutral ground in Istren on Monday, the presidents of Corvasse and Jorvale "
    "issued a joint statement pledging to reopen their embassies.",
    published="2026-02-10",
    trap="the statement is joint; the Monday's date is not given",
)
text(
    "c031",
    ["not_a_visit", "planned"],
    "The leaders of Pellavia and Zendara spoke by telephone on 14 January 2026 and agreed to "
    "meet in person later in the year.",
    published="2026-01-15",
    trap="a phone call is not a visit; the in-person meeting has no place and only a year",
)
text(
    "c032",
    ["not_a_visit", "cancelled"],
    "Instead of travelling to Solvenna, as first planned, Wystrian Foreign Minister Nils Harte "
    "will hold a video conference with his Solvennan counterpart on 22 June 2026.",
    published="2026-06-15",
    trap="the visit is cancelled (replaced); the video conference is not a visit",
)

# --- multilateral, organisations, regional leaders, delegations ----------------------------
text(
    "c033",
    ["multilateral", "begun"],
    "Leaders of the eight member states of the Union of Coastal States gathered in Marevia's "
    "capital, Teller, on 12 May 2026 for the union's annual summit.",
    published="2026-05-12",
    trap="the eight states are not named; do not invent the list",
)
text(
    "c034",
    ["multilateral", "completed"],
    "President Ilsa Varn of Arvenia attended the Union of Coastal States summit in Teller and "
    "held talks there with Marevian Prime Minister Eskil Dorn.",
    published="2026-05-14",
    trap="the summit's dates are not given in this text",
)
text(
    "c035",
    ["organisation", "completed"],
    "The head of the Continental Health Agency, Director-General Nuri Osk, visited refugee "
    "camps in northern Galdora on 2 and 3 August 2026.",
    published="2026-08-04",
    trap="the visitor is the head of an organisation, not of a state",
)
text(
    "c036",
    ["organisation", "scheduled", "date_weekday"],
    "Aldermark's prime minister will receive the president of the Eastern Development Bank, "
    "Farid Lenz, in Aldport on Thursday, her office said on 16 November 2026.",
    published="2026-11-16",
    trap="Thursday after 16 November 2026 is 19 November: inferred from the weekday and the date",
)
text(
    "c037",
    ["regional_leader", "completed", "delegation"],
    "The governor of Rovania's Tarn province, Bela Stark, led a trade mission to Kestria's "
    "port of Elm on 8 September 2026.",
    published="2026-09-09",
    trap="a regional leader, not a head of state or government",
)
text(
    "c038",
    ["regional_leader", "return_visit", "completed", "date_weekday", "two_visits"],
    "Mayor Oskar Pell of Aster Bay, Lunmark's capital, hosted the mayor of Quennet City on "
    "Tuesday, a year after his own visit to Quennet.",
    published="2026-07-23",
    trap="the earlier visit's date is 'a year' before: year precision at best, inferred",
)
text(
    "c039",
    ["delegation", "begun"],
    "A Brevian delegation led by Deputy Prime Minister Aila Fenn and including the ministers of "
    "energy and transport arrived in Arvenia on 6 January 2026.",
    published="2026-01-06",
    trap="the two ministers are members by office; their names are not given",
)
text(
    "c040",
    ["delegation", "scheduled", "date_relative"],
    "Drenland will send a delegation of lawmakers to Galdora next month, the speaker of its "
    "parliament said.",
    published="2026-03-20",
    trap="'next month' resolves to April 2026 only against the article's date: inferred",
)

# --- agreements, joint statements, reporting chains, hedges --------------------------------
text(
    "c041",
    ["agreement", "completed"],
    "During the visit, Arvenian and Brevian ministers signed a visa-waiver agreement and a "
    "memorandum on student exchanges.",
    published="2026-03-15",
    trap="'the visit' is not identified in this text: do not import c001's visit",
)
text(
    "c042",
    ["agreement", "scheduled", "date_relative"],
    "Ostmere and Kestria expect to sign a fisheries agreement when President Lida Serov visits "
    "Kestria next week, an Ostmeri official said.",
    published="2026-06-22",
    trap="the agreement is expected, not signed",
)
text(
    "c043",
    ["agreement", "denied", "completed"],
    "Fenmoor's foreign ministry denied that any defence pact had been signed during its "
    "president's visit to Marevia, contradicting a report in a Marevian newspaper.",
    published="2026-07-08",
    trap="the pact is denied; the newspaper's claim is reported, not endorsed",
)
text(
    "c044",
    ["joint_statement", "completed"],
    "In a joint statement at the end of the visit, Halvria and Istren said they 'share a "
    "commitment to open sea lanes' and would hold annual consultations.",
    published="2026-10-01",
    trap="only the quoted words are verbatim",
)
text(
    "c045",
    ["reporting_chain", "scheduled"],
    "The Corvassian broadcaster CVN, citing an official quoted by the news agency Arvo, said "
    "President Mirek Hal would visit Jorvale in October.",
    published="2026-09-03",
    trap="the chain: official -> Arvo -> CVN; the official is unnamed",
)
text(
    "c046",
    ["reporting_chain", "hedge", "proposed", "date_season"],
    "Zendara's prime minister reportedly told party colleagues that he might visit Pellavia "
    "in the spring, according to the newspaper Zendar Post, which cited two people present.",
    published="2026-01-28",
    trap="hedged ('reportedly', 'might'); the spring is a season, its year inferred",
)
text(
    "c047",
    ["hedge", "proposed"],
    "Aldermark's king could travel to Corvasse as early as next month, a palace source said, "
    "though the palace has not confirmed any plans.",
    published="2026-02-14",
    trap="'as early as next month' is an earliest bound, not a date",
)

# --- dates -----------------------------------------------------------------------------------
text(
    "c048",
    ["date_weekday", "completed"],
    "Solvennan Foreign Minister Edda Rask met Wystria's president in Harlow on Tuesday.",
    published=None,
    trap="no article date: the Tuesday cannot be resolved; a stated weekday only",
)
text(
    "c049",
    ["date_season", "scheduled"],
    "The Tarvosi prime minister will visit Rovania in the spring of 2027, the two governments "
    "agreed.",
    published="2026-10-30",
)
text(
    "c050",
    ["date_yearless", "completed"],
    "Marevian President Eskil Dorn met the Ulmerian king in Calder on 12 September, the royal "
    "court said.",
    published=None,
    trap="no year and no article date: a stated day without a year",
)
text(
    "c051",
    ["date_range", "completed"],
    "The foreign ministers of Brevia and Galdora held talks in Noss between 3 and 6 June, the "
    "Halvrian hosts said.",
    published="2026-06-08",
    trap="the talks span those days; the year is inferred from the article",
)
text(
    "c052",
    ["date_range", "agreement", "completed"],
    "The trade accord was signed at some point between 10 and 14 March 2026, during Prime "
    "Minister Ivo Sarr's stay in Drenholm, a ministry spokesman said.",
    published="2026-03-20",
    trap="the signing is one day between those bounds, not an interval",
)
text(
    "c053",
    ["date_relative", "scheduled"],
    "Lunmark's president will travel to Quennet next month, his office said on 20 September 2026.",
    published="2026-09-20",
    trap="next month is October 2026, inferred from the date of the office's statement",
)
text(
    "c054",
    ["date_relative", "completed", "invitation"],
    "Last week, Kestria's defence minister visited troops stationed in Ostmere at Ostmere's "
    "invitation.",
    published=None,
    trap="'last week' with no article date cannot be resolved",
)
text(
    "c055",
    ["date_relative", "date_weekday", "scheduled"],
    "Fenmoor's president arrives in Dunmark tomorrow and will meet Prime Minister Haldis Oure "
    "on Thursday.",
    published="2026-06-09",
    trap="tomorrow is 10 June 2026 (inferred); Thursday after 9 June 2026 is 11 June",
)

# --- two visits, corrections -------------------------------------------------------------------
text(
    "c056",
    ["two_visits", "completed", "scheduled"],
    "Galdora's foreign minister visited Drenland on 2 April 2026, and Drenland's defence "
    "minister will go to Galdora in May.",
    published="2026-04-03",
    trap="two visits in opposite directions; May's year inferred",
)
text(
    "c057",
    ["two_visits", "cancelled", "completed"],
    "While the Brevian king's visit to Arvenia was cancelled, his daughter, Princess Sel, went "
    "ahead with her own visit to the Arvenian port of Castel Vey on 9 May 2026.",
    published="2026-05-10",
    trap="the king's visit cancelled, no reason given; the princess's completed",
)
text(
    "c058",
    ["correction", "completed"],
    "An earlier version of this report said Prime Minister Haldis Oure had visited Fenmoor on "
    "5 June 2026; she visited on 8 June.",
    published="2026-06-12",
    trap="the 5 June date is wrong by the text's own correction: only 8 June stands",
)
text(
    "c059",
    ["correction", "denied", "completed"],
    "Istren's embassy corrected reports that its foreign minister had met Halvria's president "
    "during her visit on 4 October 2026: she met the prime minister.",
    published="2026-10-06",
    trap="the meeting with the president is denied; the meeting with the prime minister stands",
)

# --- traps mixing constructs ------------------------------------------------------------------
text(
    "c060",
    ["completed", "hedge"],
    "Arvenia's president is believed to have visited Brevia quietly in late 2025, diplomats in "
    "Castel Mar said, though neither government has commented.",
    published="2026-01-12",
    trap="believed: certainty possible, not a completed fact; 'late 2025' is a year with a hedge",
)
text(
    "c061",
    ["postponed", "date_relative", "hedge"],
    "The visit by Ulmerian Prime Minister Rolf Ahn to Marevia has been put off to next year, "
    "possibly longer, officials in Teller said.",
    published="2026-11-05",
    trap="'next year' is 2027 (inferred) and 'possibly longer' makes even that uncertain",
)
text(
    "c062",
    ["invitation", "delegation", "scheduled", "date_range"],
    "At the invitation of Kessaly's parliament, a Jorvalian parliamentary delegation of five "
    "led by Speaker Ana Roth will visit Kessaly from 14 to 17 October 2026.",
    published="2026-10-01",
    trap="five members, only the head named: do not invent the others",
)
text(
    "c063",
    ["organisation", "multilateral", "date_range", "scheduled"],
    "The Northern Maritime Council's ministers meet in Lorne from 2 to 3 December 2026, with "
    "Secretary-General Hedda Varga as host.",
    published="2026-11-25",
    trap="a meeting of an organisation's members at its seat: the visitors are unnamed ministers",
)
text(
    "c064",
    ["cancelled", "reporting_chain"],
    "Pellavia's state news agency, quoting the foreign ministry, said the president's visit to "
    "Zendara on 3 May 2026 had been cancelled by Zendara.",
    published="2026-04-29",
    trap="cancelled by the host's side, as reported through a chain: ministry -> agency",
)


def main(argv: list[str] | None = None) -> None:
    """Write DIR/texts.jsonl (one text a line, sorted by id) and each text as DIR/source/ID.txt."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "dataset" / "challenge",
        help="the folder to write (default: the dataset's challenge folder)",
    )
    out = parser.parse_args(argv).out
    ids = [t["id"] for t in TEXTS]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate ids")
    missing = set(CONSTRUCTS) - {c for t in TEXTS for c in t["constructs"]}  # type: ignore[attr-defined]
    if missing:
        raise ValueError(f"constructs with no text: {sorted(missing)}")
    folder = out / "source"
    folder.mkdir(parents=True, exist_ok=True)
    for t in TEXTS:  # one file a text, for records to index (UTF-8, a final newline)
        (folder / f"{t['id']}.txt").write_text(f"{t['text']}\n", encoding="utf-8")
    lines = [
        json.dumps(t, ensure_ascii=False, sort_keys=True)
        for t in sorted(TEXTS, key=lambda t: str(t["id"]))
    ]
    (out / "texts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
