"""The WordNet tables the word glosses read: how they are written, loaded and read."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from framecast.engine.sandbox.kind_names import THINGS, build_gloss, load_nouns
from framecast.engine.sandbox.motion_names import MOVES, load_verbs
from framecast.engine.sandbox.scene import Kind
from framecast.engine.sandbox.wordnet import WordNetTable, anchor_synsets, load_table, word_reader
from framecast.errors import ConfigurationError

from .sandbox_support import table_of

ROOT = Path(__file__).resolve().parents[3]


def builder() -> ModuleType:
    """``scripts/build_wordnet_tables.py``, which is not in a package."""
    spec = importlib.util.spec_from_file_location("build_wordnet_tables", ROOT / "scripts" / "build_wordnet_tables.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wordnet_folder(folder: Path) -> Path:
    """A WordNet dict folder of six synsets, in WordNet's own file formats."""
    folder.mkdir()
    (folder / "lexnames").write_text("03\tnoun.Tops\t1\n05\tnoun.animal\t1\n13\tnoun.food\t1\n18\tnoun.person\t1\n")
    (folder / "LICENSE.txt").write_text("WordNet Release 3.0\nCopyright 2006 by Princeton University.\n")
    (folder / "data.noun").write_text(
        "  1 This software and database is being provided to you ...\n"
        "00000001 03 n 01 entity 0 000 | that which exists\n"
        "00000002 03 n 01 person 0 001 @ 00000001 n 0000 | a human being\n"
        "00000003 05 n 01 fish 0 001 @ 00000001 n 0000 | a cold-blooded vertebrate\n"
        "00000004 05 n 01 mackerel 0 002 @ 00000003 n 0000 ~ 00000001 n 0000 | a food fish\n"
        "00000005 13 n 01 mackerel 0 000 | its flesh\n"
        "00000006 18 n 02 Tell 0 William_Tell 0 001 @i 00000002 n 0000 | a Swiss patriot\n"
        "00000008 18 n 01 giant 0 001 @ 00000002 n 0000 | a very large person\n")
    (folder / "index.noun").write_text(
        "  1 This software and database is being provided to you ...\n"
        "travel n 2 0 2 0 00000001 00000001\nentity n 1 0 1 0 00000001\n"
        "person n 1 1 @ 1 0 00000002\nfish n 1 1 @ 1 0 00000003\n"
        "mackerel n 2 2 @ ~ 2 0 00000005 00000004\ntell n 1 1 @ 1 0 00000006\ngiant n 1 1 @ 1 0 00000008\n")
    (folder / "index.adj").write_text("giant a 1 0 1 0 00000099\n")
    (folder / "data.verb").write_text(
        "00000011 38 v 01 travel 0 000 00 | change location\n"
        "00000012 38 v 02 fall 0 drop 0 001 @ 00000011 v 0000 01 + 01 00 | descend in free fall\n"
        "00000013 38 v 01 plummet 0 001 @ 00000012 v 0000 01 + 01 00 | drop sharply\n"
        "00000014 30 v 02 decrease 0 fall 0 000 01 + 01 00 | decrease in size\n"
        "00000015 35 v 01 jab 0 000 01 + 01 00 | poke or thrust abruptly\n")
    (folder / "index.verb").write_text("fall v 2 1 @ 2 0 00000012 00000014\nplummet v 1 1 @ 1 0 00000013\n"
                                       "travel v 1 0 1 0 00000011\ndecrease v 1 0 1 0 00000014\n"
                                       "jab v 1 0 1 0 00000015\n")
    (folder / "lexnames").write_text((folder / "lexnames").read_text()
                                     + "30\tverb.change\t2\n35\tverb.contact\t2\n38\tverb.motion\t2\n")
    return folder


def test_the_builder_writes_the_number_words_wordnet_says_a_number_with(tmp_path: Path) -> None:
    folder = tmp_path / "dict"
    folder.mkdir()
    (folder / "LICENSE.txt").write_text("WordNet Release 3.0\n")
    (folder / "data.noun").write_text(
        "13744044 23 n 04 three 0 3 0 threesome 0 III 0 000 | the cardinal number\n"
        "13743605 23 n 03 couple 0 pair 0 span 0 000 | two items of the same kind\n"
        "15000001 28 n 01 span 0 000 | the complete duration of something\n"
        "07987380 14 n 02 quartet 0 foursome 0 000 | four people considered as a unit\n")
    (folder / "index.noun").write_text(
        "three n 1 0 1 0 13744044\nthreesome n 1 0 1 0 13744044\niii n 1 0 1 0 13744044\n"
        "span n 2 0 2 0 15000001 13743605\ncouple n 1 0 1 0 13743605\nfoursome n 1 0 1 0 07987380\n")
    (folder / "data.adj").write_text(
        "01486854 00 s 02 matching 0 twin(a) 0 000 | being two identical\n"
        "02186580 00 s 02 three 0 iii 0 000 | being one more than two\n"
        "02186999 00 s 01 trilateral 0 000 | having three sides\n")
    (folder / "index.adj").write_text("twin a 1 0 1 0 01486854\niii a 1 0 1 0 02186580\n"
                                      "trilateral a 1 0 1 0 02186999\n")
    heads = {"two": 2, "pair": 2, "three": 3, "trio": 3, "four": 4, "quartet": 4}
    text = builder().numbers(folder, heads, {"couple"})
    rows = [line for line in text.splitlines() if not line.startswith("#")]
    # "span" says two only in a later sense, "couple" is a training word, "iii" a roman numeral,
    # "trilateral" is defined by three sides, not as three.
    assert rows == ["noun\tfoursome\t4", "noun\tthreesome\t3", "adjective\ttwin\t2"]
    assert "# WordNet Release 3.0" in text


def test_the_builder_keeps_things_their_ancestors_and_common_nouns(tmp_path: Path) -> None:
    text = builder().build(wordnet_folder(tmp_path / "dict"), "noun", THINGS)
    rows = {tuple(line.split("\t")[:2]): line.split("\t")[2:] for line in text.splitlines() if not line.startswith("#")}
    assert "# Copyright 2006 by Princeton University." in text  # the licence travels with the data
    assert rows[("s", "2")] == ["Tops", "1"] and rows[("s", "4")] == ["animal", "3"]
    assert ("s", "5") not in rows and rows[("w", "mackerel")] == ["food 4"]  # the food sense by its file only
    assert rows[("wa", "giant")] == ["8"]  # also an adjective
    assert ("w", "tell") not in rows  # "Tell" is a name: no common noun "tell" here
    path = tmp_path / "nouns.tsv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    table = load_nouns(path)
    assert table.senses["mackerel"] == ("food", 4) and table.adjectives == {"giant"}
    gloss = build_gloss(table, known={"fish", "person"})
    assert gloss.meanings == {"mackerel": (Kind.FISH, "fish", None), "mackerels": (Kind.FISH, "fish", "mackerel")}



def test_the_builder_writes_verbs_by_the_same_rules(tmp_path: Path) -> None:
    text = builder().build(wordnet_folder(tmp_path / "dict"), "verb", MOVES)
    rows = {tuple(line.split("\t")[:2]): line.split("\t")[2:] for line in text.splitlines() if not line.startswith("#")}
    assert rows[("s", "13")] == ["motion", "12"] and rows[("w", "plummet")] == ["13"]
    assert rows[("w", "fall")] == ["12 14"]  # a change is among the files the motion gloss considers
    assert rows[("wn", "travel")] == ["11"]  # more senses as a noun
    path = tmp_path / "verbs.tsv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    table = load_verbs(path)
    assert table.lexnames == {11: "motion", 12: "motion", 13: "motion", 14: "change"}
    assert table.mostly_nouns == {"travel"}
    assert ("w", "jab") not in rows and ("s", "15") not in rows  # no sense the motion gloss considers
    # The shipped verb table keeps every verb, for the effect-phrase gloss ("getting jabbed"); a sense
    # outside the considered files is its file only, so the motion gloss still reads nothing from it.
    every = builder().build(wordnet_folder(tmp_path / "all"), "verb", MOVES, every_word=True)
    rows_every = {tuple(line.split("\t")[:2]): line.split("\t")[2:] for line in every.splitlines()
                  if not line.startswith("#")}
    assert rows_every[("w", "jab")] == ["contact"] and ("s", "15") not in rows_every
    assert {k: v for k, v in rows_every.items() if k != ("w", "jab")} == rows


@pytest.mark.parametrize(("senses", "read"), [
    ((3,), "fish"),  # two links up
    (("act", "act", 3, "communication"), None),  # one voting sense of four
    (("food", 3), "fish"),  # a sense set aside counts for neither side
    ((5,), None),  # a fish and a cat equally near
    ((3, 6, 6), None),  # one fish reading of three voting senses
    ((3, 3, 4), "fish"),  # ... two of three
    ((4, 3, 3), "fish"),  # most, though not the first
    ((4, 3, 3, 4), None),  # a tie
])
def test_a_word_is_read_by_most_of_its_voting_senses(senses: tuple[int | str, ...], read: str | None) -> None:
    synsets = {1: ("Tops", ()), 2: ("animal", (1,)), 3: ("animal", (2,)), 4: ("animal", (7,)), 5: ("animal", (8, 7)),
               6: ("artifact", (1,)), 7: ("animal", (1,)), 8: ("animal", (1,))}
    table = table_of({"word": senses}, synsets)
    anchors = {2: "fish", 7: "cat", 8: "fish"}
    assert word_reader(table, anchors, frozenset({"animal", "artifact"}), frozenset({"food"}))("word") == read


def test_a_synset_two_values_claim_anchors_neither() -> None:
    table = WordNetTable({5: "artifact", 6: "person", 7: "animal"}, {5: (), 6: (), 7: ()},
                         {"ball": (5,), "box": (5,), "dog": (6, 7)}, frozenset())
    phrases = {"ball": ["ball"], "box": ["box"], "dog": ["dog"]}
    assert anchor_synsets(table, phrases, lambda value: frozenset({"artifact", "animal"})) == {7: "dog"}


def test_damaged_or_missing_table_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot be read"):
        load_table(tmp_path / "missing.tsv.gz", "noun table")
    not_gzip = tmp_path / "plain.tsv.gz"
    not_gzip.write_text("s\t1\tTops\t\n")
    with pytest.raises(ConfigurationError, match="cannot be read"):
        load_nouns(not_gzip)
    damaged = tmp_path / "damaged.tsv.gz"
    damaged.write_bytes(gzip.compress(b"# header\ns\t1\tTops\t\nw\tfish\t1 x\ns\tone\tanimal\t1\n"))
    with pytest.raises(ConfigurationError, match="damaged at line 4"):
        load_nouns(damaged)
    dangling = tmp_path / "dangling.tsv.gz"
    dangling.write_bytes(gzip.compress(b"s\t1\tTops\t7\nw\tfish\t1 2\n"))
    with pytest.raises(ConfigurationError, match="2 synsets missing"):
        load_nouns(dangling)


