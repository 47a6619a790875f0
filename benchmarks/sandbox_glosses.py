"""What the glosses cost: building each once per process, and reading a prompt.

The sandbox pipeline builds four glosses when it starts (colour names from the colour survey,
nouns and verbs from WordNet, place phrases by MiniLM sentence embeddings of the training phrases)
and runs every prompt through them before encoding it. This prints the time to load and build
each, the time per prompt over held-out captions (the word glosses together, the place gloss
apart: it runs the text encoder on the phrases it considers), and how many of those captions each
gloss changes (training captions: none, by construction).

    python benchmarks/sandbox_glosses.py [--prompts 4000]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from framecast.engine.sandbox.captions import EVAL_RATES, TRAIN_RATES, caption
from framecast.engine.sandbox.colour_names import SURVEY_PATH, load_survey
from framecast.engine.sandbox.colour_names import build_gloss as build_colours
from framecast.engine.sandbox.gloss import Gloss, training_words
from framecast.engine.sandbox.kind_names import NOUNS_PATH, load_nouns
from framecast.engine.sandbox.kind_names import build_gloss as build_kinds
from framecast.engine.sandbox.motion_names import VERBS_PATH, load_verbs
from framecast.engine.sandbox.motion_names import build_gloss as build_motions
from framecast.engine.sandbox.place_phrases import build_place_gloss
from framecast.engine.sandbox.text import TextEncoder


def _built(name: str, load: Callable[[], Any], build: Callable[[Any, set[str]], Gloss[Any]],
           known: set[str]) -> Gloss[Any]:
    t0 = time.perf_counter()
    table = load()
    t1 = time.perf_counter()
    gloss = build(table, known)
    t2 = time.perf_counter()
    tracemalloc.start()  # a second, traced run: tracing slows the first several times over
    traced = build(load(), known)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert traced == gloss
    print(f"{name:<8} load {1000 * (t1 - t0):5.0f} ms  build {1000 * (t2 - t1):5.0f} ms  "
          f"{len(gloss.meanings):6d} words  peak {peak / 2**20:5.1f} MiB while loading and building")
    return gloss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=4000)
    args = parser.parse_args()
    known = training_words()
    glosses = {
        "colours": _built("colours", lambda: load_survey(SURVEY_PATH), build_colours, known),
        "nouns": _built("nouns", lambda: load_nouns(NOUNS_PATH), build_kinds, known),
        "verbs": _built("verbs", lambda: load_verbs(VERBS_PATH), build_motions, known),
    }
    encoder = TextEncoder(cache_size=0)
    t0 = time.perf_counter()
    places = build_place_gloss(encoder.sentence_embeddings, known)
    print(f"places   build {1000 * (time.perf_counter() - t0):5.0f} ms  {len(places.meanings):6d} training phrases "
          "embedded (the text encoder itself loads with the pipeline)")
    for split, held_out, rates in (("held-out", True, EVAL_RATES), ("training", False, TRAIN_RATES)):
        rng = np.random.default_rng(2024)
        prompts = [caption(rng, held_out=held_out, rates=rates).text for _ in range(args.prompts)]
        changed = dict.fromkeys([*glosses, "places"], 0)
        words = places_time = 0.0
        for prompt in prompts:
            t0 = time.perf_counter()
            for name, gloss in glosses.items():
                glossed = gloss(prompt)
                changed[name] += glossed != prompt
                prompt = glossed
            t1 = time.perf_counter()
            changed["places"] += places(prompt) != prompt
            words, places_time = words + t1 - t0, places_time + time.perf_counter() - t1
        print(f"{split} captions: {1e6 * words / len(prompts):.0f} µs a prompt through the three word glosses, "
              f"{1e3 * places_time / len(prompts):.2f} ms through the place gloss; changed: "
              + ", ".join(f"{name} {n}" for name, n in changed.items()) + f" of {len(prompts)}")


if __name__ == "__main__":
    main()
