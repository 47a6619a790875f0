"""Destinations: "a kid running toward the sea" runs into the scene, not at the camera.

Every training caption that says "toward" says it of the camera ("toward the camera", "toward us",
"towards the viewer"), so the generator reads the word alone as coming at the camera: "a kid running
toward the sea", "a dog running toward the city", "a man walking toward the mountains", "a bird
flying toward the sky" and "a ball falling toward the ground" each drew the subject coming toward the
camera on 10 of 10 seeds. What lies toward a place in the world is where the camera looks: the
setting's far side, above it the sky, below it the ground. So before a prompt is encoded, "toward"
or "towards" followed by such a place is written as the world's own words for that direction and
"to": "running into the distance to the sea", "flying upward to the sky", "falling downward to the
ground". The destination stays, so it still names the setting ("the sea" still draws the ocean).
"toward" itself goes: kept after the direction ("swimming upward toward the surface") it still
drew the fish coming at the camera on 4 of 10 seeds, written as "to" on none.

What follows "toward" is read up to punctuation, a word that starts another clause or phrase, or
four words, and is left alone when it is the camera or the viewer ("toward us"), a side of the frame
("toward the left", "towards the centre"), a moment ("toward the end"), another subject ("toward a
ball", "toward its owner": where that lies is the scene's to say) or a pronoun ("toward each other",
"toward them"). Every other thing is taken as lying in the distance. Training captions say "toward"
only of the camera and the sides, so the reader never changes one.

"At" the camera after a verb of moving is toward it: "a cat runs at the camera" came at the camera on
only 4 of 10 seeds ("right at the camera" went right on 10), so "at" there is written "toward", the
captions' word ("a cat runs straight toward the camera"). After any other verb ("staring at the
camera", "waving at the camera") it is left alone.

A path across the frame says its destination last: "a bird flying from left to right" drew the bird
flying left on 10 of 10 seeds (the generator goes by the first side it reads), and "a ball moving from
the bottom to the top" went left too. So a path from one side of the frame to another ("from left to
right", "from the bottom to the top of the screen", or bare, "left to right") is written as the
captions' words for its end: "to the right", "to the left", "upward", "downward". No caption has
such a path.

"Down" or "up" a way that runs level across the ground is along it: "a dog running down the road" and
"a woman walking down the path" drew the subject going down on 10 of 10 seeds. So after a verb of
moving (or of travelling, :mod:`~framecast.engine.sandbox.travels`), "down" or "up" before a level
way (:data:`LEVEL_WAYS`: a street, road, path, beach, river, ...), with up to two words between
("down the busy street"), is written "along". A hill, a slope or the stairs go down, and are left
alone, and so is a way after anything else ("a house down the street").
"""

from __future__ import annotations

import re
from functools import cache

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.gloss import motion_verb_heads, phrase_after, rewritten, training_verb_heads
from framecast.engine.sandbox.kind_names import subject_nouns
from framecast.engine.sandbox.motion_names import motion_gloss
from framecast.engine.sandbox.scene import Motion
from framecast.engine.sandbox.travels import shipped_travel_verbs

__all__ = ["DOWNWARD", "LEVEL_WAYS", "SAID", "UPWARD", "read_along", "read_destinations"]

# The world's words for each direction, as the captions say them after a verb.
SAID: dict[Motion, str] = {Motion.AWAY: "into the distance", Motion.UP: "upward", Motion.DOWN: "downward"}
UPWARD = frozenset({"sky", "skies", "heaven", "heavens", "cloud", "clouds", "ceiling", "stars", "treetops", "rooftops",
                    "surface"})
DOWNWARD = frozenset({"ground", "floor", "bottom", "seabed", "seafloor", "earth", "depths"})
# "toward" these is the training captions' own reading, or not a place in the distance.
_VIEWERS = frozenset({"camera", "cameras", "viewer", "viewers", "us", "me", "you", "lens", "screen", "audience",
                      "spectator", "spectators", "onlooker", "onlookers", "observer"})
_CAMERA = _VIEWERS | {"foreground", "front"}
_SIDES = frozenset({"left", "right", "side", "centre", "center", "middle", "edge", "corner"})
_MOMENTS = frozenset({"end", "close", "finish", "start", "beginning", "conclusion", "finale"})
_PRONOUNS = frozenset({"each", "one", "another", "him", "her", "them", "it", "himself", "herself", "itself",
                       "themselves", "other", "others"})
_TOWARD = re.compile(r"\btowards?\b", re.IGNORECASE)
_ENDS: dict[str, Motion] = {"left": Motion.LEFT, "right": Motion.RIGHT, "top": Motion.UP, "bottom": Motion.DOWN}
_PATH_SAID: dict[Motion, str] = {Motion.LEFT: "to the left", Motion.RIGHT: "to the right", **SAID}
_SIDE = r"(?:the\s+)?({ends})(?:\s+(?:side|edge))?(?:\s+of\s+the\s+(?:frame|screen|picture|image|shot))?".format(
    ends="|".join(_ENDS))
_AT_CAMERA = re.compile(r"\b([A-Za-z]+)\s+(?:(?:straight|right|directly|head-on|headlong)\s+)?(at)\s+(?:the\s+)?"
                        rf"(?:{'|'.join(sorted(_VIEWERS))})\b", re.IGNORECASE)
_BARE = "|".join(_ENDS)
# "from" a side to a side; or two bare sides ("left to right"), since "at the bottom of the frame to
# the left of centre" is a place, not a path.
_PATH = re.compile(rf"\b(?:from\s+{_SIDE}\s+to\s+{_SIDE}|({_BARE})\s+to\s+({_BARE}))\b", re.IGNORECASE)
_STOPS = frozenset({"and", "then", "until", "while", "as", "with", "before", "after", "when", "where", "which",
                    "that", "who", "at", "in", "on", "under", "beneath", "by", "along", "across", "through", "into",
                    "from", "for", "is", "are", "but", "so", "or", "of", "to", "near", "beside", "past"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "my", "your", "our", "this", "that", "some"})
MAX_WORDS = 4
# Ways that run level across the ground: "down" or "up" one is along it.
LEVEL_WAYS = frozenset({"street", "road", "path", "lane", "avenue", "boulevard", "alley", "sidewalk", "pavement",
                        "hallway", "hall", "corridor", "aisle", "track", "trail", "beach", "shore", "shoreline",
                        "runway", "highway", "freeway", "driveway", "block", "pier", "boardwalk", "promenade",
                        "river", "stream", "canal", "coast"})
_WAYS = "|".join(sorted(LEVEL_WAYS | {w.plural(way) for way in LEVEL_WAYS}))
_ALONG = re.compile(rf"\b([A-Za-z]+)\s+(down|up)\s+(?:the|a|this|that)\s+(?:[A-Za-z-]+\s+){{0,2}}?(?P<way>{_WAYS})\b",
                    re.IGNORECASE)


@cache
def _stops() -> frozenset[str]:
    """Where the words after "toward" end: a clause or phrase word, or a speed ("fast", "slowly")."""
    speeds = {phrase.lower() for synonyms in w.SPEED.values() for phrase in synonyms.train if " " not in phrase}
    return _STOPS | speeds


@cache
def _moving_verbs() -> frozenset[str]:
    """The verbs of moving, in the forms a prompt uses: the motions' and gaits' training verbs and the
    verbs the WordNet gloss reads as one ("plummets", "trudging"), not as staying still ("sleeping")."""
    forms = {w.conjugate(head, form) for head in motion_verb_heads() for form in ("base", "third", "ing")}
    return frozenset(forms | {word for word, r in motion_gloss().meanings.items() if r.meaning is not Motion.STILL})


@cache
def _going_verbs() -> frozenset[str]:
    """The verbs after which "down the road" is along it: of moving, and of travelling."""
    return _moving_verbs() | shipped_travel_verbs()


def _direction(words: list[str]) -> Motion | None:
    """Where "toward" ``words`` lies in the world, or None where it is not a place read here."""
    said = {word.lower() for word in words}
    if not said or said & (_CAMERA | _SIDES | _MOMENTS | _PRONOUNS | subject_nouns()):
        return None
    head = words[-1].lower()
    if head in UPWARD:
        return Motion.UP
    if head in DOWNWARD:
        return Motion.DOWN
    return Motion.AWAY


def read_along(prompt: str) -> tuple[str, list[str]]:
    """``prompt`` with "down" or "up" a level way after a verb of moving written as "along" ("a dog
    running down the road" -> "a dog running along the road"), and the phrases read."""
    edits: list[tuple[int, int, str]] = []
    found: list[str] = []
    for m in _ALONG.finditer(prompt):
        if m.group(1).lower() in _going_verbs():
            edits.append((m.start(2), m.end(2), "along"))
            found.append(prompt[m.start(2):m.end("way")])
    return rewritten(prompt, edits), found


def read_destinations(prompt: str) -> tuple[str, list[tuple[str, Motion]]]:
    """``prompt`` with each "toward" a place written as its direction and "to", "at" the camera after a
    verb of moving as "toward", and each path across the frame as the words for its end; and what was
    read ("toward the sea", "at the camera", "from left to right") with its direction, in that order."""
    edits: list[tuple[int, int, str]] = []
    found: list[tuple[str, Motion]] = []
    for m in _TOWARD.finditer(prompt):
        after, ended = phrase_after(prompt, m.end(), _stops(), training_verb_heads(), MAX_WORDS)
        said = [word.group(0) for word in after]
        direction = _direction([x for x in said if x.lower() not in _DETERMINERS]) if ended else None
        if direction is not None:
            edits.append((m.start(), m.end(), f"{SAID[direction]} to"))
            found.append((prompt[m.start():after[-1].end()], direction))
    for m in _AT_CAMERA.finditer(prompt):
        if m.group(1).lower() in _moving_verbs():
            edits.append((m.start(2), m.end(2), "toward"))
            found.append((prompt[m.start(2):m.end()], Motion.TOWARD))
    prompt = rewritten(prompt, sorted(edits))
    paths: list[tuple[int, int, str]] = []
    for m in _PATH.finditer(prompt):
        first, last = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        start, end = _ENDS[first.lower()], _ENDS[last.lower()]
        if start is not end:
            paths.append((m.start(), m.end(), _PATH_SAID[end]))
            found.append((m.group(0), end))
    return rewritten(prompt, paths), found
