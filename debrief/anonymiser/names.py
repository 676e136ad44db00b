"""People's names, as police write them.

spaCy's small English model tags names in ordinary prose, but in police notes it calls half of them
places or organisations and misses the rest: `HUGHES, Daniel`, `CRAIG HUGHES`, `daniel hughes`,
`Mr Hughes`, `'Tiny'`, `Bethan ap Gwyn`, `Łukasz`. So a name here is a run of capitalised words that
the rules below accept, with the model's tags (part of speech, PERSON) as one piece of evidence:

1. `SURNAME, Given` and nicknames in quotes ("known as 'Tiny'"), by their shape;
2. a run after a title or rank (Mr, Mrs, DS, PC...): always a name, the title outside it;
3. other runs, unless they are a place, an organisation, a law or scheme, an acronym, or follow an
   article ("a red Vauxhall Corsa", "the Samaritans"): two or more words with one that is no common
   English word or is a given name; a single word that is no common word, or one the model reads as a
   proper noun in the middle of a sentence;
4. names in lower case that the model tags, widened over the unknown words beside them;
5. every other mention of a word of a name found ("Elif Chen ... Elif had moved").

A possessive ('s) is outside the name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

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
SCORE = 0.85

WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")
POSSESSIVE = re.compile(r"['’]s?$")
SENTENCE_BREAK = re.compile(r"(?:^|[.!?:;\n–—(\[\"“‘]|\s-)\s*$")
ARTICLE_BEFORE = re.compile(r"\b(?:[Aa]n?|[Tt]he|[Tt]his|[Tt]hat|[Tt]hese|[Tt]hose)\s+(?:[a-z]+\s+)?$")
SURNAME_FIRST = re.compile(
    r"(?<![\w'’-])([^\W\d_][^\W\d_'’-]*(?:\s[^\W\d_][^\W\d_'’-]*)?),\s([^\W\d_][\w'’-]*(?:\s[^\W\d_][\w'’-]*)?)")
NICKNAME = re.compile(
    r"(?:\b(?:known(?:\s\w+)?\sas|aka|a\.k\.a\.?|nicknamed|called|alias|goes\sby|street\sname)\s+)"
    r"['‘\"“]([^'’\"”\n]{1,30}?)['’\"”]", re.IGNORECASE)
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
        return self.text.endswith(("'s", "’s")) or (self.text.endswith(("'", "’")))

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
    def __init__(self, model_name: str) -> None:
        self.model_name = model_name
        self.lexicon: Lexicon | None = None
        super().__init__(supported_entities=[PERSON], supported_language="en", name="PoliceNameRecognizer")

    def load(self) -> None:
        self.lexicon = Lexicon(self.model_name)

    def analyze(self, text, entities, nlp_artifacts=None) -> list[RecognizerResult]:
        if self.lexicon is None:
            self.load()
        doc = nlp_artifacts.tokens if nlp_artifacts is not None else None
        spans = _Finder(text, doc, self.lexicon).names()
        return [RecognizerResult(PERSON, start, end, SCORE) for start, end in spans]


class _Finder:
    def __init__(self, text: str, doc, lexicon: Lexicon) -> None:
        self.text = text
        self.doc = doc
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
                    self.kept.append((word.start, last.end))
                    break

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
            end = m.start(2) + len(" ".join(given_words[:keep]))
            end -= len(POSSESSIVE.search(self.text[m.start():end]).group()) if POSSESSIVE.search(self.text[m.start():end]) else 0
            self._add(m.start(1), end)

    def _nicknames(self) -> None:
        for pattern in (NICKNAME, QUOTED_SUBJECT):
            for m in pattern.finditer(self.text):
                if m.group(1).strip() and m.group(1)[0].isupper():
                    self._add(m.start(1), m.end(1))

    def _runs(self) -> list[list[_Word]]:
        """Capitalised words one space apart (a particle such as `ap` between two of them)."""
        runs, run = [], []
        for i, word in enumerate(self.words):
            if self._covered(word) or self._in_kept(word):
                if run:
                    runs.append(run)
                run = []
                continue
            joined = bool(run) and self.text[run[-1].end:word.start] == " " and not run[-1].possessive
            particle = (not word.capitalised and word.lower in PARTICLES and joined and i + 1 < len(self.words)
                        and self.words[i + 1].capitalised and self.text[word.end:self.words[i + 1].start] == " ")
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

    def _judge(self, run: list[_Word]) -> None:
        # Words before a title are a run of their own; the words after it are a name.
        for i, word in enumerate(run):
            if word.lower.rstrip(".") in TITLES and i + 1 < len(run) and not word.possessive:
                j = i + 1
                while j < len(run) and run[j].lower.rstrip(".") in TITLES and j + 1 < len(run):
                    j += 1
                if i:
                    self._judge(run[:i])
                name = self._name_part(run[j:])
                if name:
                    self._add(name[0].start, self._end(name))
                return
        # Leading words that only start the sentence ("Nobody", "Good", "The").
        while run and self._sentence_start(run[0]) and self.lexicon.is_common(run[0].bare) and not (
                len(run) == 1 and self._model_says_person(run[0])):
            run = run[1:]
        if not run or self._not_a_name(run):
            return
        if len(run) > 1:
            if any(self._name_like(w) for w in run):
                name = self._name_part(run)
                self._add(name[0].start, self._end(name))
            return
        word = run[0]
        if len(word.bare) < 2 or (word.all_capitals and len(word.bare) < 3):
            return
        if self._name_like(word) and not word.all_capitals or (word.all_capitals and not self.lexicon.is_common(word.bare)):
            self._add(word.start, self._end([word]))
        elif not self._sentence_start(word) and self._proper_noun(word):
            self._add(word.start, self._end([word]))
        elif self._model_says_person(word):
            self._add(word.start, self._end([word]))

    def _lower_case(self) -> None:
        """Names the model tags in lower case ("nb spoke to elif chen"), widened over the words beside them
        that are no common words."""
        if self.doc is None:
            return
        for ent in self.doc.ents:
            if ent.label_ != "PERSON" or not ent.text.islower():
                continue
            words = [w for w in self.words if w.start >= ent.start_char and w.end <= ent.end_char]
            if not words or not all(self.lexicon.is_given_name(w.bare) or not self.lexicon.is_common(w.bare)
                                    for w in words):
                continue
            first = self.words.index(words[0])
            last = self.words.index(words[-1])
            while first > 0 and self._joins(self.words[first - 1], self.words[first]) and self._lower_unknown(self.words[first - 1]):
                first -= 1
            while last + 1 < len(self.words) and self._joins(self.words[last], self.words[last + 1]) and self._lower_unknown(self.words[last + 1]):
                last += 1
            self._add(self.words[first].start, self._end([self.words[last]]))

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
                if w.capitalised or not self.lexicon.is_common(w.bare):
                    if not self._followed_by_non_name(w):
                        self._add(w.start, self._end([w]))

    # Evidence ---------------------------------------------------------------------------------------

    def _not_a_name(self, run: list[_Word]) -> bool:
        phrase = self.text[run[0].start:run[-1].end]
        lowered = [w.lower for w in run]
        if any(w in NOT_NAME_WORDS or w in MONTHS_AND_DAYS for w in lowered):
            return True
        if self._followed_by_non_name(run[-1]):
            return True
        if phrase.lower() in ORGANISATIONS or self.lexicon.is_place(POSSESSIVE.sub("", phrase)):
            return True
        if any(w.lower in ACRONYMS and (w.all_capitals or len(run) == 1) for w in run):
            return True
        if all(w.all_capitals and (len(w.bare) <= 4 and not any(c in "AEIOUY" for c in w.bare)) for w in run):
            return True
        before = self.text[max(0, run[0].start - 40):run[0].start]
        return ARTICLE_BEFORE.search(before) is not None

    def _followed_by_non_name(self, word: _Word) -> bool:
        """Clare's Law, Sarah's Law: a name in the name of a law or scheme."""
        m = re.match(r"\s+(\w+)", self.text[word.end:word.end + 30])
        return (word.possessive and m is not None and m.group(1)[0].isupper()
                and m.group(1).lower() in NOT_NAME_WORDS)

    def _name_like(self, word: _Word) -> bool:
        return self.lexicon.is_given_name(word.bare) or not self.lexicon.is_common(word.bare)

    def _lower_unknown(self, word: _Word) -> bool:
        return (not word.capitalised and len(word.bare) > 1 and word.lower not in PARTICLES
                and (self.lexicon.is_given_name(word.bare) or not self.lexicon.is_common(word.bare)))

    def _token(self, word: _Word):
        if self.doc is None:
            return None
        span = self.doc.char_span(word.start, word.end, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def _proper_noun(self, word: _Word) -> bool:
        token = self._token(word)
        return token is not None and token.pos_ == "PROPN" and token.ent_type_ not in ("DATE", "TIME", "LAW", "EVENT")

    def _model_says_person(self, word: _Word) -> bool:
        token = self._token(word)
        return token is not None and token.ent_type_ == "PERSON" and token.pos_ == "PROPN"

    def _sentence_start(self, word: _Word) -> bool:
        return SENTENCE_BREAK.search(self.text[max(0, word.start - 40):word.start]) is not None

    def _name_part(self, run: list[_Word]) -> list[_Word]:
        """The name's words: up to a possessive, an organisation word, or four words."""
        name = []
        for word in run:
            if word.lower in NOT_NAME_WORDS or word.lower in MONTHS_AND_DAYS:
                break
            name.append(word)
            if word.possessive or len(name) == 4:
                break
        return name

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


def _all_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def _merged(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans, and names one space or hyphen apart, as one."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1]:start] in (" ", "-")):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
