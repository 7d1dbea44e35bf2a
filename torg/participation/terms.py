"""Frequent terms in input, for suggesting themes: words are lower-cased, stop words dropped and the
rest reduced to their stem with the Snowball Norwegian stemmer (snowballstemmer, pinned in
requirements.txt; pure Python, no model to download), so "skolegården" and "skolegårdene" count as
one term. A term counts once per input (in how many inputs it occurs), and is shown as the form
people wrote most often.
"""

import re
from collections import Counter
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[a-zæøåéèêóòôü]+(?:-[a-zæøåéèêóòôü]+)*")

# Norwegian bokmål and nynorsk function words (Snowball's list) and words that say nothing about a
# theme in participation input ("think", "good", "more", "the municipality").
STOP_WORDS = frozenset("""
alle at av både båe bare begge ble blei bli blir blitt bør bra da då de dei deim deira deires dem den denne
der dere deres det dette di din disse ditt du dykk dykkar eg ein eit eitt eller elles en enn er et ett etter
for fordi fra før ha hadde han hans har hennar henne hennes her hjå ho hoe honom hoss hossen hun hva hvem
hver hvilke hvilken hvis hvor hvordan hvorfor i ikke ikkje ingen ingi inkje inn inni ja jeg kan kom korleis
korso kun kunne kva kvar kvarhelst kven kvi kvifor man mange me med medan meg meget mellom men mi min mine
mitt mot mykje ned no noe noen noka noko nokon nokor nokre nå når og også om opp oss over på samme seg selv
si sia sidan siden sin sine sitt sjøl skal skulle slik so som somme somt så sånn til um upp ut uten var vart
varte ved vere verte vi vil ville vore vors vort vår være vært
også mer mye mest veldig litt godt god gode bedre fint flere fleste synes syns tror tenker ønsker ønske
trenger trengs kommunen kommune burde må bør gjerne få får fått gjøre gjør gjort blant hele helt enda
the and for with not are this that from have
""".split())

MIN_LENGTH = 3


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("norwegian")


def words(text: str) -> list[str]:
    """The words of a text that may carry a theme: lower case, no stop words, no short words."""
    return [w for w in WORD.findall((text or "").lower()) if len(w) >= MIN_LENGTH and w not in STOP_WORDS]


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The word's stem (cached: a language has far fewer words than a process has inputs)."""
    return _stemmer().stemWord(word.lower())


def encode(text: str) -> str:
    """A text's terms as stored with each input (`Input.terms`): "stem word stem word …" for every
    word that may carry a theme, in order — stemmed once when the input is written, so suggesting
    themes never stems thousands of texts per page view."""
    return " ".join(f"{stem(w)} {w}" for w in words(text))


def frequent_terms(texts, *, limit=12, exclude=(), min_inputs=2):
    """[(word, inputs)] — the terms that occur in most of `texts` (one text per input), best first.
    A term is counted once per text. `exclude` are words (e.g. existing theme names) whose stems are
    left out."""
    return frequent_stored_terms((encode(text) for text in texts), limit=limit, exclude=exclude,
                                 min_inputs=min_inputs)


def frequent_stored_terms(stored, *, limit=12, exclude=(), min_inputs=2):
    """`frequent_terms` of texts already `encode`d (one per input). Counting is left to Counter (in
    C): per text its distinct stems, and over all texts every (stem, word) pair; a stem is shown as
    its most frequent word (the first written, on a tie)."""
    excluded = {stem(w) for text in exclude for w in words(text)}
    in_inputs = Counter()
    pairs = Counter()
    for encoded in stored:
        parts = (encoded or "").split()
        stems = parts[::2]
        pairs.update(zip(stems, parts[1::2]))
        in_inputs.update(set(stems))
    for s in excluded:
        in_inputs.pop(s, None)
    best = {}
    for (s, word), n in pairs.items():  # insertion order: the first written wins a tie
        if s not in best or n > best[s][1]:
            best[s] = (word, n)
    ranked = sorted(in_inputs.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(best[s][0], n) for s, n in ranked if n >= min_inputs][:limit]
