# Generated from the llm profile of schema 2.1.0 by datamodel-code-generator:
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
    kind: Literal["person", "unnamed_person", "organization", "state", "media", "group"]
    """
    What sort of actor this is.

    - `person`: a named individual
    - `unnamed_person`: one individual the text does not name but identifies by an office or role (`Zendara's president`, `his spokeswoman`); `name` is that description as the text gives it
    - `organization`: a named institution, government body or company (for example the Kremlin)
    - `state`: a country acting as a political entity (for example 'North Korea' offering support)
    - `media`: a news outlet or agency, or media collectively (for example KCNA, 'Russian state media')
    - `group`: an unnamed or collective set of people (for example 'officials and experts', a delegation)
    """
    name: StrictStr
    """
    Canonical name in English, in the form the article uses when it is a proper name (`Kim Jong-un`), else a short description (`officials and experts`). For an `unnamed_person`, the office or role as the text gives it (`Pellavian president`).
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
    Every stretch of the article that refers to this actor (names, titles, pronouns where unambiguous), except in sentences the record leaves out (annotation.sentences with disposition `left_out` or `boilerplate`), whose words support nothing.
    """
    member_of: list[Membership] | None
    """
    The group actors this actor is among (Kozlov among 'senior Russian government officials'), each a reading of the text with its basis.
    """
    represents: Representation | None
    """
    The state the actor acts for, when the text says or implies it and it matters beside `country` (nationality).
    """


class Agreement(ProfileModel):
    """
    What the text says of an agreement: its title, type, signatories and sectors.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    title: StrictStr | None
    """
    The agreement's title as the text gives it.
    """
    type: Literal["memorandum", "treaty", "contract", "joint_statement", "declaration", "agreement", "other"]
    """
    What sort of agreement.

    - `memorandum`: a memorandum of understanding
    - `treaty`: a treaty
    - `contract`: a contract
    - `joint_statement`: a joint statement
    - `declaration`: a declaration
    - `agreement`: an agreement the text names only as such (`a visa-waiver agreement`)
    - `other`: another sort (say what in the outcome's `description`)
    """
    signatories: list[StrictStr]
    """
    Who signed it, as the text says.
    """
    sectors: list[Note]
    """
    The sectors it covers (trade, energy, ...).
    """


class Article(ProfileModel):
    """
    The article the record describes.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    title: StrictStr | None
    """
    The headline as it appears in the text; null when it has none (`headline` `none`).
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
    headline: Literal["given", "none"] | None
    """
    Whether the text has a headline. Leave it out when it has one.

    - `given`: it has one; `title` and `title_span` point at it
    - `none`: it has none; `title` is null and so is `title_span`, also at the verified level
    """


class Codes(ProfileModel):
    """
    Crosswalk codes to standard event ontologies. These are normalisations by the annotator, explained in the codebook.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    plover_event: Literal["CONSULT", "AGREE", "SUPPORT", "COOPERATE", "REQUEST", "REJECT", "ACCUSE"] | None
    """
    PLOVER event type (openeventdata/PLOVER, manual 2.0). A visit that happened or is happening is CONSULT; a future visit, an invitation or an agreement to meet is AGREE.

    - `CONSULT`: meetings and visits that took place, hosting included
    - `AGREE`: agreements, offers and promises, and consultations reported in the future tense: planned visits and invitations
    - `SUPPORT`: support and approval, and signing or ratifying an agreement
    - `COOPERATE`: material cooperation or exchange begun or expanded
    - `REQUEST`: requests and demands
    - `REJECT`: rejections and refusals; a refused or cancelled visit or meeting
    - `ACCUSE`: disapproval, criticism and condemnation (CAMEO's DISAPPROVE, 11x)
    """
    plover_mode: Literal["visit", "third-party", "multilateral", "phone", "meet", "disapprove"] | None
    """
    PLOVER mode of the event: CONSULT's modes, and the modes of REJECT and ACCUSE a visit article needs. AGREE has no mode in PLOVER: null.

    - `visit`: CONSULT: actor travels to the recipient, who hosts
    - `third-party`: CONSULT: meeting hosted by a third party
    - `multilateral`: CONSULT: meeting in a multilateral setting (an alliance, an IGO)
    - `phone`: CONSULT: by telephone or another remote medium
    - `meet`: REJECT (or REQUEST): about meetings and negotiations
    - `disapprove`: ACCUSE: express disapproval, condemn, complain
    """
    cameo: StrictStr | None
    """
    CAMEO event code as a string (keep leading zeros): `042` make a visit, `043` host a visit, `044` meet at a third location, `036` express intent to meet, `040` consult, `057` sign a formal agreement, `111` criticize or denounce, `125` reject a proposal to meet.
    """


class Country(ProfileModel):
    """
    A country, as an ISO 3166-1 alpha-3 code, with its basis.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    code: Literal["ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF", "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS", "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF", "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV", "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA", "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM", "GAB", "GBR", "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD", "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN", "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ", "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE", "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX", "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS", "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL", "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK", "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP", "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR", "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL", "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY", "USA", "UZB", "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "XKX", "YEM", "ZAF", "ZMB", "ZWE"]
    """
    ISO 3166-1 alpha-3 code, one of the officially assigned codes (generated from pycountry, held equal to iso3166) or XKX (Kosovo, the user-assigned code in common use), for example `PRK` (North Korea), `RUS`, `KOR` (South Korea). A country with no code (an invented one, a former state) is given as null with the name in the owner's `name`.
    """
    basis: Literal["stated", "inferred", "inferred_with_knowledge", "knowledge"]
    """
    Where the country comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning alone; `inferred_from` says how and `evidence` points at the words used
    - `inferred_with_knowledge`: derived from the text by reasoning with at least one step of world knowledge (the year of a date the text gives without one, from who held an office then); `inferred_from` names that step
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    """
    inferred_from: StrictStr | None
    """
    For `inferred`, `inferred_with_knowledge` or `knowledge`: how the country was reached. Null when stated.
    """


class Delegation(ProfileModel):
    """
    The delegation that travels: who leads it and who is in it, as the text says.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    head: StrictStr | None
    """
    The `id` of the actor the text says leads the delegation. Leave it out when the text names none.
    """
    members: list[DelegationMember]
    """
    The members the text names.
    """


class DelegationMember(ProfileModel):
    """
    A member of a delegation and the role the text gives.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    actor: StrictStr
    """
    The `id` of the member, an actor defined in this record.
    """
    role: StrictStr | None
    """
    The role the text gives the member, close to its words (`experts from the trade sector`).
    """


class Invitation(ProfileModel):
    """
    At whose invitation the visit is made, as the text says.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    by: list[StrictStr]
    """
    Who invited.
    """


class Leg(ProfileModel):
    """
    One stop of a trip that takes in several countries or cities, in the order travelled.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    place: PlaceRef
    """
    Where the stop is.
    """
    venue: PlaceRef | None
    """
    A venue of the stop distinct from its city (a palace, a resort, a summit centre), when the text names one.
    """
    start: PartialDate
    """
    Arrival at the stop.
    """
    end: PartialDate
    """
    Departure from the stop.
    """
    id: StrictStr | None
    """
    Identifier unique within the record, when a sub-event names the leg. Convention: `l_` + short name.
    """
    status: Status | None
    """
    The stop's own status as of the article, when it differs from the visit's (a tour under way whose next stops are planned).
    """


class Level(ProfileModel):
    """
    How the text classes the visit.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    value: Literal["state", "official", "working", "private", "transit", "summit"]
    """
    The level.

    - `state`: a state visit
    - `official`: an official visit
    - `working`: a working visit
    - `private`: a private visit
    - `transit`: a stop on the way elsewhere
    - `summit`: attendance at a multilateral summit or conference
    """
    basis: Literal["stated", "inferred", "inferred_with_knowledge", "knowledge"]
    """
    Where the level comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning alone; `inferred_from` says how and `evidence` points at the words used
    - `inferred_with_knowledge`: derived from the text by reasoning with at least one step of world knowledge (the year of a date the text gives without one, from who held an office then); `inferred_from` names that step
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    """
    inferred_from: StrictStr | None
    """
    For `inferred`, `inferred_with_knowledge` or `knowledge`: how the level was reached, naming the words used and any step of world knowledge. Null when stated.
    """


class Membership(ProfileModel):
    """
    Membership of a group actor: who is among whom, with how the text supports it.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    group: StrictStr
    """
    The `id` of the group actor.
    """
    basis: Literal["stated", "inferred", "inferred_with_knowledge", "knowledge"]
    """
    Where the membership comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning alone; `inferred_from` says how and `evidence` points at the words used
    - `inferred_with_knowledge`: derived from the text by reasoning with at least one step of world knowledge (the year of a date the text gives without one, from who held an office then); `inferred_from` names that step
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    """
    inferred_from: StrictStr | None
    """
    For `inferred`, `inferred_with_knowledge` or `knowledge`: how the membership was reached, naming the words used and any step of world knowledge. Null when stated.
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
    A result of the visit: reported as fact, or (certainty) expected, possible, alleged or denied.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    id: StrictStr
    """
    Identifier unique within the record. Convention: `o_` + short name.
    """
    kind: Literal["agreement_signed", "agreement_denied", "agreement_announced", "invitation", "exchange", "other"]
    """
    What sort of outcome.

    - `agreement_signed`: an agreement is reported as signed
    - `agreement_denied`: a party denies that an agreement was signed
    - `agreement_announced`: an agreement is announced but not (yet) signed
    - `invitation`: an invitation is extended
    - `exchange`: a transfer or trade between the parties (arms, technology, goods, aid)
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
    certainty: Literal["reported", "expected", "possible", "alleged", "denied"] | None
    """
    How the text puts the outcome. Leave it out for one the text reports as fact.

    - `reported`: the text reports it as fact
    - `expected`: said to be going to happen
    - `possible`: said to be possible (`could`, `may`)
    - `alleged`: claimed by some, not established
    - `denied`: denied by a party
    """
    parties: list[StrictStr] | None
    """
    The actors the outcome binds or involves, as the text says.
    """
    agreement: Agreement | None
    """
    For an agreement: what the text says of it.
    """
    codes: Codes | None
    """
    Crosswalk codes of the outcome as an event (a signing: SUPPORT, `057`).
    """


class PartialDate(ProfileModel):
    """
    A date as precise as the text and no more, with where it came from. `value` is an EDTF string (ISO 8601-2) of this schema's profile; `precision` names its finest unit and `basis` where it comes from, independently (a stated year-less day is `XXXX-08-09`, `day`, `stated`).
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    value: StrictStr | None
    """
    The date as far as the record resolves it, an EDTF string (ISO 8601-2) of this schema's profile: `2023-09-17`, `2019-04`, `2023`, `2023-23` (autumn), `XXXX-08-09` (9 August, year not given), `XXXX-XX-XX` (a day named only by its weekday), `2023-06-03/2023-06-06` (a span), `2023-06-03/..` (still going on), `2023-06-03/` (end not given), `2023-06-10~` (about), `2023-06-10?` (uncertain). Null when nothing of the date is known.
    """
    precision: Literal["day", "season", "month", "year", "unknown"]
    """
    The finest unit the value gives (for a span, of its endpoints; the coarser if they differ). It says nothing of where the date comes from (that is `basis`).

    - `day`: a day (`2023-09-17`, `XXXX-08-09`, `XXXX-XX-XX`)
    - `month`: a month (`2019-04`, `XXXX-08`)
    - `season`: a season (`2023-23`)
    - `year`: a year (`2023`)
    - `unknown`: `value` is null
    """
    basis: Literal["stated", "inferred", "inferred_with_knowledge", "knowledge", "unknown"]
    """
    Where the date comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning alone; `inferred_from` says how and `evidence` points at the words used
    - `inferred_with_knowledge`: derived from the text by reasoning with at least one step of world knowledge (the year of a date the text gives without one, from who held an office then); `inferred_from` names that step
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    - `unknown`: the value is not known, and the text does not say it is unknown (`value` null; `absence` left out or `not_given`; unresolved relative words stay in `text` and `relative`)
    """
    inferred_from: StrictStr | None
    """
    For `inferred`, `inferred_with_knowledge` or `knowledge`: how the value was reached, naming the words used (for example: 'weekday Tuesday + September 12 -> 2023, the only such year in the president's term'). Null when stated.
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
    written: StrictStr | None
    """
    The date as the text gives it, in the same EDTF profile, with what the text leaves out left out: `XXXX-09-12` (12 September, no year), `XXXX-08` (August), `2019-04`, `XXXX-06-03/XXXX-06-06` (between 3 and 6 June). Leave it out when the text gives no date. It must be a possible date (no 30 February) and agree with `value`.
    """
    earliest: StrictStr | None
    """
    The first day the date can be, when the text bounds it more closely than `precision` says (`2023-09-12` for a meeting between 12 and 15 September, whose `value` is `2023-09`). `XXXX-06-03` when the year is not given. Leave it out otherwise. It lies inside `value`, and `earliest` is not after `latest` (a semantic check).
    """
    latest: StrictStr | None
    """
    The last day the date can be, when the text bounds it more closely than `precision` says (`2023-09-12` for a meeting between 12 and 15 September, whose `value` is `2023-09`). `XXXX-06-03` when the year is not given. Leave it out otherwise. It lies inside `value`, and `earliest` is not after `latest` (a semantic check).
    """
    relative: Relative | None
    """
    A date the text gives relative to another (`next month`, `last Tuesday`, `in two weeks`): the words stay in `text`; this says how to resolve them. With a resolved `value`, the basis is `inferred` and the value must equal the anchor moved by `offset` units.
    """
    absence: Literal["not_given", "not_announced", "not_known"] | None
    """
    Why `value` is null. Leave it out when a value is given.

    - `not_given`: the text does not give the date (basis `unknown`, the default)
    - `not_announced`: the text says it has not been announced or set (basis `stated`; `evidence` quotes the words)
    - `not_known`: the text says it is not known (basis `stated`)
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
    Every stretch of the article that names this place, except in sentences the record leaves out (annotation.sentences with disposition `left_out` or `boilerplate`), whose words support nothing.
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
    basis: Literal["stated", "inferred", "inferred_with_knowledge", "knowledge"]
    """
    Where the link to the place comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning alone; `inferred_from` says how and `evidence` points at the words used
    - `inferred_with_knowledge`: derived from the text by reasoning with at least one step of world knowledge (the year of a date the text gives without one, from who held an office then); `inferred_from` names that step
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    """
    inferred_from: StrictStr | None
    """
    For `inferred`, `inferred_with_knowledge` or `knowledge`: how the place was reached. Null when stated.
    """


class Record(ProfileModel):
    """
    One record per news article: the visits, summits and delegations it reports, their sub-events and outcomes, the statements made about them, the actors and places involved, and the evidence for each value as spans of the article. This is the `extraction` level, for extraction outputs: spans may be quotes without offsets and the annotation block is optional. Gold records meet `record.verified.schema.json`.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    schema_version: Literal["2.1.0"]
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


class Relative(ProfileModel):
    """
    A date the text gives relative to another (`next month`, `last Tuesday`, `in two weeks`): the words stay in `text`; this says how to resolve them. With a resolved `value`, the basis is `inferred` and the value must equal the anchor moved by `offset` units.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    offset: StrictInt
    """
    How many units after (positive) or before (negative) the anchor: `next month` is 1.
    """
    unit: Literal["day", "week", "month", "year", "weekday"]
    """
    The unit of `offset`.

    - `day`: days
    - `week`: weeks
    - `month`: calendar months
    - `year`: calendar years
    - `weekday`: occurrences of the date's `weekday` (`on Tuesday` said of the past in a Thursday's article: -1, the last Tuesday before; 0: the anchor day itself)
    """
    anchor: Literal["published"]
    """
    The date it counts from.

    - `published`: the article's publication date (`article.source.published`)
    """


class Representation(ProfileModel):
    """
    The state an official acts for, as distinct from their nationality.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    state: StrictStr
    """
    The `id` of the state actor.
    """
    basis: Literal["stated", "inferred", "inferred_with_knowledge", "knowledge"]
    """
    Where the representation comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning alone; `inferred_from` says how and `evidence` points at the words used
    - `inferred_with_knowledge`: derived from the text by reasoning with at least one step of world knowledge (the year of a date the text gives without one, from who held an office then); `inferred_from` names that step
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    """
    inferred_from: StrictStr | None
    """
    For `inferred`, `inferred_with_knowledge` or `knowledge`: how the representation was reached, naming the words used and any step of world knowledge. Null when stated.
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
    The `id` of an actor who made the statement (a group actor for unnamed sources) defined in this record.
    """
    reported_via: StrictStr | None
    """
    The `id` of an actor through whom the article says it learned the statement (`according to Russian state media`) defined in this record; null when the article reports it directly.
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
    The visits, sub-events and outcomes the statement is about, and the actors it is about, when the text ties it to them. Empty when the statement concerns the subject only by context (say so in the record's sentence notes).
    """
    evidence: list[StrictStr]
    """
    Spans of the article that state the statement (the reporting sentence). Empty only when nothing in the text can be pointed at (say why in the record's notes).
    """
    co_speakers: list[StrictStr] | None
    """
    For a joint statement: the other speakers, besides `speaker`.
    """
    relayed_by: list[StrictStr] | None
    """
    Earlier links of the reporting chain, nearest the speaker first: `Yonhap said, citing KCNA, that Kim said ...` gives speaker Kim, `reported_via` Yonhap and `relayed_by` [KCNA]. Needs `reported_via`.
    """
    addressees: list[StrictStr] | None
    """
    Whom the statement is addressed to, when the text says.
    """
    modality: Literal["asserted", "hedged", "denied"] | None
    """
    How the speaker puts the claim.

    - `asserted`: stated as fact or as a firm plan (`will`, `is`)
    - `hedged`: put as possible or conditional (`could`, `may`, a conditional `would`); a `would` that only reports a future (`said it would visit`) is not a hedge
    - `denied`: denied (`denied that`)
    """
    codes: Codes | None
    """
    Crosswalk codes of the statement as an event (an accusation, a rejection, a pledge of support).
    """


class Status(ProfileModel):
    """
    The state of a visit as of the article's writing.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    value: Literal["proposed", "invited", "planned", "scheduled", "under_way", "begun", "completed", "cancelled", "postponed", "unknown"]
    """
    The status.

    - `proposed`: suggested by one side, not agreed
    - `invited`: an invitation was extended, not (yet) accepted
    - `planned`: announced or agreed but not yet begun as of the article
    - `scheduled`: planned with a date fixed
    - `under_way`: begun and not yet ended as of the article
    - `begun`: begun; the text does not say whether it has ended
    - `completed`: held and ended
    - `cancelled`: called off
    - `postponed`: moved to a later, possibly unknown, time
    - `unknown`: the text does not say
    """
    basis: Literal["stated", "inferred", "inferred_with_knowledge", "knowledge", "unknown"]
    """
    Where the status comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning alone; `inferred_from` says how and `evidence` points at the words used
    - `inferred_with_knowledge`: derived from the text by reasoning with at least one step of world knowledge (the year of a date the text gives without one, from who held an office then); `inferred_from` names that step
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    - `unknown`: the text says nothing of the status (`value` `unknown`)
    """
    inferred_from: StrictStr | None
    """
    For `inferred`: the words and reasoning (for example 'ended his 6-day trip' -> completed). Null when stated.
    """


class StatusEvent(ProfileModel):
    """
    What someone said the status of a visit was at some time: the steps of an announced, postponed or cancelled visit, each with who said it and as of when.
    """

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
    )
    value: Literal["proposed", "invited", "planned", "scheduled", "under_way", "begun", "completed", "cancelled", "postponed", "unknown"]
    """
    The status said.

    - `proposed`: suggested by one side, not agreed
    - `invited`: an invitation was extended, not (yet) accepted
    - `planned`: announced or agreed but not yet begun as of the article
    - `scheduled`: planned with a date fixed
    - `under_way`: begun and not yet ended as of the article
    - `begun`: begun; the text does not say whether it has ended
    - `completed`: held and ended
    - `cancelled`: called off
    - `postponed`: moved to a later, possibly unknown, time
    - `unknown`: the text does not say
    """
    as_of: PartialDate
    """
    When the status held, or was said; precision `unknown` when not given.
    """
    announced_by: list[StrictStr]
    """
    Who announced or reported this status. Empty when the article says it in its own voice.
    """
    confirmation: Literal["confirmed", "unconfirmed", "denied"] | None
    """
    Whether the other side is reported to agree. Leave it out when there is no other side to confirm.

    - `confirmed`: the other side is reported to confirm it
    - `unconfirmed`: the text reports it from one side only (announced by one side, not confirmed by the other)
    - `denied`: the other side is reported to deny it
    """
    confirmed_by: list[StrictStr] | None
    """
    Who is reported to confirm (or deny) the status.
    """
    start: PartialDate | None
    """
    The start this status gives the visit, when the text says: the date it is scheduled for, the new date of a postponed visit. Not for `cancelled`.
    """
    reason: StrictStr | None
    """
    For `cancelled` or `postponed`: the reason the text gives, close to its words.
    """
    decided_by: list[StrictStr] | None
    """
    For `cancelled` or `postponed`: who called it off or put it back, as the text says.
    """
    basis: Literal["stated", "inferred", "inferred_with_knowledge", "knowledge"]
    """
    Where the status comes from.

    - `stated`: the text says it; `evidence` quotes the words
    - `inferred`: derived from the text by reasoning alone; `inferred_from` says how and `evidence` points at the words used
    - `inferred_with_knowledge`: derived from the text by reasoning with at least one step of world knowledge (the year of a date the text gives without one, from who held an office then); `inferred_from` names that step
    - `knowledge`: a normalisation from general world knowledge, not from the text (for example the ISO code of a city's country); `inferred_from` names the knowledge used
    """
    inferred_from: StrictStr | None
    """
    For `inferred`, `inferred_with_knowledge` or `knowledge`: how the status was reached, naming the words used and any step of world knowledge. Null when stated.
    """
    certainty: Literal["reported", "expected", "possible", "alleged", "denied"] | None
    """
    How the announcement puts it, as for outcomes.

    - `reported`: as fact
    - `expected`: as expected
    - `possible`: as possible
    - `alleged`: as alleged by someone
    - `denied`: as denied
    """
    modality: Literal["asserted", "hedged", "denied"] | None
    """
    How the announcer words it, as for statements.

    - `asserted`: without hedging
    - `hedged`: with hedging (may, could, reportedly)
    - `denied`: as a denial
    """
    announced_in: list[StrictStr] | None
    """
    The statements of this record that announce the status.
    """
    relayed_by: list[StrictStr] | None
    """
    Who passed the announcement on between `announced_by` and `reported_via`, nearest the source first (`an official quoted by Arvo`: Arvo).
    """
    reported_via: StrictStr | None
    """
    The outlet the article cites for the announcement (`the broadcaster, citing ...`).
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
    codes: Codes | None
    """
    Crosswalk codes of the sub-event as an event (a signing ceremony: SUPPORT, `057`; a meeting: CONSULT).
    """
    leg: StrictStr | None
    """
    The `id` of the leg (of the same visit) the sub-event happens on.
    """
    status: Status | None
    """
    The sub-event's own status as of the article (`where she will meet the king on Tuesday`: planned).
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
    level: Level | None
    """
    How the text classes the visit (state, official, working, ...); leave it out when the text does not.
    """
    invitation: Invitation | None
    """
    Who invited the visitors, when the text says.
    """
    delegation: Delegation | None
    """
    Who leads the travelling party and who is in it.
    """
    venue: PlaceRef | None
    """
    Where the visit's business takes place, when distinct from the destination city (a palace, a resort, a summit centre).
    """
    legs: list[Leg] | None
    """
    For a tour of several countries or cities: the stops, in the order travelled (a semantic check holds them to their dates). Leave it out for a visit to one place.
    """
    status_history: list[StatusEvent] | None
    """
    The statuses the text reports over time, oldest first: announced, postponed, cancelled, each with who said it and as of when. `status` stays the status as of the article.
    """


# The fields whose items the canonical schema requires to be unique (its uniqueItems, which
# the profile drops because no engine takes it): ProfileModel refuses a duplicate in them.
Agreement.unique_items = ("signatories",)
Invitation.unique_items = ("by",)
Outcome.unique_items = ("asserted_by", "parties",)
Statement.unique_items = ("about", "co_speakers", "relayed_by", "addressees",)
StatusEvent.unique_items = ("announced_by", "confirmed_by", "decided_by", "announced_in", "relayed_by",)
SubEvent.unique_items = ("participants",)
Visit.unique_items = ("visitors", "hosts",)


# The descriptions of array items (a quote, an id), which the generated fields have no place
# for: ProfileModel writes them into model_json_schema()'s items.
Actor.item_descriptions = {"mentions": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article."}
Agreement.item_descriptions = {"signatories": "The `id` of an actor defined in this record."}
Invitation.item_descriptions = {"by": "The `id` of an actor defined in this record."}
Outcome.item_descriptions = {"asserted_by": "The `id` of a statement defined in this record.", "evidence": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article.", "parties": "The `id` of an actor defined in this record."}
Place.item_descriptions = {"mentions": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article."}
Statement.item_descriptions = {"about": "The `id` of a visit, sub-event, outcome or actor defined in this record.", "evidence": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article.", "co_speakers": "The `id` of an actor defined in this record.", "relayed_by": "The `id` of an actor defined in this record.", "addressees": "The `id` of an actor defined in this record."}
StatusEvent.item_descriptions = {"announced_by": "The `id` of an actor defined in this record.", "confirmed_by": "The `id` of an actor defined in this record.", "decided_by": "The `id` of an actor defined in this record.", "announced_in": "The `id` of a statement defined in this record.", "relayed_by": "The `id` of an actor defined in this record."}
SubEvent.item_descriptions = {"participants": "The `id` of an actor defined in this record.", "evidence": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article."}
Visit.item_descriptions = {"visitors": "The `id` of an actor defined in this record.", "hosts": "The `id` of an actor defined in this record.", "evidence": "The quote: The exact characters of the source text, copied verbatim: same punctuation, curly quotes and garbled words as the article. Copy enough words that they occur only once in the article."}
