"""Makes debrief/anonymiser/common_words.txt and proper_words.txt: which English words are written mostly
in lower case, and which mostly capitalised, from the unigram counts that the `truecase` package ships
(a model trained on NLTK's English corpora). Run once, in a scratch environment (the app needs neither
package):

    python3 -m venv /tmp/casing && /tmp/casing/bin/pip install truecase==0.0.14 nltk
    /tmp/casing/bin/python bench/anonymise_lexicon.py
"""
from __future__ import annotations

import pickle
import re
from collections import defaultdict
from importlib.resources import files
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "debrief" / "anonymiser"
WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
# A word is common when at least a third of its uses are in lower case (capitals also start sentences and
# titles: bank, note, university); fewer uses than MIN_COUNT say nothing.
LOWER_SHARE = 1 / 3
MIN_COUNT = 3


def main() -> None:
    with files("truecase").joinpath("data/english.dist").open("rb") as source:
        counts = pickle.load(source)["uni_dist"]  # noqa: S301 - the package's own model
    lower, capital = defaultdict(int), defaultdict(int)
    for word, count in counts.items():
        # Words in capitals are left out: the corpora's headlines write BANK and NOTE so.
        if WORD.fullmatch(word) and not (len(word) > 1 and word.isupper()):
            (lower if word == word.lower() else capital)[word.lower()] += count
    seen = {w for w in set(lower) | set(capital) if lower[w] + capital[w] >= MIN_COUNT}
    share = {w: lower[w] / (lower[w] + capital[w]) for w in seen}
    for name, chosen in (("common_words.txt", sorted(w for w in seen if share[w] >= LOWER_SHARE)),
                         ("proper_words.txt", sorted(w for w in seen if share[w] < LOWER_SHARE))):
        path = OUT / name
        notes = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
        path.write_text("\n".join(notes + chosen) + "\n", encoding="utf-8")
        print(f"{path}: {len(chosen)} words")


if __name__ == "__main__":
    main()
