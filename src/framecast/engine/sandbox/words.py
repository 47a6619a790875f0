"""The sandbox world's words: every scene token with the phrases people use for it.

Each token has training phrases and held-out phrases. Held-out phrases never appear in a training
caption; the evaluation uses them to measure whether the generator understood the language or only
memorised keywords. They were chosen by hand before any training run, mixing derived forms
("reddish", "deep-blue") with rarer words ("ruby", "canine").

Verb phrases are written in the base form ("roll to the left"); :func:`conjugate` makes the third
person ("rolls to the left") and the gerund ("rolling to the left") from the first word.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from framecast.engine.sandbox.scene import (
    Camera,
    Colour,
    Column,
    Effect,
    Gait,
    Kind,
    Light,
    Motion,
    Row,
    Setting,
    Size,
    Speed,
    Timing,
)

__all__ = [
    "CAMERA",
    "COLOUR",
    "COLUMN",
    "COUNT_WORDS",
    "DISTRACTORS",
    "EFFECT",
    "GAIT",
    "GAIT_DIRECTION",
    "GARMENTS",
    "KIND",
    "LIGHT_ADJECTIVE",
    "LIGHT_PHRASE",
    "MOTION",
    "NEGATIVE_NOISE",
    "NOUN_PLURALS",
    "ROW",
    "SETTING",
    "SINGLE",
    "SIZE",
    "SPEED",
    "STYLE_WORDS",
    "TIMING",
    "VAGUE_NOUN",
    "Synonyms",
    "article",
    "conjugate",
    "kind_nouns",
    "plural",
]


@dataclass(frozen=True)
class Synonyms:
    train: tuple[str, ...]
    held_out: tuple[str, ...] = ()

    def pick(self, held_out: bool) -> tuple[str, ...]:
        return self.held_out if held_out and self.held_out else self.train


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split("|") if p.strip())


def _s(train: str, held_out: str = "") -> Synonyms:
    """Phrases separated by ``|`` (commas occur inside phrases)."""
    return Synonyms(_split(train), _split(held_out))


COLOUR: dict[Colour, Synonyms] = {
    Colour.RED: _s("red|crimson|scarlet|bright red|dark red|blood-red|vermilion|fire-engine red|rose-red|"
                   "maroon|burgundy|brick-red|wine-red", "reddish|ruby|cherry-red"),
    Colour.ORANGE: _s("orange|bright orange|burnt orange|amber|pumpkin|carrot-orange|copper|apricot|"
                      "marigold|peach|rust-orange|orange-coloured", "tangerine|orangey"),
    Colour.YELLOW: _s("yellow|golden|gold|bright yellow|pale yellow|mustard|canary yellow|sunflower yellow|"
                      "banana-yellow|butter-yellow|saffron|honey-coloured", "lemon|yellowish|lemon-yellow"),
    Colour.GREEN: _s("green|bright green|dark green|lime|lime green|olive|olive green|forest green|jade|"
                     "mint green|grass-green|kelly green|sage", "emerald|greenish|leaf-green"),
    Colour.BLUE: _s("blue|navy|navy blue|azure|royal blue|sky blue|dark blue|light blue|pale blue|cobalt|"
                    "sapphire|baby blue|ultramarine|denim-blue|cornflower blue", "bluish|deep-blue|midnight blue"),
    Colour.PURPLE: _s("purple|violet|lavender|lilac|plum|mauve|amethyst|grape|indigo|deep purple|"
                      "light purple|eggplant|orchid", "purplish|royal purple|lilac-coloured"),
    Colour.PINK: _s("pink|magenta|hot pink|bright pink|pale pink|rose|rose-pink|salmon-pink|bubblegum pink|"
                    "blush pink|flamingo pink|raspberry|baby pink", "fuchsia|pinkish|candy-pink"),
    Colour.BROWN: _s("brown|dark brown|light brown|chocolate|chocolate-brown|chestnut|coffee-coloured|caramel|"
                     "bronze|tan|hazel|cinnamon|mocha|walnut", "brownish|mahogany|cocoa-brown"),
    Colour.BLACK: _s("black|jet black|jet-black|pitch black|pitch-black|coal black|onyx|inky black|raven-black|"
                     "obsidian|sable|all-black|deep black", "ebony|blackish|ink-black"),
    Colour.WHITE: _s("white|snow white|snow-white|pure white|bright white|cream|creamy white|pearl|pearly white|"
                     "milky white|chalk white|alabaster|off-white", "ivory|whitish|bone-white"),
    Colour.GREY: _s("grey|gray|silver|silvery|ash grey|slate grey|charcoal|charcoal grey|steel grey|gunmetal|"
                    "pewter|light grey|dark grey|dove grey|stone grey", "greyish|grayish|silver-grey"),
    Colour.CYAN: _s("cyan|teal|turquoise|aqua|aquamarine|sea green|seafoam|bright cyan|electric cyan|"
                    "teal blue|ice blue|robin's egg blue", "aqua-blue|cyan-coloured|turquoise-blue"),
}

# Nouns, singular; plurals come from plural().
KIND: dict[Kind, Synonyms] = {
    Kind.BALL: _s("ball|sphere|orb|globe|bouncy ball|beach ball|rubber ball|marble|round ball|circle|disc|"
                  "balloon|bubble|spherical object", "spheroid|round orb|ball-shaped object"),
    Kind.BOX: _s("box|cube|crate|block|square|cardboard box|wooden crate|brick|cuboid|package|parcel|"
                 "chest|square block|toy block", "carton|boxy cube|cubic block"),
    Kind.TRIANGLE: _s("triangle|pyramid|wedge|triangular block|prism|triangular shape|cone|tent shape|"
                      "three-sided shape", "tetrahedron|triangular pyramid|pointy pyramid"),
    Kind.STAR: _s("star|starburst|five-pointed star|star shape|shining star|gold star|sheriff's star|"
                  "twinkling star|star-shaped object", "pentagram|star-shaped token|five-point star"),
    Kind.HEART: _s("heart|heart shape|love heart|valentine|valentine heart|heart-shaped balloon|"
                   "heart-shaped object|little heart", "heart symbol|love symbol|heart-shaped cushion"),
    Kind.RING: _s("ring|donut|doughnut|hoop|torus|loop|bagel|tyre|tire|wreath|halo|hula hoop|lifebuoy|"
                  "circular ring", "ring-shaped object|rubber ring|life ring"),
    Kind.PERSON: _s("person|man|woman|girl|boy|child|kid|lady|guy|figure|human|stick figure|someone|"
                    "pedestrian|traveller|hiker|runner|dancer|young woman|young man|old man|old woman|"
                    "character|stranger|athlete|tourist", "gentleman|teenager|wanderer|young lady|jogger"),
    Kind.DOG: _s("dog|puppy|pup|hound|doggy|pooch|terrier|labrador|poodle|beagle|retriever|corgi|"
                 "sheepdog|husky|bulldog|spaniel", "canine|dachshund|mutt|doggo"),
    Kind.CAT: _s("cat|kitten|kitty|tabby|tabby cat|feline|house cat|tomcat|alley cat|siamese cat|"
                 "persian cat|moggy", "kitty cat|tomcat kitten|housecat"),
    Kind.BIRD: _s("bird|sparrow|pigeon|dove|crow|robin|seagull|gull|eagle|parrot|finch|swallow|bluebird|"
                  "canary|songbird|raven|hawk", "birdie|lark|starling"),
    Kind.FISH: _s("fish|goldfish|trout|guppy|carp|koi|koi fish|minnow|tuna|salmon|clownfish|tropical fish",
                  "sardine|cod|mackerel"),
}

NOUN_PLURALS: dict[str, str] = {
    "person": "people", "someone": "people", "man": "men", "woman": "women", "child": "children", "fish": "fish",
    "goldfish": "goldfish", "trout": "trout", "carp": "carp", "koi": "koi", "koi fish": "koi fish",
    "tuna": "tuna", "salmon": "salmon", "clownfish": "clownfish", "tropical fish": "tropical fish",
    "sardine": "sardines", "cod": "cod", "little fish": "little fish", "young woman": "young women",
    "young man": "young men", "old man": "old men", "old woman": "old women", "sheep": "sheep",
    "sheriff's star": "sheriff's stars", "gentleman": "gentlemen", "young lady": "young ladies",
    "torus": "tori", "hula hoop": "hula hoops",
}

SIZE: dict[Size, Synonyms] = {
    Size.SMALL: _s("small|little|tiny|miniature|petite|wee|pint-sized|small-sized", "teeny|diminutive"),
    Size.MEDIUM: _s("medium-sized|medium|mid-sized|average-sized|regular-sized|normal-sized", "moderately sized"),
    Size.LARGE: _s("large|big|huge|giant|enormous|massive|oversized|gigantic", "colossal|hefty"),
}

# Prepositional phrases for where a scene takes place: (preposition, determiner, noun); a light
# adjective may go between determiner and noun ("in a foggy forest").
SETTING: dict[Setting, tuple[tuple[tuple[str, str, str], ...], tuple[tuple[str, str, str], ...]]] = {
    Setting.DESERT: (
        (("in", "the", "desert"), ("in", "a", "desert"), ("on", "the", "sand dunes"), ("across", "the", "dunes"),
         ("in", "a", "desert landscape"), ("in", "the", "Sahara"), ("on", "a", "sandy plain"),
         ("in", "an", "arid wasteland"), ("among", "the", "dunes"), ("in", "the", "badlands")),
        (("in", "a", "sandy desert"), ("across", "an", "arid desert plain")),
    ),
    Setting.NIGHT_SKY: (
        (("under", "the", "night sky"), ("under", "a", "starry sky"), ("beneath", "the", "stars"),
         ("under", "a", "starry night sky"), ("against", "a", "starry night"), ("in", "the", "starry night"),
         ("beneath", "a", "sky full of stars"), ("under", "the", "moon and stars"), ("in", "the", "night sky"),
         ("under", "a", "star-filled sky"), ("under", "the", "milky way")),
        (("beneath", "a", "star-studded sky"), ("under", "a", "starlit sky")),
    ),
    Setting.OCEAN: (
        (("by", "the", "ocean"), ("at", "the", "beach"), ("on", "the", "beach"), ("by", "the", "sea"),
         ("on", "the", "shore"), ("at", "the", "seaside"), ("along", "the", "coast"), ("by", "the", "waves"),
         ("on", "a", "sandy beach"), ("at", "the", "ocean"), ("near", "the", "sea"), ("on", "a", "tropical beach")),
        (("on", "the", "seashore"), ("along", "the", "shoreline")),
    ),
    Setting.GRASS_FIELD: (
        (("in", "a", "grass field"), ("in", "a", "meadow"), ("on", "a", "lawn"), ("in", "a", "field"),
         ("on", "a", "grassy field"), ("in", "a", "green field"), ("across", "the", "prairie"),
         ("in", "a", "pasture"), ("on", "the", "grassland"), ("in", "a", "park"), ("on", "the", "green hills"),
         ("in", "the", "countryside")),
        (("on", "a", "grassy plain"), ("across", "a", "green meadow")),
    ),
    Setting.CITY_STREET: (
        (("on", "a", "city street"), ("in", "the", "city"), ("on", "the", "street"), ("downtown", "", ""),
         ("on", "a", "busy street"), ("on", "an", "avenue"), ("in", "an", "urban alley"),
         ("on", "a", "road"), ("on", "the", "sidewalk"), ("in", "a", "town square"), ("in", "the", "city centre"),
         ("between", "the", "skyscrapers")),
        (("along", "a", "boulevard"), ("in", "a", "metropolis")),
    ),
    Setting.SNOW: (
        (("in", "the", "snow"), ("on", "a", "snowy field"), ("in", "a", "winter landscape"), ("on", "the", "tundra"),
         ("in", "a", "snowfield"), ("in", "the", "arctic"), ("on", "a", "glacier"), ("on", "a", "ski slope"),
         ("in", "the", "snowy mountains"), ("on", "a", "snow-covered hill"), ("in", "a", "winter wonderland"),
         ("on", "the", "frozen tundra")),
        (("across", "a", "frozen landscape"), ("in", "a", "snowy valley")),
    ),
    Setting.FOREST: (
        (("in", "a", "forest"), ("in", "the", "woods"), ("in", "a", "woodland"), ("in", "the", "jungle"),
         ("in", "a", "pine forest"), ("among", "the", "trees"), ("in", "a", "grove"), ("in", "the", "rainforest"),
         ("in", "a", "dense forest"), ("through", "the", "forest"), ("in", "a", "birch wood"),
         ("at", "the", "edge of the forest")),
        (("in", "a", "thicket"), ("in", "the", "wooded hills")),
    ),
    Setting.STUDIO: (
        (("in", "a", "studio"), ("in", "a", "photo studio"), ("on", "a", "plain backdrop"), ("on", "a", "stage"),
         ("against", "a", "plain background"), ("in", "an", "empty room"), ("on", "a", "white backdrop"),
         ("against", "a", "grey background"), ("in", "a", "gallery"), ("on", "a", "seamless backdrop"),
         ("in", "a", "minimalist studio"), ("on", "a", "tabletop")),
        (("on", "a", "soundstage"), ("in", "a", "blank studio")),
    ),
}

# Light as an adjective before a setting noun, and as a phrase after the setting.
LIGHT_ADJECTIVE: dict[Light, Synonyms] = {
    Light.NEUTRAL: _s("daytime|ordinary|everyday|clear|plain", "mild"),
    Light.BRIGHT: _s("bright|sunny|sunlit|brightly lit|vivid|radiant|dazzling|sun-drenched", "luminous"),
    Light.DUSK: _s("dusky|twilight|sunset|evening|golden-hour|dusk-lit", "sun-setting"),
    Light.NIGHT: _s("dark|nighttime|moonlit|midnight|night-time|pitch-dark", "nocturnal"),
    Light.FOGGY: _s("foggy|misty|hazy|murky|fog-covered|smoky", "fog-bound"),
    Light.WARM: _s("warm|cozy|glowing|golden|amber-lit|warmly lit|candlelit", "sunkissed"),
    Light.COOL: _s("cool|cold|icy|chilly|frosty|blue-tinted|wintry", "cold-toned"),
}

LIGHT_PHRASE: dict[Light, Synonyms] = {
    Light.NEUTRAL: _s("in daylight|during the day|in neutral light|in the daytime|under an overcast sky|at noon",
                      "in plain daylight"),
    Light.BRIGHT: _s("in bright sunlight|on a sunny day|under a blazing sun|in full sun|in brilliant light|"
                     "in the bright midday sun|under clear sunny skies", "in dazzling sunshine"),
    Light.DUSK: _s("at dusk|at sunset|at twilight|in the evening|during golden hour|as the sun sets|"
                   "at sundown|in the dusky light|in the last light of day", "as dusk falls"),
    Light.NIGHT: _s("at night|in the dark|at midnight|in the middle of the night|by moonlight|after dark|"
                    "in the night", "late at night"),
    Light.FOGGY: _s("in the fog|in thick fog|in the mist|through the haze|on a foggy morning|in heavy mist|"
                    "shrouded in fog", "in a dense fog"),
    Light.WARM: _s("in a warm glow|under a warm glow|bathed in warm light|in soft golden light|"
                   "in warm lamplight|in cozy warm light|lit by a warm glow", "in a warm amber light"),
    Light.COOL: _s("in cool light|in cold blue light|in icy light|in the cool blue hour|under a cold sky|"
                   "in cool tones|bathed in cold light", "in a chilly blue light"),
}

CAMERA: dict[Camera, Synonyms] = {
    Camera.STATIC: _s("the camera stays still|static camera|the camera is fixed|fixed camera|locked-off shot|"
                      "the camera remains fixed|tripod shot|static shot|the camera does not move|still camera",
                      "the camera holds steady|a steady locked shot"),
    Camera.PAN_LEFT: _s("the camera pans left|camera pans to the left|panning left|pan left|slow pan to the left|"
                        "the camera sweeps left|tracking shot moving left|the camera slides to the left",
                        "the camera swings to the left|leftward pan"),
    Camera.PAN_RIGHT: _s("the camera pans right|camera pans to the right|panning right|pan right|"
                         "slow pan to the right|the camera sweeps right|tracking shot moving right|"
                         "the camera slides to the right", "the camera swings to the right|rightward pan"),
    Camera.ZOOM_IN: _s("the camera zooms in|zoom in|slow zoom in|push in|dolly in|the camera moves closer|"
                       "zooming in|the camera pushes in", "the lens zooms closer|creeping zoom in"),
    Camera.ZOOM_OUT: _s("the camera zooms out|zoom out|slow zoom out|pull back|dolly out|the camera pulls away|"
                        "zooming out|the camera pulls back to reveal the scene",
                        "the lens widens out|gradual zoom out"),
    Camera.ORBIT: _s("the camera orbits around|orbit shot|orbiting camera|the camera circles around|"
                     "360-degree shot|the camera revolves around the scene|arc shot|circling camera",
                     "the camera loops around the subject|a sweeping orbit"),
}

# Verb phrases in the base form. Walking and running are gaits, combined with a direction below.
MOTION: dict[Motion, Synonyms] = {
    Motion.STILL: _s("stay still|stand still|sit still|rest|stay put|remain motionless|stay in place|"
                     "keep still|hold still|wait patiently|stand motionless", "freeze in place|linger motionless"),
    Motion.LEFT: _s("move to the left|go left|move left|head left|drift to the left|slide to the left|"
                    "roll to the left|travel leftward|move leftward|cross to the left|glide left",
                    "proceed to the left|shift leftwards"),
    Motion.RIGHT: _s("move to the right|go right|move right|head right|drift to the right|slide to the right|"
                     "roll to the right|travel rightward|move rightward|cross to the right|glide right",
                     "proceed to the right|shift rightwards"),
    Motion.UP: _s("rise|float up|fly up|go up|move upward|ascend|climb upward|lift off|drift upward|rise into the air|"
                  "move up", "soar upward|levitate upward"),
    Motion.DOWN: _s("fall|sink|drop|descend|move down|go down|come down|fall downward|drift down|tumble down|"
                    "slide downward", "plummet|plunge downward"),
    Motion.TOWARD: _s("come toward the camera|approach the camera|move closer|come closer|approach the viewer|"
                      "move toward the camera|head toward us|come forward|move towards the viewer",
                      "advance toward us|draw nearer"),
    Motion.AWAY: _s("move away|go away from the camera|recede into the distance|move into the distance|"
                    "head into the distance|move away from the viewer|retreat into the background|"
                    "go off into the distance",
                    "withdraw into the distance|fade off into the distance"),
    Motion.BOUNCE: _s("bounce|bounce up and down|hop|jump up and down|bob up and down|keep bouncing|leap up and down|"
                      "spring up and down", "boing up and down|bounce around"),
    Motion.SPIN: _s("spin|rotate|twirl|spin around|turn in circles|whirl|revolve|spin in place|rotate slowly",
                    "pirouette|twirl around and around"),
    Motion.GROW: _s("grow|get bigger|expand|grow larger|swell|enlarge|grow in size|scale up|become bigger",
                    "balloon in size|increase in size"),
    Motion.SHRINK: _s("shrink|get smaller|contract|dwindle|become smaller|shrink down|scale down|grow smaller",
                      "diminish|decrease in size"),
}

# Gait verbs; the direction comes from MOTION_DIRECTION_TAILS.
GAIT: dict[Gait, Synonyms] = {
    Gait.WALK: _s("walk|stroll|wander|march|amble|trot|step|pace", "saunter|trudge"),
    Gait.RUN: _s("run|sprint|jog|dash|race|gallop|rush|hurry", "scamper|bolt"),
}

# What follows a gait verb to give its direction.
GAIT_DIRECTION: dict[Motion, Synonyms] = {
    Motion.LEFT: _s("to the left|left|leftward|towards the left|off to the left", "in a leftward direction"),
    Motion.RIGHT: _s("to the right|right|rightward|towards the right|off to the right", "in a rightward direction"),
    Motion.TOWARD: _s("toward the camera|towards the viewer|closer|toward us|towards the camera",
                      "straight at the camera"),
    Motion.AWAY: _s("away|into the distance|away from the camera|off into the distance|away from us",
                    "toward the horizon"),
}

SPEED: dict[Speed, Synonyms] = {
    Speed.SLOW: _s("slowly|gently|leisurely|lazily|at a slow pace|unhurriedly|gradually|calmly|in slow motion",
                   "sluggishly|at a crawl"),
    Speed.NORMAL: _s("at a steady pace|at a normal pace|steadily|at an even pace|at a moderate speed",
                     "at a regular pace"),
    Speed.FAST: _s("quickly|fast|rapidly|swiftly|at high speed|briskly|hurriedly|speedily|in a hurry|energetically",
                   "at full tilt|at breakneck speed"),
}

# Effects as verb phrases (base form), what happens to the subject.
EFFECT: dict[Effect, Synonyms] = {
    Effect.CAKE_IFY: _s("turn into a cake|become a cake|get cake-ified|transform into cake|turn out to be a cake|"
                        "get sliced open to reveal it is cake|be revealed as cake", "morph into a frosted cake"),
    Effect.CRUMBLE: _s("crumble|crumble into pieces|fall apart|crumble to dust|break into crumbs|"
                       "disintegrate into chunks",
                       "crumble away to rubble"),
    Effect.CRUSH: _s("get crushed|be crushed|get flattened by a press|be squashed flat|get smashed flat|"
                     "be crushed flat",
                     "get pressed flat"),
    Effect.DECAPITATE: _s("lose its head|have its head pop off|get decapitated|have its top fly off|get beheaded",
                          "have its top knocked clean off"),
    Effect.DEFLATE: _s("deflate|go flat|lose its air|sag flat|shrivel like a punctured balloon|collapse like a balloon",
                       "deflate like a tyre"),
    Effect.DISSOLVE: _s("dissolve|dissolve into particles|fade away into dust|dissolve away|turn to dust|"
                        "disintegrate into specks", "scatter into fine particles"),
    Effect.EXPLODE: _s("explode|blow apart|burst apart|explode into pieces|blow up into fragments|burst into bits",
                       "shatter explosively"),
    Effect.EYE_POP: _s("have its eyes pop out|get bulging eyes|have its eyes bulge out|go googly-eyed|"
                       "have cartoon eyes pop out", "stare with popping eyes"),
    Effect.INFLATE: _s("inflate|puff up|inflate like a balloon|swell up like a balloon|get pumped full of air|"
                       "balloon up",
                       "blow up like a balloon"),
    Effect.LEVITATE: _s("levitate|float up into the air|hover in the air|rise up to hover|levitate off the ground|"
                        "float weightlessly", "defy gravity"),
    Effect.MELT: _s("melt|melt into a puddle|melt away|melt down|turn into goo|melt into drips", "liquefy"),
    Effect.PEEL: _s("peel|peel away|peel like a sticker|peel off|have its skin peel away|peel back",
                    "flake off"),
    Effect.POKE: _s("get poked|be poked|get prodded|get poked by a finger|get jabbed|be prodded",
                    "receive a poke"),
    Effect.SQUISH: _s("get squished|be squished|get squeezed|squish|be squeezed like a stress ball|get squashed",
                      "be compressed like jelly"),
    Effect.TA_DA: _s("vanish with a ta-da|disappear in a puff|do a ta-da|vanish like a magic trick|"
                     "disappear like magic|vanish under a cloth", "vanish in a magic reveal"),
    Effect.TEAR: _s("tear apart|rip in half|tear in two|get torn apart|rip apart like paper|split open",
                    "be ripped to shreds"),
}

TIMING: dict[Timing, Synonyms] = {
    Timing.EARLY: _s("right away|at the start|immediately|straight away|early on|at the beginning|soon",
                     "almost at once"),
    Timing.MIDDLE: _s("halfway through|midway|in the middle of the clip|partway through|mid-clip|after a moment",
                      "about halfway"),
    Timing.LATE: _s("at the end|eventually|finally|near the end|after a while|at the very end|in the end",
                    "toward the close"),
}

# What one subject does to another ("a dog chasing a ball"): it joins two subjects into one scene
# (both appear); the world draws neither the relation nor where they stand, so no spatial words here.
RELATION: Synonyms = _s("chasing|following|watching|looking at|playing with|facing|racing|greeting|"
                        "guarding|waiting for|trailing|meeting", "pursuing|staring at")
# A person taking an animal along: both walk, the same way ("a woman walking her dog").
LEADING: Synonyms = _s("walking|leading", "")
# Whose the second subject is, when the first is one person ("a man and his dog").
POSSESSIVE: tuple[str, ...] = ("his", "her", "their")

# What captions say one subject with besides an article ("one cat", "a single cat").
SINGLE: tuple[str, ...] = ("one", "a single")

# How many: exact numbers, and vague plurals with the counts they allow.
COUNT_WORDS: dict[tuple[int, ...], Synonyms] = {
    (2,): _s("two|a pair of|a couple of|2", "twin"),
    (3,): _s("three|a trio of|3", "a threesome of"),
    (4,): _s("four|a quartet of|4", "a foursome of"),
    (2, 3): _s("some|a few|a couple of", ""),
    (2, 3, 4): _s("several|a group of|a bunch of|multiple", "numerous"),
}

_VOWEL_SOUND_EXCEPTIONS = ("one", "uni", "euro", "use")
_SILENT_H = ("hour", "honest", "heir")


def article(next_word: str) -> str:
    """'a' or 'an' by the sound of the next word."""
    w = next_word.lower()
    if w.startswith(_SILENT_H):
        return "an"
    if w.startswith(_VOWEL_SOUND_EXCEPTIONS) or w[:1].isdigit():
        return "a"
    return "an" if w[:1] in "aeio" or (w.startswith("u") and not w.startswith("uni")) else "a"


def plural(noun: str) -> str:
    if noun in NOUN_PLURALS:
        return NOUN_PLURALS[noun]
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last in NOUN_PLURALS:
        return prefix + NOUN_PLURALS[last]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return f"{prefix}{last}es"
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        return f"{prefix}{last[:-1]}ies"
    return f"{prefix}{last}s"


@cache
def kind_nouns() -> frozenset[str]:
    """The noun that ends each kind's training phrase ("ball", "crate", "figure"), and its plural."""
    heads = {phrase.split()[-1].lower() for synonyms in KIND.values() for phrase in synonyms.train}
    return frozenset(heads | {plural(head) for head in heads})


_IRREGULAR_THIRD = {"have": "has", "be": "is", "do": "does", "go": "goes"}
_IRREGULAR_ING = {"be": "being", "lie": "lying", "die": "dying", "see": "seeing", "flee": "fleeing"}
_DOUBLE_FINAL = {"run", "spin", "hop", "drop", "stop", "swim", "jog", "step", "get", "rip", "plummet", "sit", "dip",
                 "trot", "scamper", "bob", "sag", "split", "nap"}
_NO_DOUBLE = {"plummet", "scamper"}


def conjugate(phrase: str, form: str) -> str:
    """Inflect the first word of a base-form verb phrase: form is 'base', 'plural' (present, as in
    "they are"), 'third' or 'ing'."""
    verb, sep, rest = phrase.partition(" ")
    if form == "base":
        return phrase
    if form == "plural":
        return ("are" if verb == "be" else verb) + sep + rest
    if form == "third":
        if verb in _IRREGULAR_THIRD:
            out = _IRREGULAR_THIRD[verb]
        elif verb.endswith(("s", "x", "z", "ch", "sh", "o")):
            out = verb + "es"
        elif verb.endswith("y") and verb[-2:-1] not in "aeiou":
            out = verb[:-1] + "ies"
        else:
            out = verb + "s"
    elif form == "ing":
        if verb in _IRREGULAR_ING:
            out = _IRREGULAR_ING[verb]
        elif verb in _DOUBLE_FINAL and verb not in _NO_DOUBLE:
            out = verb + verb[-1] + "ing"
        elif verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
            out = verb[:-1] + "ing"
        else:
            out = verb + "ing"
    else:
        raise ValueError(f"unknown verb form {form!r}")
    return out + sep + rest

COLUMN: dict[Column, Synonyms] = {
    Column.FAR_LEFT: _s("on the far left|at the far left|at the left edge|at the left edge of the frame|"
                        "far to the left",
                        "at the extreme left"),
    Column.LEFT: _s("on the left|on the left side|on the left-hand side|to the left of centre|left of center",
                    "on the left half"),
    Column.CENTER: _s("in the center|in the centre|in the middle|in the middle of the frame|centered|at the centre",
                      "dead centre"),
    Column.RIGHT: _s("on the right|on the right side|on the right-hand side|to the right of centre|right of center",
                     "on the right half"),
    Column.FAR_RIGHT: _s("on the far right|at the far right|at the right edge|at the right edge of the frame|"
                         "far to the right", "at the extreme right"),
}

ROW: dict[Row, Synonyms] = {
    Row.LOW: _s("on the ground|at the bottom of the frame|down low|on the floor|at ground level", "along the ground"),
    Row.MID: _s("in mid-air|halfway up|at mid-height|in the middle of the air|floating at mid-height",
                "suspended in the air"),
    Row.HIGH: _s("in the sky|high up|high in the air|at the top of the frame|overhead|up high", "way up high"),
}

# Words that carry no scene token: the generator must learn to ignore them.
STYLE_WORDS: tuple[str, ...] = (
    "cinematic", "4k", "highly detailed", "photorealistic", "beautiful", "masterpiece", "dramatic",
    "shot on 35mm film", "trending on artstation", "ultra hd", "award-winning", "epic", "high quality",
    "sharp focus", "8k", "octane render", "film grain", "professional footage", "stunning", "whimsical",
)
DISTRACTORS: tuple[str, ...] = (
    "as music plays", "with a gentle breeze", "in the style of a children's book", "while time seems to stop",
    "as the wind howls", "with a sense of wonder", "full of quiet mystery", "like a scene from a dream",
    "with a melancholy mood", "as if in a memory", "in a playful mood", "with an air of calm",
    "hinting at a hidden story", "as the world holds its breath", "with cheerful energy",
)
NEGATIVE_NOISE: tuple[str, ...] = (
    "blurry", "low quality", "watermark", "text", "distorted", "ugly", "jpeg artifacts", "deformed",
    "bad anatomy", "low resolution", "out of frame", "duplicate", "noisy", "oversaturated", "overexposed",
)

# Nouns for a subject whose kind the caption leaves partly open.
VAGUE_NOUN: dict[str, tuple[str, ...]] = {
    "shape": ("shape", "object", "thing", "toy", "geometric shape"),
    "animal": ("animal", "creature", "critter", "pet"),
    "any": ("something", "an object", "a thing"),  # used bare, with its own determiner
}

GARMENTS: tuple[str, ...] = ("shirt", "jacket", "coat", "dress", "hoodie", "sweater", "raincoat", "t-shirt", "scarf",
                             "tracksuit", "cloak", "jumpsuit")
