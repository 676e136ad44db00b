"""People's names, as police write them.

spaCy's small English model tags names in ordinary prose, but in police notes it calls half of them
places or organisations and misses the rest: `HUGHES, Daniel`, `CRAIG HUGHES`, `daniel hughes`,
`Mr Hughes`, `'Tiny'`, `Bethan ap Gwyn`, `Łukasz`. So a name here is a run of capitalised words that
the rules below accept, with the model's tags (part of speech, dependency, PERSON) as one piece of
evidence and the lexicon (lexicon.py: common words, proper nouns, given names, places) as another:

1. `SURNAME, Given` and nicknames in quotes ("known as 'Tiny'", "'Smudge' would..."), by their shape;
2. a run after a title or rank (Mr, Mrs, DS, PC...): a name, the title outside it;
3. other runs, unless they name a thing — a place (unless beside a surname: Connor Lyle, Mrs Barnes), an
   organisation, a law or scheme (Clare's Law), an operation, an acronym, a brand (BikeSafe), a thing
   named before its noun (the Oscar Kilo framework) — or follow an article (the Samaritans) or "in"
   (in Moss Side): two or more words with one that is no common word; a single word that is no common
   word, or a given name the model reads as a proper noun;
4. names in lower case: name-like words are capitalised in a copy of the text for the model to read;
5. every other mention of a word of a name found ("Elif Chen ... Elif had moved").

A possessive ('s) is outside the name. A word in capitals alone (RIPA) is no name unless named elsewhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from presidio_analyzer import EntityRecognizer, RecognizerResult

from debrief.anonymiser.lexicon import (
    ACRONYMS,
    MONTHS_AND_DAYS,
    NOT_NAME_WORDS,
    ORGANISATIONS,
    PARTICLES,
    TITLES,
    Lexicon,
)

PERSON = "PERSON"
# What is named after someone with a possessive: Clare's Law, Raneem's Law, New Year's Eve, Barnardo's Homes.
NAMED_AFTER_SOMEONE = {"law", "act", "bill", "scheme", "review", "report", "inquiry", "eve", "day", "homes",
                       "hospital", "hospice", "school", "college", "church", "house", "fund", "trust", "foundation"}
SCORE = 0.85

# A word of letters (apostrophes and hyphens inside): Smith-Jones, O'Neill, Barnes's. Never part of a token
# with digits (12AB3456).
WORD = re.compile(r"(?<![\w'’-])[^\W\d_](?:(?:[^\W\d_]|['’-])*[^\W\d_])?(?![\w-])")
POSSESSIVE = re.compile(r"['’]s$")
SENTENCE_BREAK = re.compile(r"(?:^|[.!?:;\n–—(\[\"“‘]|\s-)\s*$")
ARTICLES = {"a", "an", "the"}
NAME_PREFIX = re.compile(r"(?:Mc|Mac|Fitz|De|Di|Da|La|Le|Van|Von|O)[A-Z]")
# Before a single capitalised word, these make it a place: "in Greyford", "across Southmere".
LOCATIVES = {"in", "across", "throughout", "around", "within"}
# Lower-case nouns after a capitalised word that make it the name of a thing: "the Oscar Kilo framework".
THINGS = {
    "framework", "frameworks", "scheme", "schemes", "model", "workshop", "workshops", "bag", "bags", "livery",
    "training", "course", "courses", "programme", "system", "systems", "software", "app", "tool", "toolkit",
    "kit", "device", "devices", "standard", "standards", "accreditation", "network", "project", "initiative",
    "campaign", "approach", "method", "protocol", "checklist", "form", "forms", "guidance", "policy", "process",
    "radio", "radios", "camera", "cameras", "footage", "licence", "certificate", "qualification", "database",
    "platform", "award", "principles", "test", "tests", "drug", "product", "products", "vehicle", "vehicles",
    "station", "estate", "area", "campus",
}
# Family and others a name is given beside: "her son Kacper", "the victim's daughter, Hope", "Blessing, her niece".
RELATIONS = {
    "son", "daughter", "brother", "sister", "mother", "father", "mum", "dad", "stepdad", "stepmum", "stepfather",
    "stepmother", "stepson", "stepdaughter", "niece", "nephew", "cousin", "aunt", "auntie", "uncle",
    "grandmother", "grandfather", "grandson", "granddaughter", "nan", "gran", "grandma", "grandad", "husband",
    "wife", "partner", "boyfriend", "girlfriend", "fiancé", "fiancée", "friend", "neighbour", "child", "baby",
    "twin", "sibling", "carer", "lodger", "flatmate",
}
INITIALS = re.compile(r"(?<![\w.])((?:[A-Z]\.){2,3})(?![\w])")
# Dotted abbreviations that are no initials.
DOTTED = {"uk", "us", "usa", "eu", "un", "am", "pm", "eg", "ie", "nb", "ps", "pto", "rsvp", "dob", "aka", "qc", "kc",
          "jp", "mp", "gp", "po", "hm", "bc", "ad", "vs", "rip", "tv", "dc", "op", "no"}
LOWER_CASE_TITLE = re.compile(r"\b(?:mr|mrs|ms|miss|dr)\.?\s+([a-z][a-z'’-]+)(?:\s+([a-z][a-z'’-]+))?")
# A nickname between a given name and a surname: Kyle 'K-Dog' Harrington.
NICKNAME_INSIDE = re.compile(r"\s['‘\"“][^'’\"”\n]{1,25}['’\"”]\s")
NAME_ROLES = {"nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj", "attr", "dative"}
SURNAME_FIRST = regex.compile(
    r"(?<![\w'’-])(\p{Lu}[\p{Lu}'’-]*\p{Lu}(?:\s\p{Lu}[\p{Lu}'’-]*\p{Lu})?),\s(\p{Lu}\p{Ll}[\w'’-]*(?:\s\p{Lu}\p{Ll}[\w'’-]*)?)")
NICKNAME = re.compile(
    r"(?:\b(?:known\s(?:\w+\s){0,3}as|aka|a\.k\.a\.?|nicknamed|called|alias|goes\sby|street\sname)\s+)"
    r"['‘\"“]([^'’\"”\n]{1,30}?)['’\"”]", re.IGNORECASE)
QUOTED_NAME = regex.compile(r"(?<![\w'’])['‘\"“](\p{Lu}[\p{Ll}'’-]+(?:\s\p{Lu}[\p{Ll}'’-]+)?)['’\"”](?![\w'’])")
QUOTED_SUBJECT = re.compile(r"['‘\"“]([^\W\d_][\w-]*(?:\s[^\W\d_][\w-]*)?)['’\"”](?=\s+(?:would|will|was|is|had|has|said|told|did|and|who)\b)")
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")


@dataclass
class _Word:
    start: int
    end: int
    text: str

    @property
    def bare(self) -> str:
        return POSSESSIVE.sub("", self.text) if self.possessive else self.text

    @property
    def possessive(self) -> bool:
        return self.text.endswith(("'s", "’s"))

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()

    @property
    def all_capitals(self) -> bool:
        letters = [c for c in self.bare if c.isalpha()]
        return len(letters) > 1 and all(c.isupper() for c in letters)

    @property
    def lower(self) -> str:
        return self.bare.lower().replace("’", "'")


class NameRecognizer(EntityRecognizer):
    """Reads the spaCy pipeline's analysis of the text (Presidio's NLP artifacts), and runs the same
    pipeline again on the lower-case copy."""

    def __init__(self, nlp) -> None:
        self.nlp = nlp
        self.lexicon = Lexicon(nlp)
        super().__init__(supported_entities=[PERSON], supported_language="en", name="PoliceNameRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None) -> list[RecognizerResult]:
        doc = nlp_artifacts.tokens if nlp_artifacts is not None else self.nlp(text)
        spans = _Finder(text, doc, self.nlp, self.lexicon).names()
        return [RecognizerResult(PERSON, start, end, SCORE) for start, end in spans]


class _Finder:
    def __init__(self, text: str, doc, nlp, lexicon: Lexicon) -> None:
        self.text = text
        self.doc = doc
        self.nlp = nlp
        self.lexicon = lexicon
        masked = EMAIL_OR_URL.sub(lambda m: " " * len(m.group()), text)
        self.words = [_Word(m.start(), m.end(), m.group()) for m in WORD.finditer(masked)]
        self.found: list[tuple[int, int]] = []
        self.kept: list[tuple[int, int]] = []  # places, organisations, laws: never a name

    # The rules, in order ---------------------------------------------------------------------------

    def names(self) -> list[tuple[int, int]]:
        self._protect_known_phrases()
        self._surname_first()
        self._nicknames()
        self._initials()
        self._lower_case_titles()
        for run in self._runs():
            self._judge(run)
        self._lower_case()
        self._other_mentions()
        return _merged(self.text, self.found)

    def _protect_known_phrases(self) -> None:
        """Places and organisations of several words (Bury St Edmunds, Change Grow Live)."""
        words = self.words
        for i, word in enumerate(words):
            if not word.capitalised:
                continue
            for length in range(min(5, len(words) - i), 0, -1):
                last = words[i + length - 1]
                phrase = self.text[word.start:last.end]
                bare = POSSESSIVE.sub("", phrase) if last.possessive else phrase
                if self.lexicon.is_place(bare) or bare.lower().replace("’", "'") in ORGANISATIONS:
                    if length == 1 and word.lower in NOT_NAME_WORDS and i > 0 and words[i - 1].capitalised \
                            and self._joins(words[i - 1], word):
                        break  # "Rose Street": the street's word, not the town of Street
                    if not self._part_of_a_name(i, i + length - 1) and not (length == 1 and self._person_acting(word)):
                        self.kept.append((word.start, last.end))
                    break

    def _part_of_a_name(self, first: int, last: int) -> bool:
        """A place's name after a title or a given name is a surname (Mrs Barnes, Donna Barnes), and one
        before a surname a given name (Connor Lyle)."""
        words = self.words
        if first > 0 and self._joins(words[first - 1], words[first]):
            before = words[first - 1]
            if before.capitalised and not before.possessive and not before.all_capitals and (
                    before.lower.rstrip(".") in TITLES or not self.lexicon.is_common(before.bare)):
                return True
        if last + 1 < len(words) and self._joins(words[last], words[last + 1]) and not words[last].possessive:
            after = words[last + 1]
            return (after.capitalised and not self.lexicon.is_common(after.bare)
                    and after.lower not in NOT_NAME_WORDS and not self.lexicon.is_place(after.bare))
        return False

    def _person_acting(self, word: _Word) -> bool:
        """Ashley rang, Chester told: a place's name the model reads as a person doing something."""
        token = self._token(word)
        return (token is not None and token.ent_type_ == "PERSON" and token.dep_ in ("nsubj", "nsubjpass")
                and token.i + 1 < len(token.doc) and token.doc[token.i + 1].pos_ in ("VERB", "AUX")
                and token.doc[token.i + 1].is_lower)

    def _surname_first(self) -> None:
        for m in SURNAME_FIRST.finditer(self.text):
            surname, given = m.group(1), m.group(2)
            if not _all_capitals(surname) or _all_capitals(given) or not given[0].isupper():
                continue
            surname_words = surname.replace("-", " ").replace("'", " ").replace("’", " ").split()
            given_words = given.split()
            if any(w.lower() in ACRONYMS or w.lower() in NOT_NAME_WORDS for w in surname_words):
                continue
            # Keep only the given names' capitalised words that are not organisation or legal words.
            keep = 0
            for w in given_words:
                if not w[0].isupper() or w.lower() in NOT_NAME_WORDS or w.lower() in MONTHS_AND_DAYS:
                    break
                keep += 1
            if not keep:
                continue
            given = POSSESSIVE.sub("", " ".join(given_words[:keep]))  # HUGHES, Owain's solicitor
            self._add(m.start(1), m.start(2) + len(given))

    def _nicknames(self) -> None:
        """'Tiny' after "known as", a quoted word as a subject ("'Smudge' would sort him out"), and a quoted
        word that is no common word ("recorded as 'Biggie'")."""
        for pattern in (NICKNAME, QUOTED_SUBJECT):
            for m in pattern.finditer(self.text):
                if m.group(1).strip() and m.group(1)[0].isupper():
                    self._add(m.start(1), m.end(1))
        for m in QUOTED_NAME.finditer(self.text):
            words = m.group(1).split()
            if not any(w.lower() in NOT_NAME_WORDS or w.lower() in ORGANISATIONS for w in words) and any(
                    not self.lexicon.is_common(w, modern=False) for w in words):
                self._add(m.start(1), m.end(1))

    def _initials(self) -> None:
        """A person known by initials: "the child, A.B.,", "K.O. and T.B. were present"."""
        for m in INITIALS.finditer(self.text):
            letters = m.group(1).replace(".", "").lower()
            if letters not in DOTTED and letters not in ACRONYMS:
                self._add(m.start(1), m.end(1))

    def _lower_case_titles(self) -> None:
        """"voicemail left for ms nwosu": a word no list knows after a title in lower case."""
        for m in LOWER_CASE_TITLE.finditer(self.text):
            if self.lexicon.name_evidence(m.group(1)) > 0:
                end = m.end(1)
                if m.group(2) and self.lexicon.name_evidence(m.group(2)) > 0:
                    end = m.end(2)
                self._add(m.start(1), end)

    def _beside_a_relation(self, word: _Word) -> bool:
        """'her son Kacper', 'the victim's daughter, Hope', 'Blessing, her niece'."""
        before = re.search(r"(\w+)(?:,)?\s$", self.text[max(0, word.start - 30):word.start])
        if before and before.group(1).lower() in RELATIONS:
            return True
        after = re.match(r",\s(?:her|his|their|the\s\w+['’]s|[A-Z]\w+['’]s)\s(\w+)", self.text[word.end:word.end + 40])
        return after is not None and after.group(1).lower() in RELATIONS

    def _runs(self) -> list[list[_Word]]:
        """Capitalised words one space apart, through a possessive (Clare's Law, New Year's Eve) and a
        particle between two of them (Bethan ap Gwyn)."""
        runs, run = [], []
        for i, word in enumerate(self.words):
            if self._covered(word) or self._in_kept(word):
                if run:
                    runs.append(run)
                run = []
                continue
            joined = bool(run) and (self.text[run[-1].end:word.start] == " " or (
                len(run[-1].text) == 1 and run[-1].capitalised and self.text[run[-1].end:word.start] in (". ", ".")))
            particle = not word.capitalised and word.lower in PARTICLES and joined and self._particle_before_name(i)
            if word.capitalised or particle:
                if joined:
                    run.append(word)
                else:
                    if run:
                        runs.append(run)
                    run = [word]
            else:
                if run:
                    runs.append(run)
                run = []
        if run:
            runs.append(run)
        return runs

    def _particle_before_name(self, i: int) -> bool:
        """Particles (one or two: ap, van der, de la) between two capitalised words."""
        words = self.words
        for j in range(i + 1, min(i + 3, len(words))):
            if self.text[words[j - 1].end:words[j].start] != " ":
                return False
            if words[j].capitalised:
                return True
            if words[j].lower not in PARTICLES:
                return False
        return False

    def _judge(self, run: list[_Word]) -> None:
        # A possessive ends a name ("Mr Mazur's GP record"), unless what follows makes the whole a thing
        # ("Clare's Law", "New Year's Eve").
        for i, word in enumerate(run[:-1]):
            if word.possessive:
                if self._names_a_thing(run[:i + 1]) or self._followed_by_non_name(word):
                    self._phrase(run)
                    return
                self._judge(run[:i + 1])
                self._judge(run[i + 1:])
                return
        if self._names_a_thing(run):
            self._phrase(run)
            return
        # Words before a title are a run of their own; the words after it are a name.
        for i, word in enumerate(run):
            if word.lower.rstrip(".") in TITLES and i + 1 < len(run) and not word.possessive:
                j = i + 1
                while j + 1 < len(run) and run[j].lower.rstrip(".") in TITLES:
                    j += 1
                if i:
                    self._judge(run[:i])
                self._add_name(run[j:])
                return
        # Leading words that only start the sentence ("Nobody", "Good", "Under"); not a name's first word
        # ("Wei Chen").
        while run and self._sentence_start(run[0]) and self.lexicon.is_common(run[0].bare) and not (
                self._given_name_in_use(run[0])
                or (len(run) > 1 and (self._proper_noun(run[0]) or _double_given_name(run[0].bare))
                    and not self.lexicon.is_common(run[1].bare))):
            run = run[1:]
        if not run or (self._after_article(run[0]) and not self._named_case(run)):
            self._phrase(run)
            return
        if self._after_locative(run):
            return  # a place no list knows: "in Greyford", "in Moss Side"
        if len(run) > 1:
            if any(not self.lexicon.is_common(w.bare, modern=False) for w in run):
                self._add_name(run)
            else:
                self._phrase(run)
            return
        word = run[0]
        if len(word.bare) < 2 or word.lower.rstrip(".") in TITLES or word.all_capitals:
            return  # a word in capitals alone is an acronym (RIPA, HOLMES) unless named elsewhere
        # Mid-sentence, a capitalised word that WordNet alone knows is a name (Mei).
        modern = self._sentence_start(word)
        if not self.lexicon.is_common(word.bare, modern=modern) or self._given_name_in_use(word):
            self._add_name(run)

    def _phrase(self, run: list[_Word]) -> None:
        """Words of a phrase that is no name (Domestic Abuse Bill): no other name's mention."""
        if len(run) > 1:
            self.kept.extend((w.start, w.end) for w in run)

    def _lower_case(self) -> None:
        """Names in lower case ("nb spoke to elif chen ... says mark is back"): the words that could be
        names (given names, and words no list knows) are capitalised in a copy of the text, and the model
        reads the copy; what it then tags PERSON among them is a name, and so are two such words side by
        side ("megan webb")."""
        candidates = [w for w in self.words if self._lower_case_candidate(w)]
        if not candidates:
            return
        shadow = list(self.text)
        for w in candidates:
            shadow[w.start] = w.text[0].upper()
        doc = self.nlp("".join(shadow))
        in_use = [w for w in candidates if self._noun_in(doc, w)]
        for ent in doc.ents:
            if ent.label_ == "PERSON" and ent.root.dep_ in NAME_ROLES and not _determined(ent.root) and not any(
                    child.dep_ == "compound" and child.pos_ == "NOUN" and child.i < ent.start
                    and child.i == ent.start - 1 and self.lexicon.name_evidence(child.text) == 0
                    and child.lower_ not in TITLES
                    for child in ent.root.children):  # "by video link"
                words = [w for w in in_use if w.start >= ent.start_char and w.end <= ent.end_char]
                if words:
                    self._add_lower_case_name(words[0], words[-1])
        for left, right in zip(in_use, in_use[1:]):
            if (self.words.index(right) == self.words.index(left) + 1 and self._joins(left, right)
                    and self.lexicon.name_evidence(left.bare) and self.lexicon.name_evidence(right.bare)):
                self._add(left.start, self._end([right]))
        # A name alone that the model takes for a proper noun in the copy, as the subject or object of a verb,
        # with no determiner ("jo said shes scared of gary"): only a proper noun or a given name.
        for word in in_use:
            token = _token_in(doc, word)
            if (token.pos_ == "PROPN" and token.dep_ in NAME_ROLES and not _determined(token)
                    and self.lexicon.name_evidence(word.bare) == 2):
                self._add(word.start, self._end([word]))

    def _add_lower_case_name(self, first: _Word, last: _Word) -> None:
        """A name the model tagged, widened over the name-like words beside it ("elif chen")."""
        i, j = self.words.index(first), self.words.index(last)
        while i > 0 and self._joins(self.words[i - 1], self.words[i]) and self._lower_case_candidate(self.words[i - 1]):
            i -= 1
        while j + 1 < len(self.words) and self._joins(self.words[j], self.words[j + 1]) \
                and self._lower_case_candidate(self.words[j + 1]):
            j += 1
        self._add(self.words[i].start, self._end([self.words[j]]))

    def _lower_case_candidate(self, word: _Word) -> bool:
        """A word in lower case that looks like a name (name_evidence)."""
        if word.capitalised or len(word.bare) < 2 or word.lower in PARTICLES or word.lower in ACRONYMS:
            return False
        if word.lower in TITLES or len(word.text[0].upper()) != 1 or self._covered(word):
            return False
        return self.lexicon.name_evidence(word.bare) > 0 or self.lexicon.is_given_name(word.bare)

    @staticmethod
    def _noun_in(doc, word: _Word) -> bool:
        token = _token_in(doc, word)
        return token is not None and token.pos_ in ("PROPN", "NOUN")

    def _other_mentions(self) -> None:
        """Every other mention of a word of a name found: capitalised anywhere, in lower case when
        the word is no common word."""
        name_words = set()
        for start, end in self.found:
            for w in self.words:
                if w.start >= start and w.end <= end and len(w.bare) > 1 and w.lower not in PARTICLES:
                    name_words.add(w.lower)
        for w in self.words:
            if w.lower in name_words and not self._covered(w) and not self._in_kept(w):
                if self._after_determiner(w) and (w.lower in MONTHS_AND_DAYS or self.lexicon.is_common(w.bare)
                                                  or not w.capitalised):
                    continue  # "on a Sunday evening", "the robin feeder"
                if w.capitalised or not self.lexicon.is_common(w.bare):
                    if not self._followed_by_non_name(w):
                        self._add(w.start, self._end([w]))

    # Evidence ---------------------------------------------------------------------------------------

    def _names_a_thing(self, run: list[_Word]) -> bool:
        """An organisation, a law or scheme, an operation, a place, a date, an acronym, a saint's name
        (St Thomas' Hospital)."""
        if run[0].lower.rstrip(".") in ("st", "saint") and len(run) > 1:
            return True
        titled = False
        while run and run[0].lower.rstrip(".") in TITLES and len(run) > 1:
            run, titled = run[1:], True  # PCSO Lowri Beynon: the rank is no acronym; Mrs Barnes no place
        phrase = self.text[run[0].start:run[-1].end]
        if any(w.lower in NOT_NAME_WORDS for w in run):
            return True
        if any(w.lower in MONTHS_AND_DAYS for w in run) and not (
                len(run) > 1 and run[0].lower in MONTHS_AND_DAYS and not run[0].all_capitals
                and all(not self.lexicon.is_common(w.bare, modern=False) and not self.lexicon.is_place(w.bare)
                        and w.lower not in MONTHS_AND_DAYS for w in run[1:])):
            return True  # a date; but Sunday Adeyemi and April Jones are people
        if self._followed_by_non_name(run[-1]):
            return True
        if not titled and phrase.lower().replace("’", "'") in ORGANISATIONS:
            return True
        if not titled and self.lexicon.is_place(POSSESSIVE.sub("", phrase)) and not (
                len(run) == 1 and self._person_acting(run[0])):
            return True
        if len(run) == 1 and (token := self._token(run[0])) is not None and token.ent_type_ in ("NORP", "LANGUAGE") \
                and self.lexicon.is_known_word(run[0].bare):
            return True  # Romanian, Somali, Arabic (the model calls Hamish and Sean NORP too)
        if any(_brand_like(w.bare) for w in run):
            return True  # BikeSafe, MoPI, PSUs
        if self._named_thing_follows(run[-1]):
            return True  # the Oscar Kilo framework, Faraday bags
        return any((w.lower in ACRONYMS or (w.lower.endswith("s") and w.lower[:-1] in ACRONYMS))
                   and (w.all_capitals or len(run) == 1 or (len(w.bare) > 2 and w.bare[:-1].isupper()))
                   for w in run)

    def _after_article(self, word: _Word) -> bool:
        """'the Samaritans', 'a red Vauxhall Corsa': a person's name takes no article."""
        i = self.words.index(word)
        while i > 0 and self._joins(self.words[i - 1], self.words[i]) and self.words[i - 1].capitalised \
                and self._in_kept(self.words[i - 1]):
            i -= 1  # a place or a make before it: "a red Vauxhall Corsa"
        if i > 0 and self._joins(self.words[i - 1], self.words[i]) and not self.words[i - 1].capitalised:
            token = self._token(self.words[i - 1])
            if token is not None and token.pos_ == "ADJ" and self.words[i - 1].lower not in ARTICLES:
                i -= 1
        return i > 0 and self._joins(self.words[i - 1], self.words[i]) and self.words[i - 1].lower in ARTICLES

    def _after_determiner(self, word: _Word) -> bool:
        """'the robin feeder': a word in lower case after a determiner is no name."""
        i = self.words.index(word)
        return i > 0 and self.words[i - 1].lower in {"the", "a", "an", "this", "that", "his", "her", "their", "its",
                                                      "my", "our", "your"}

    def _after_locative(self, run: list[_Word]) -> bool:
        """'in Moss Side', not 'in Daniel Hughes's car' nor 'in Ashley'."""
        i = self.words.index(run[0])
        if i == 0 or self.words[i - 1].lower not in LOCATIVES or not self._joins(self.words[i - 1], run[0]):
            return False
        if run[-1].possessive:
            return False
        named = any(self.lexicon.is_given_name(w.bare) for w in run)
        return not named or (len(run) > 1 and self.lexicon.is_common(run[-1].bare))

    def _named_thing_follows(self, word: _Word) -> bool:
        i = self.words.index(word) + 1
        return (not word.possessive and i < len(self.words) and self._joins(word, self.words[i])
                and self.words[i].text in THINGS)

    def _named_case(self, run: list[_Word]) -> bool:
        """'the Sarah Everard case', 'the Hughes family': a full name before a noun takes the article."""
        if len(run) < 2:
            return False
        i = self.words.index(run[-1]) + 1
        if i >= len(self.words) or not self._joins(run[-1], self.words[i]) or self.words[i].capitalised:
            return False
        token = self._token(self.words[i])
        return token is not None and token.pos_ == "NOUN"

    def _followed_by_non_name(self, word: _Word) -> bool:
        """Clare's Law, Sarah's Law: a name in the name of a law or scheme."""
        m = re.match(r"\s+(\w+)", self.text[word.end:word.end + 30])
        return (word.possessive and m is not None and m.group(1)[0].isupper()
                and m.group(1).lower() in NAMED_AFTER_SOMEONE)

    def _given_name_in_use(self, word: _Word) -> bool:
        """A given name that is also a word (Rose, Mark), read by the model as a proper noun; or a word the
        model calls a person, as the subject of a verb ("Grace told the safeguarding lead")."""
        if not word.possessive and self._beside_a_relation(word):
            return True
        token = self._token(word)
        if token is None or token.ent_type_ in ("DATE", "TIME", "LAW", "EVENT", "ORG", "GPE"):
            return False
        given = self.lexicon.is_given_name(word.bare)
        if given and token.pos_ == "PROPN":
            return True
        return ((given or token.ent_type_ == "PERSON") and token.pos_ in ("PROPN", "NOUN")
                and token.dep_ in ("nsubj", "nsubjpass") and token.head.pos_ in ("VERB", "AUX")
                and token.i + 1 < len(token.doc) and token.doc[token.i + 1].is_alpha)

    def _proper_noun(self, word: _Word) -> bool:
        token = self._token(word)
        return token is not None and token.pos_ == "PROPN"

    def _token(self, word: _Word):
        return None if self.doc is None else _token_in(self.doc, word)

    def _add_name(self, run: list[_Word]) -> None:
        """The name's words: up to a possessive, or four words."""
        name = []
        for word in run:
            name.append(word)
            if word.possessive or len(name) == 4:
                break
        if name:
            self._add(name[0].start, self._end(name))

    def _sentence_start(self, word: _Word) -> bool:
        return SENTENCE_BREAK.search(self.text[max(0, word.start - 40):word.start]) is not None

    def _end(self, words: list[_Word]) -> int:
        last = words[-1]
        return last.start + len(last.bare) if last.possessive else last.end

    def _joins(self, left: _Word, right: _Word) -> bool:
        return self.text[left.end:right.start] == " "

    def _covered(self, word: _Word) -> bool:
        return any(start <= word.start and word.end <= end for start, end in self.found)

    def _in_kept(self, word: _Word) -> bool:
        return any(start <= word.start and word.end <= end for start, end in self.kept)

    def _add(self, start: int, end: int) -> None:
        if end > start:
            self.found.append((start, end))


def _determined(token) -> bool:
    """'an email', 'the footwell', 'her phone': a name takes no determiner."""
    return any(child.dep_ in ("det", "poss") for child in token.children)


def _token_in(doc, word: _Word):
    span = doc.char_span(word.start, word.end, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _brand_like(word: str) -> bool:
    """Capitals inside a word where a name has none (BikeSafe, MoPI, PSUs), unlike McCarthy, MacLeod,
    O'Neill, DeShawn, Smith-Jones."""
    if len(word) > 2 and word[:-1].isupper() and word[-1] == "s":
        return True  # an acronym's plural
    for part in re.split(r"[-'’]", word):
        inner = [c for c in part[1:] if c.isupper()]
        if inner and not part.isupper() and (len(inner) > 1 or not NAME_PREFIX.match(part)):
            return True
    return False


def _double_given_name(word: str) -> bool:
    """Summer-Rose, Ella-Mae: capitalised words joined by a hyphen, not in capitals."""
    parts = word.split("-")
    return len(parts) > 1 and all(p[:1].isupper() and p[1:].islower() for p in parts)


def _all_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def _merged(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans, and names one space or hyphen apart, as one."""
    merged: list[list[int]] = []
    spans = sorted(spans)
    # A nickname in quotes between two names goes into the one name: Matthew 'Matty' Kinsella.
    spans = [(s, e) for s, e in spans
             if not (0 < s and e < len(text) and text[s - 1] in "'‘\"“" and text[e] in "'’\"”"
                     and any(e2 == s - 2 for _, e2 in spans) and any(s2 == e + 2 for s2, _ in spans))]
    for start, end in spans:
        gap = text[merged[-1][1]:start] if merged else ""
        if merged and (start <= merged[-1][1] or gap in (" ", "-") or NICKNAME_INSIDE.fullmatch(gap)):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
