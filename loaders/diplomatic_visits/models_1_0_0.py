# Generated from the llm profile of schema 1.0.0 by datamodel-code-generator:
# do not edit; regenerate with `python -m diplomatic_visits._codegen`.

from __future__ import annotations

from typing import Literal

from diplomatic_visits._model_base import ProfileModel
from pydantic import ConfigDict, StrictInt, StrictStr


class Actor(ProfileModel):
    """
    Someone who acts or is acted upon: a person, organisation, state, media outlet or an unnamed group.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    id: StrictStr
    """
    Identifier unique within the record. Convention: `a_` + snake_case name, for example `a_kim_jong_un`.
    """
    kind: Literal["person", "organization", "state", "media", "group"]
    """
    What sort of actor this is.

    - `person`: a named individual
    - `organization`: a named institution, government body or company (for example the Kremlin)
    - `state`: a country acting as a political entity (for example 'North Korea' offering support)
    - `media`: a news outlet or agency, or media collectively (for example KCNA, 'Russian state media')
    - `group`: an unnamed or collective set of people (for example 'officials and experts', a delegation)
    """
    name: StrictStr
    """
    Canonical name in English, in the form the article uses when it is a proper name (`Kim Jong-un`), else a short description (`officials and experts`).
    """
    titles: list[Title]
    """
    Titles and roles the text gives the actor, each with evidence; empty when none.
    """
    country: Country | None
    """
    The actor's country; null when neither the text nor safe knowledge gives one.
    """
    mentions: list[StrictStr]
    """
    Every stretch of the article that refers to this actor (names, titles, pronouns where unambiguous).
    """


class Article(ProfileModel):
    """
    The article the record describes.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    title: StrictStr
    """
    The headline as it appears in the text.
    """
    language: StrictStr
    """
    BCP 47 tag of the shipped text's language.
    """
    machine_translated: Literal["yes", "likely", "no", "unknown"]
    """
    Whether the text looks machine-translated.

    - `yes`: known to be machine-translated
    - `likely`: shows the typical errors of machine translation
    - `no`: known to be original-language text
    - `unknown`: cannot tell
    """


class Codes(ProfileModel):
    """
    Crosswalk codes to standard event ontologies. These are normalisations by the annotator, explained in the codebook.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    plover_event: Literal["CONSULT", "AGREE"] | None
    """
    PLOVER event type. A visit that happened or is happening is CONSULT; a future visit or an invitation is AGREE.

    - `CONSULT`: PLOVER CONSULT: a meeting or visit that took place
    - `AGREE`: PLOVER AGREE: an agreement or announced intent, used for planned visits
    """
    plover_mode: Literal["visit", "third-party", "multilateral", "phone"] | None
    """
    PLOVER mode of the event.

    - `visit`: actor travels to the recipient
    - `third-party`: meeting at a third location
    - `multilateral`: many parties
    - `phone`: by telephone or video
    """
    cameo: StrictStr | None
    """
    CAMEO event code as a string (keep leading zeros): `042` make a visit, `043` host a visit, `044` meet at a third location, `036` express intent to meet, `040` consult, not specified.
    """


class Country(ProfileModel):
    """
    A country, as an ISO 3166-1 alpha-3 code, with its basis.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    code: StrictStr
    """
    ISO 3166-1 alpha-3 code in capitals, for example `PRK` (North Korea), `RUS`, `KOR` (South Korea).
    """
    basis: Literal["stated", "inferred", "knowledge"]
    """
    Where the country comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning; `inferred_from` says how and `evidence` points at the words used
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    """
    inferred_from: StrictStr | None
    """
    For `inferred` or `knowledge`: how the country was reached. Null when stated.
    """


class Note(ProfileModel):
    """
    A short piece of text taken from the article about an object (a purpose, a topic, a characterisation), with its evidence.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    text: StrictStr
    """
    A short normalised phrase in English, close to the article's words.
    """


class Outcome(ProfileModel):
    """
    A result of the visit, or a result that was denied.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    id: StrictStr
    """
    Identifier unique within the record. Convention: `o_` + short name.
    """
    kind: Literal["agreement_signed", "agreement_denied", "agreement_announced", "invitation", "other"]
    """
    What sort of outcome.

    - `agreement_signed`: an agreement is reported as signed
    - `agreement_denied`: a party denies that an agreement was signed
    - `agreement_announced`: an agreement is announced but not (yet) signed
    - `invitation`: an invitation is extended
    - `other`: another result (say what in `description`)
    """
    description: StrictStr
    """
    One sentence saying what the outcome is.
    """
    sub_event: StrictStr | None
    """
    The `id` of a sub-event the outcome belongs to defined in this record.
    """
    asserted_by: list[StrictStr]
    """
    Statements that assert or deny this outcome.
    """
    evidence: list[StrictStr]
    """
    Spans of the article that state the outcome. Empty only when nothing in the text can be pointed at (say why in the record's notes).
    """


class PartialDate(ProfileModel):
    """
    A date that may be known only to the month or year, or not at all, with where it came from. `value` is ISO 8601 reduced to the precision (EDTF style): `2023-09-17` (day), `2023-09` (month), `2023` (year), or null (unknown).
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    value: StrictStr | None
    """
    The date in ISO 8601 form reduced to `precision`; null when `precision` is `unknown`.
    """
    precision: Literal["day", "month", "year", "unknown"]
    """
    How much of the date is known.

    - `day`: year, month and day are known: `YYYY-MM-DD`
    - `month`: year and month are known: `YYYY-MM`
    - `year`: only the year is known: `YYYY`
    - `unknown`: the date is not known; `value` is null
    """
    basis: Literal["stated", "inferred", "knowledge", "unknown"]
    """
    Where the date comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning; `inferred_from` says how and `evidence` points at the words used
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    - `unknown`: the date is unknown (`precision` is `unknown`)
    """
    inferred_from: StrictStr | None
    """
    For `inferred` or `knowledge`: how the value was reached, naming the words used (for example: 'weekday Tuesday + September 12 -> 2023, the only such year in the president's term'). Null when stated.
    """
    text: StrictStr | None
    """
    The date as the article writes it, verbatim (for example `Sunday (September 17)`); null when the article gives none.
    """
    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] | None
    """
    The weekday the article names, if any; it must agree with `value` (a semantic check).

    - `monday`: Monday
    - `tuesday`: Tuesday
    - `wednesday`: Wednesday
    - `thursday`: Thursday
    - `friday`: Friday
    - `saturday`: Saturday
    - `sunday`: Sunday
    """


class Place(ProfileModel):
    """
    A location the article names.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    id: StrictStr
    """
    Identifier unique within the record. Convention: `p_` + snake_case name.
    """
    name: StrictStr
    """
    Name in English as the article gives it.
    """
    kind: Literal["country", "region", "city", "site", "unspecified"]
    """
    What sort of place.

    - `country`: a sovereign state's territory
    - `region`: a sub-national or supra-national area (a province, 'Russia's Far East')
    - `city`: a city, town or village
    - `site`: a building, facility or other point location (a cosmodrome, a railway station)
    - `unspecified`: the text and safe knowledge do not settle the kind
    """
    within: StrictStr | None
    """
    The `id` of a place containing this one, when the text says so (`Artyom, in Russia's Far East`) defined in this record.
    """
    country: Country | None
    """
    The country the place lies in (for a country, itself).
    """
    mentions: list[StrictStr]
    """
    Every stretch of the article that names this place.
    """


class PlaceRef(ProfileModel):
    """
    A reference to a place of this record, with its basis.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    place: StrictStr
    """
    The `id` of a place defined in this record.
    """
    basis: Literal["stated", "inferred", "knowledge"]
    """
    Where the link to the place comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning; `inferred_from` says how and `evidence` points at the words used
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    """
    inferred_from: StrictStr | None
    """
    For `inferred` or `knowledge`: how the place was reached. Null when stated.
    """


class Record(ProfileModel):
    """
    One record per news article: the visits, summits and delegations it reports, their sub-events and outcomes, the statements made about them, the actors and places involved, and the evidence for each value as spans of the article. This is the `extraction` level, for extraction outputs: spans may be quotes without offsets and the annotation block is optional. Gold records meet `record.verified.schema.json`.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    schema_version: Literal["1.0.0"]
    """
    The schema version the record conforms to.
    """
    article: Article
    actors: list[Actor]
    """
    Every actor involved in the visits and statements.
    """
    places: list[Place]
    """
    Every place involved in the visits.
    """
    visits: list[Visit]
    """
    Every visit, summit or delegation the article mentions.
    """
    statements: list[Statement]
    """
    Every statement, claim and assessment about the visits.
    """


class Statement(ProfileModel):
    """
    Something an actor said, claimed or assessed about a visit or sub-event, as the article reports it.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    id: StrictStr
    """
    Identifier unique within the record. Convention: `s_` + short name.
    """
    kind: Literal["claim", "assessment", "announcement", "denial", "pledge", "condemnation"]
    """
    What sort of statement.

    - `claim`: an assertion of fact
    - `assessment`: an evaluation or prediction (often by unnamed officials or experts)
    - `announcement`: a statement of a future event or plan
    - `denial`: a denial of a claim
    - `pledge`: a promise or offer
    - `condemnation`: a criticism or condemnation
    """
    speaker: StrictStr
    """
    The `id` of a actor who made the statement (a group actor for unnamed sources) defined in this record.
    """
    reported_via: StrictStr | None
    """
    The `id` of a actor through whom the article says it learned the statement (`according to Russian state media`); null when the article reports it directly defined in this record.
    """
    date: PartialDate
    """
    When the statement was made; precision `unknown` when not given.
    """
    mode: Literal["direct_quote", "partial_quote", "paraphrase"]
    """
    How the article renders the statement.

    - `direct_quote`: the whole statement is quoted verbatim
    - `partial_quote`: a paraphrase with a verbatim quoted part
    - `paraphrase`: reported speech with no quotation
    """
    quote: StrictStr | None
    """
    The verbatim quoted words, without the surrounding quotation marks, exactly as in the article; null for a paraphrase.
    """
    paraphrase: StrictStr
    """
    What was said, in plain English, close to the article; for a direct quote, a one-line summary.
    """
    about: list[StrictStr]
    """
    The visits and sub-events the statement is about, when the text ties it to them. Empty when the statement concerns the subject only by context (say so in the record's sentence notes).
    """
    evidence: list[StrictStr]
    """
    Spans of the article that state the statement (the reporting sentence). Empty only when nothing in the text can be pointed at (say why in the record's notes).
    """


class Status(ProfileModel):
    """
    The state of a visit as of the article's writing.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    value: Literal["planned", "under_way", "completed", "cancelled", "postponed", "unknown"]
    """
    The status.

    - `planned`: announced or agreed but not yet begun as of the article
    - `under_way`: begun and not yet ended as of the article
    - `completed`: held and ended
    - `cancelled`: called off
    - `postponed`: moved to a later, possibly unknown, time
    - `unknown`: the text does not say
    """
    basis: Literal["stated", "inferred", "knowledge"]
    """
    Where the status comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning; `inferred_from` says how and `evidence` points at the words used
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    """
    inferred_from: StrictStr | None
    """
    For `inferred`: the words and reasoning (for example 'ended his 6-day trip' -> completed). Null when stated.
    """


class SubEvent(ProfileModel):
    """
    Something that happened, or is to happen, inside a visit: an arrival, a meeting, a ceremony, a departure.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    id: StrictStr
    """
    Identifier unique within the record. Convention: `e_` + short name.
    """
    kind: Literal["arrival", "departure", "meeting", "ceremony", "signing", "tour", "banquet", "press_conference", "other"]
    """
    What sort of sub-event.

    - `arrival`: the visitor arrives
    - `departure`: the visitor leaves
    - `meeting`: talks between named participants
    - `ceremony`: a welcome, farewell, wreath-laying or similar formal ceremony
    - `signing`: a signing of agreements
    - `tour`: a visit to a site
    - `banquet`: a state dinner or reception
    - `press_conference`: a joint or single press appearance
    - `other`: anything else (say what in `description`)
    """
    description: StrictStr
    """
    One sentence in plain English saying what happened, close to the article.
    """
    participants: list[StrictStr]
    """
    Actors taking part, each an actor `id`.
    """
    place: PlaceRef | None
    """
    Where it happened; null when the text does not say.
    """
    date: PartialDate
    """
    When it happened.
    """
    topics: list[Note]
    """
    What was discussed or marked, in the article's words.
    """
    features: list[Note]
    """
    Notable elements the article describes (for example a military band playing anthems).
    """
    evidence: list[StrictStr]
    """
    Spans of the article that state the sub-event. Empty only when nothing in the text can be pointed at (say why in the record's notes).
    """


class Title(ProfileModel):
    """
    A title or role the article gives an actor, as of the article's events.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    text: StrictStr
    """
    The title as the article words it, for example `Russian Natural Resources Minister`.
    """


class Transport(ProfileModel):
    """
    How someone travelled.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    mode: Literal["train", "air", "road", "sea", "other", "unknown"]
    """
    Means of travel.

    - `train`: rail
    - `air`: aircraft
    - `road`: car, bus or motorcade
    - `sea`: ship or boat
    - `other`: another means (say which in `text`)
    - `unknown`: travel is mentioned but not the means
    """
    leg: Literal["outbound", "return", "within", "unspecified"]
    """
    Which part of the journey.

    - `outbound`: the journey to the destination
    - `return`: the journey back
    - `within`: travel inside the destination
    - `unspecified`: the text does not say
    """
    text: StrictStr
    """
    The article's words for it, for example `armored train`.
    """


class Visit(ProfileModel):
    """
    A visit, summit or delegation the article mentions, past, present or announced.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    id: StrictStr
    """
    Identifier unique within the record. Convention: `v_` + short name.
    """
    kind: Literal["state_visit", "official_visit", "working_visit", "unspecified_visit", "summit", "delegation", "other"]
    """
    What sort of visit.

    - `state_visit`: called a state visit by the text
    - `official_visit`: called an official visit by the text
    - `working_visit`: called a working visit by the text
    - `unspecified_visit`: a visit or trip the text does not classify
    - `summit`: a meeting of heads of state or government, where the text does not say who travelled to whom
    - `delegation`: a delegation of officials or experts, not led by a head of state
    - `other`: anything else (say what in `description`)
    """
    description: StrictStr
    """
    One sentence in plain English saying who went where and why, close to the article.
    """
    visitors: list[StrictStr]
    """
    The actors who travel (PLOVER `actor`). Empty when the text does not say who travelled.
    """
    hosts: list[StrictStr]
    """
    The actors received (PLOVER `recipient`): the host state and its representatives. Empty when the text does not say.
    """
    origin: PlaceRef | None
    """
    Where the visitors came from; null when not known.
    """
    destination: PlaceRef | None
    """
    Where the visitors went; for a summit whose text does not say who travelled, the venue. Null when not known.
    """
    start: PartialDate
    """
    When the visit began (arrival).
    """
    end: PartialDate
    """
    When the visit ended (departure).
    """
    duration_days: StrictInt | None
    """
    Length in days when the text states it (`6-day trip`); null otherwise. Counted inclusively from start to end when both are known to the day (a semantic check).
    """
    status: Status
    purposes: list[Note]
    """
    Why the visit was made, as the text says (`to strengthen ties with Russia`).
    """
    topics: list[Note]
    """
    Subjects discussed during the visit (`economic and military cooperation`).
    """
    transport: list[Transport]
    """
    How the visitors travelled.
    """
    characterizations: list[Note]
    """
    What the article says about the visit as a whole in its own voice (`longest international trip since taking power in late 2011`).
    """
    codes: Codes
    sub_events: list[SubEvent]
    """
    Arrivals, meetings, ceremonies, departures inside the visit.
    """
    outcomes: list[Outcome]
    """
    Results of the visit, including denied ones.
    """
    evidence: list[StrictStr]
    """
    Spans of the article that state the visit. Empty only when nothing in the text can be pointed at (say why in the record's notes).
    """


# The fields whose items the canonical schema requires to be unique (its uniqueItems, which
# the profile drops because no engine takes it): ProfileModel refuses a duplicate in them.
Outcome.unique_items = ("asserted_by",)
Statement.unique_items = ("about",)
SubEvent.unique_items = ("participants",)
Visit.unique_items = ("visitors", "hosts",)


# The descriptions of array items (a quote, an id), which the generated fields have no place
# for: ProfileModel writes them into model_json_schema()'s items.
Actor.item_descriptions = {"mentions": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article."}
Outcome.item_descriptions = {"asserted_by": "The `id` of a statement defined in this record.", "evidence": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article."}
Place.item_descriptions = {"mentions": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article."}
Statement.item_descriptions = {"about": "The `id` of a visit or sub-event defined in this record.", "evidence": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article."}
SubEvent.item_descriptions = {"participants": "The `id` of a actor defined in this record.", "evidence": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article."}
Visit.item_descriptions = {"visitors": "The `id` of a actor defined in this record.", "hosts": "The `id` of a actor defined in this record.", "evidence": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article."}
