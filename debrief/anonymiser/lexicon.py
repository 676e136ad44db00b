"""What a word usually is, for telling names from the rest of a lesson.

- common words: English words written mostly in lower case (common_words.txt, from the casing counts of
  a corpus), or, for words those counts never saw, words WordNet knows (the spaCy model's lemma index:
  modern words such as email, online, methadone);
- proper nouns: words written mostly capitalised in the same counts (proper_words.txt);
- given names: the `nicknames` package's list of English given names and their short forms;
- places: towns, counties, regions and police force areas of the UK and Ireland, and countries (places.txt);
- the rest of what a lesson names and must keep: organisations, schemes, systems, acronyms, drugs, the
  words notes use for family (mum, nan) and their abbreviations (tel, ref, intel).

A capitalised word that is no common word is most likely a name; a common word capitalised in the
middle of a sentence (Rose, Grace) may be one, and the context decides (names.py).
"""
from __future__ import annotations

import csv
import functools
import importlib.resources
import re
from pathlib import Path

HERE = Path(__file__).parent
_SUFFIXES = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""),
             ("er", ""), ("er", "e"), ("ers", ""), ("ers", "e"))

# Honorifics and police ranks written before a name: outside the name's span.
TITLES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lady", "lord", "rev", "revd",
    "reverend", "fr", "father", "sister", "cllr", "councillor",
    "pc", "dc", "ps", "ds", "di", "dci", "dsi", "dsu", "dcs", "sgt", "sergeant", "insp", "inspector", "ch",
    "supt", "superintendent", "det", "detective", "constable", "pcso", "sc", "acc", "dcc", "tdc", "tpc",
    "officer",
}
# Lower-case words inside a name: Bethan ap Gwyn, Ludwig van Beethoven, Abdullah bin Hassan.
PARTICLES = {"ap", "ab", "ferch", "verch", "van", "von", "de", "da", "di", "du", "del", "della", "der", "den",
             "ter", "le", "la", "bin", "bint", "binti", "al", "el", "ibn", "y", "dos", "das", "st"}

# A capitalised run holding one of these is an organisation, a place, a law, a scheme or a thing.
NOT_NAME_WORDS = {
    # organisations and services
    "police", "constabulary", "service", "services", "council", "trust", "hospital", "nhs", "support", "aid",
    "advice", "care", "team", "unit", "office", "court", "courts", "school", "academy", "college",
    "university", "centre", "center", "agency", "authority", "board", "partnership", "project", "society",
    "foundation", "charity", "group", "network", "helpline", "line", "prison", "probation", "department",
    "ministry", "commission", "commissioner", "inspectorate", "panel", "forum", "association", "federation",
    "institute", "clinic", "surgery", "practice", "housing", "homes", "health", "mental",
    "ambulance", "fire", "rescue", "coastguard", "government", "parliament", "cabinet", "company", "ltd",
    "limited", "plc", "llp", "bank", "mosque", "temple", "synagogue", "gurdwara", "library",
    "station", "airport", "sisters", "brothers", "women", "men", "children", "family", "families", "youth",
    "victim", "victims", "survivors", "command", "directorate", "squad", "branch", "desk", "hub", "mash",
    # laws, schemes, documents, events
    "act", "acts", "law", "laws", "order", "orders", "regulations", "rules", "code", "section",
    "schedule", "part", "review", "reviews", "report", "inquiry", "inquest", "strategy", "plan", "policy",
    "guidance", "framework", "model", "scheme", "programme", "protocol", "notice", "assessment", "operation",
    "day", "week", "month", "year", "christmas", "easter", "ramadan", "eid", "diwali",
    # places and things
    "street", "road", "lane", "avenue", "drive", "close", "grove", "gardens", "terrace", "way", "walk",
    "rise", "view", "place", "square", "crescent", "estate", "bridge", "river", "canal", "valley",
    "county", "city", "town", "village", "borough", "district", "north", "south", "east", "west", "northern",
    "southern", "eastern", "western", "central", "greater", "royal", "saint", "national", "international",
    "british", "english", "welsh", "scottish", "irish", "european", "united", "kingdom", "vauxhall", "audi", "bmw",
    # Welsh words for a street, a house, a court: Heol y Felin, Tŷ Gwyn, Llys y Coed
    "heol", "ffordd", "stryd", "lôn", "tŷ", "ty", "plas", "rhodfa", "cilgant", "llys", "teras", "clos",
    # Welsh names of services and places: Bwrdd Iechyd, Ysbyty Gwynedd, Heddlu Gwent, Ysgol Gyfun
    "bwrdd", "iechyd", "ysbyty", "heddlu", "cyngor", "ysgol", "prifysgol", "coleg", "gwasanaeth", "gwasanaethau",
    "canolfan", "cymdeithas", "cymorth", "llywodraeth", "senedd", "swyddfa", "uned", "tîm", "adran", "sir",
    "dinas", "tref", "pentref", "gogledd", "dwyrain", "gorllewin", "cymru", "cymraeg", "cymreig",
    "toyota", "volkswagen", "mercedes", "peugeot", "renault", "nissan", "honda",
    "iphone", "samsung", "whatsapp", "snapchat", "facebook", "instagram", "tiktok", "google",
}
MONTHS_AND_DAYS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues",
    "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "sun",
}
# How notes name family and friends: never a name, even where a list of given names holds them.
KIN = {
    "mum", "mam", "mom", "mummy", "dad", "daddy", "nan", "nana", "nanna", "gran", "granny", "grandma", "grandad",
    "grandpa", "auntie", "aunty", "aunt", "uncle", "bro", "sis", "bf", "gf", "ex", "hubby", "baby", "babe",
    "bestie", "mate", "cuz", "cousin", "son", "daughter", "sister", "brother", "wife", "husband", "partner",
}
# Partner organisations and police systems known by a bare name.
ORGANISATIONS = {
    "barnardo's", "barnardos", "nspcc", "refuge", "mind", "samaritans", "shelter", "safelives", "hestia",
    "solace", "galop", "respect", "nacro", "catch22", "cafcass", "ofsted", "karma nirvana", "change grow live",
    "turning point", "southall black sisters", "citizens advice", "victim support", "women's aid",
    "rape crisis", "childline", "crimestoppers", "crimestoppers uk", "st giles trust", "the children's society",
    "action for children", "home-start", "relate", "age uk", "missing people", "the salvation army",
    "salvation army", "red cross", "st john ambulance", "sarc", "niche", "athena", "storm", "connect",
    "genesis", "sleuth", "pnc", "pnd", "ident1", "liberty", "mosaic", "eclipse", "systmone",
    "emis", "rio", "frontline", "nexus", "thrive", "dash",
}
# Drugs and medicines, written in lower case in a lesson: never a name.
DRUGS = {
    "heroin", "methadone", "cocaine", "crack", "benzodiazepine", "benzodiazepines", "benzos", "pregabalin",
    "gabapentin", "ghb", "gbl", "ketamine", "mdma", "ecstasy", "amphetamine", "amphetamines", "methamphetamine",
    "spice", "mamba", "fentanyl", "carfentanil", "nitazene", "nitazenes", "insulin", "paracetamol", "diazepam",
    "etizolam", "alprazolam", "xanax", "valium", "buprenorphine", "subutex", "tramadol", "codeine", "morphine",
    "oxycodone", "mephedrone", "cannabis", "skunk", "lsd", "psilocybin", "naloxone", "zopiclone", "temazepam",
    "olanzapine", "quetiapine", "sertraline", "fluoxetine", "citalopram", "mirtazapine", "lorazepam",
    "clonazepam", "nitrous",
}
# Abbreviations notes use, common words whatever their case: "Tel 0207...", "Crime Ref: 12/3456/24".
ABBREVIATIONS = {
    "tel", "mob", "ref", "refs", "fax", "ext", "approx", "info", "dept", "attn", "asap", "aka", "incl", "misc",
    "nb", "ps", "re", "fao", "cc", "fwd", "vs", "etc", "eg", "ie", "pls", "thx", "msg", "txt", "rx", "hrs",
    "mins", "yrs", "yo", "dob", "addr", "nok", "obs", "poss", "req", "stmt", "susp", "vic", "wit", "def",
    "intel", "comms", "admin", "ops", "reg", "vrm", "nfa", "rtc",
}
# Acronyms a police text uses: never a name, even in capitals.
ACRONYMS = {
    "mash", "marac", "mappa", "matac", "dash", "dhr", "dhrs", "chr", "idva", "isva", "iopc", "ipcc", "pnc",
    "pnd", "nhs", "cps", "anpr", "cad", "cctv", "bwv", "pcso", "nfa", "rtc", "asb", "gp", "dvpn", "dvpo",
    "spo", "cpn", "camhs", "sarc", "thrive", "cid", "mit", "sio", "dsl", "npcc", "hmicfrs", "hmic", "acpo",
    "dbs", "dwp", "hmrc", "uk", "gb", "chis", "vawg", "nrm", "miu", "amhp", "btp", "psni", "soco", "csi",
    "lado", "icpc", "nspcc", "rspca", "ok", "ae", "ed", "icu", "ons", "mp", "mps", "gmp", "tvp", "pfd",
    "ipp", "ofsted", "cafcass", "idap", "bcu", "ncrs", "ncalt", "nca", "iom", "iomi", "dvdss", "dvds",
    "csds", "cse", "cce", "fgm", "hbv", "sca", "ppu", "mosovo", "visor", "lsab", "lscp", "cspr", "sar",
    "sars", "lcsp", "csp", "vrp", "vru", "ohr", "owhr", "tci", "pace", "pcc", "ccg", "icb", "sui", "dol",
    "dols", "mca", "mha", "s136", "s135", "aka", "dob", "nb", "fao", "re", "tbc", "na", "n/a", "ni", "ref",
    "urn", "crn", "vrn", "cad", "nok", "hmp", "hmyoi", "yoi", "hmpps", "fls", "flo", "iag", "sig", "smt", "slt", "acc", "dcc", "ppn", "vpa",
}


def _wordnet(nlp) -> frozenset[str]:
    """The words of WordNet's index, as the spaCy pipeline's lemmatizer holds them."""
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(word for words in index.values() for word in words)


# Welsh words a lesson in Welsh is made of (with the app's own Welsh, below): never a name.
WELSH_WORDS = set("""
a ac ag am ar at gan gyda heb hyd i o tan trwy wrth yn yng ym y yr 'r 'n 'i 'u ei eu ein eich fy dy mae oedd
roedd bydd byddai bod fod wedi ddim dim nid na nad ni nac neu ond os pan fel hefyd iawn mwy llai pob holl un
dau dwy tri tair pedwar pump chwech saith wyth naw deg cant mil cyntaf ail trydydd olaf nesaf arall eraill
hwn hon hyn hynny yma yno sydd dylai dylid dylen gall gallai rhaid angen cael gwneud mynd dod gweld siarad
dweud rhoi cymryd aros byw gweithio ffonio arestio cyfeirio rhannu cwblhau hyfforddi adolygu asesu cefnogi
gwers gwersi argymhelliad argymhellion nodyn swyddog swyddogion dioddefwr tyst plentyn plant teulu mam tad
brawd chwaer gwraig gŵr partner cartref tŷ heol stryd ffordd gwybodaeth hyfforddiant risg achos digwyddiad
adroddiad cyfarfod panel adolygiad diogelu trais domestig cam-drin camdriniaeth heddlu llu gwasanaeth
amser diwrnod wythnos mis blwyddyn bore prynhawn nos heddiw ddoe yfory erbyn ers cyn ar ôl wedyn gynt
ionawr chwefror mawrth ebrill mai mehefin gorffennaf awst medi hydref tachwedd rhagfyr
dydd llun mawrth mercher iau gwener sadwrn sul pen hun hunan gwaith amserol cynnar hwyr
""".split())
# Welsh mutates a word's first consonant after some words (pen → phen, tair → dair, gwers → wers): the
# radical forms a mutated word may come from.
_MUTATIONS = (("ngh", "c"), ("mh", "p"), ("nh", "t"), ("ng", "g"), ("ph", "p"), ("th", "t"), ("ch", "c"),
              ("dd", "d"), ("d", "t"), ("g", "c"), ("b", "p"), ("f", "b"), ("f", "m"), ("l", "ll"), ("r", "rh"),
              ("m", "b"), ("n", "d"), ("", "g"))


class Lexicon:
    def __init__(self, nlp) -> None:
        self.given_names = _given_names()
        self.welsh = frozenset(w for w in WELSH_WORDS | _welsh_catalogue() if w not in self.given_names)
        self._common = _words("common_words.txt")
        self._proper = _words("proper_words.txt")
        self._modern = self._common | _wordnet(nlp)
        self.places = _places()

    def is_common(self, word: str, modern: bool = True) -> bool:
        """An ordinary English word (or an inflection of one), whatever its case here. `modern=False`
        leaves out words that only WordNet knows (Mei, Larch)."""
        w = word.lower().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if "-" in w:
            return all(self.is_common(part) for part in w.split("-") if part)
        if w in self._common or w in ABBREVIATIONS or self.is_welsh(w):
            return True
        if w in self._proper:
            return False
        known = self._modern if modern else self._common
        return w in known or _inflection_of(w, known)

    def is_lower_case_word(self, word: str) -> bool:
        """What a word written in lower case most likely is: a word (in any list but the proper nouns', an
        inflection or a compound of one), not a name."""
        w = word.lower().replace("’", "'")
        if "-" in w:
            return all(self.is_lower_case_word(part) for part in w.split("-") if part)
        return (w in self._modern or w in ABBREVIATIONS or self.is_welsh(w) or w in DRUGS or w in KIN or w in MONTHS_AND_DAYS
                or _inflection_of(w, self._modern) or self.is_compound(w))

    def name_evidence(self, word: str) -> int:
        """How much a word written in lower case looks like a name: 2 for a proper noun or a given name that
        is no common word (chen, karen, megan), 1 for a word no list knows (elif, okafor), 0 for a word."""
        w = word.lower().replace("’", "'")
        if (w in NOT_NAME_WORDS or w in ABBREVIATIONS or self.is_welsh(w) or w in DRUGS or w in KIN or w in MONTHS_AND_DAYS
                or w in self._common or _inflection_of(w, self._common) or self.is_compound(w)):
            return 0
        if w in self._proper or w in self.given_names:
            return 2
        return 0 if self.is_lower_case_word(w) else 1

    def is_welsh(self, word: str) -> bool:
        """A Welsh word, as written or mutated (phen, dair, wers), or one with its article run on (Dylai'r)."""
        w = word.lower().replace("’", "'")
        for ending in ("'r", "'n", "'i", "'u", "'w", "'m"):
            if w.endswith(ending) and len(w) > len(ending) + 1:
                w = w[: -len(ending)]
        if w in self.welsh:
            return True
        return any(w.startswith(mutated) and radical + w[len(mutated):] in self.welsh
                   for mutated, radical in _MUTATIONS if len(w) - len(mutated) >= 3)

    def is_compound(self, word: str) -> bool:
        """Two common words run together: landline, footwell, towpath."""
        w = word.lower()
        return any(w[:i] in self._common and w[i:] in self._common for i in range(3, len(w) - 2))

    def is_known_word(self, word: str) -> bool:
        """In the common words or WordNet, whatever its usual case (Romanian, Arabic; not Hamish)."""
        return self.is_common(word) or word.lower().replace("’", "'") in self._modern

    def is_given_name(self, word: str) -> bool:
        return word.lower() in self.given_names

    def is_place(self, words: str) -> bool:
        return _normal(words) in self.places


def _inflection_of(word: str, known: frozenset[str]) -> bool:
    """vetting (vet), hadnt (had), keys (key), policing (police)."""
    if word.endswith("nt") and word[:-2] in known:
        return True  # "hadnt", "didnt" in hurried notes
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if stem + replacement in known or (not replacement and stem[-1] == stem[-2] and stem[:-1] in known):
                return True
    return False


def _normal(words: str) -> str:
    return re.sub(r"\s+", " ", words.replace("’", "'")).strip().lower()


@functools.cache
def _welsh_catalogue() -> frozenset[str]:
    """The words in lower case of the app's Welsh translations (debrief/translations/cy), where present."""
    catalogue = HERE.parent / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
    if not catalogue.exists():
        return frozenset()
    found = set()
    for text in re.findall(r'^msgstr(?:\[\d+\])? "(.*)"$', catalogue.read_text(encoding="utf-8"), flags=re.M):
        text = re.sub(r"%\(\w+\)s|\{\w+\}|<[^>]+>", " ", text)
        found.update(w.replace("’", "'") for w in re.findall(r"[^\W\d_][\w'’-]*", text) if w.islower())
    return frozenset(found)


@functools.cache
def _given_names() -> frozenset[str]:
    source = importlib.resources.files("nicknames").joinpath("names.csv")
    with source.open(encoding="utf-8") as rows:
        reader = csv.DictReader(rows)
        return frozenset(name for row in reader for name in (row["name1"], row["name2"]) if len(name) > 2)


def _lines(name: str) -> list[str]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


@functools.cache
def _words(name: str) -> frozenset[str]:
    return frozenset(_lines(name))


@functools.cache
def _places() -> frozenset[str]:
    return frozenset(_normal(line) for line in _lines("places.txt"))
