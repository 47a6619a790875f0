"""The learned scene generator: a small autoregressive transformer over scene tokens.

It reads the prompt through cross-attention on frozen MiniLM token embeddings and emits the scene
one field at a time (setting, light, camera, then each subject's attributes until it ends the
scene). A negative prompt steers the draw through classifier-free guidance against it, which the
training's caption dropout (the empty prompt's branch) makes meaningful.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from framecast.engine.sandbox import WEIGHTS_DIR
from framecast.engine.sandbox import tokens as tk
from framecast.engine.sandbox.scene import MAX_SUBJECTS, Effect
from framecast.engine.sandbox.text import TEXT_DIM
from framecast.engine.sandbox.world import GENERATED_KINDS
from framecast.errors import ConfigurationError

__all__ = [
    "DEFAULT_WEIGHTS",
    "EFFECT_READING",
    "EXACT_STOP_TEMPERATURE",
    "NOTHING",
    "STOP_TEMPERATURE",
    "GeneratorConfig",
    "NamedValue",
    "SceneGenerator",
    "load_generator",
    "save_generator",
    "vocabulary_signature",
]

DEFAULT_WEIGHTS = WEIGHTS_DIR / "scene_generator.safetensors"
MAX_TEXT_POSITIONS = 128  # the text encoder's truncation
NOTHING = tk.VOCAB_SIZE  # the word channel's reading of a piece that names no scene value
# A word piece names an effect (for :meth:`SceneGenerator.named_effects`) when the word channel reads
# it as one at least this likely. Generator alone on three draws of 300 held-out prompts, effects
# right: drawn as read 88.6 / 88.9 / 83.9 %; with every named effect drawn, 90.9 / 90.6 / 88.1 % as
# shipped. A first version of the rule (any piece, one effect per run of pieces, given to the free
# subject attending most) scored 90.9 / 90.6 / 89.0 % at 0.5, 89.4 / 89.7 / 88.1 at 0.3 and 90.2 /
# 90.6 / 87.3 at 0.7, but also gave an effect to 2 to 3 % of prompts naming none ("a" read as Ta-da;
# as shipped 1 of 386 held-out and 3 of 475 training-style prompts).
EFFECT_READING = 0.5
_NO_EFFECT = tk.token_of("effect", Effect.NONE)
_EFFECT_TOKENS = tuple(tk.token_of("effect", e) for e in Effect if e is not Effect.NONE)
_KIND_TOKENS = tuple(tk.token_of("kind", k) for k in GENERATED_KINDS)
# A kind the prompt names that no subject was drawn as is added where the scene closed only if the
# generator itself gives it at least this share of closing's probability there (log, before the stop
# is sharpened): "a man with a red ball at the beach" drew the man or the ball alone on 20 of 20
# seeds, and its ball is 0.06 as likely as closing. Chosen on training-style captions and the
# eleven companion prompts, never the held-out ones: companions right 166 -> 201 / 206 / 206 of
# 220 at 0.1 / 0.05 / 0.02, count of 600 training-style captions 98.2 % at each, 96.2 % with no
# floor, where a word the channel reads as a kind in a style or a place ("in the style of a
# children's book", "beneath the stars", at 0.00002 to 0.002) would be drawn too.
NAMED_KIND_FLOOR = math.log(0.05)
# Two subjects whose kind fields attend most to word pieces this close read one noun ("life rings":
# one subject may attend to "life", the next to "rings"); two nouns are at least "and a" apart.
_NOUN_PIECES = 2

# A token is drawn only if it is at least this fraction as likely as the most likely one. 0.1 over
# 0.05: what the prompt names wins more often (generator alone on held-out prompts: count +0.5 points
# on eval seed 2024, count +0.5 and motion +0.7 on seed 6000; "a red ball and a blue dog" right on
# 20 of 20 seeds, was 17), while open attributes keep their variety (0.2 cut a ball's cameras over
# 60 seeds from 6 to 3).
MIN_P = 0.1
# Whether one more subject follows is drawn from the generator's stop probability sharpened by this
# temperature (p^(1/T), renormalised against going on). The generator reads a number word softly:
# "three red balls" gives a 27 % chance of stopping after two and 40 % of a fourth; sharpened, "three"
# gives three in 47 of 80 samples instead of 27, "two" 80 instead of 76 and "four" 77 instead of 68,
# and the count row of held-out prompts rises about a point on each of four draws of 400 prompts with
# no other row lower on average over them. Open counts still vary, a little less ("some dogs" over 30
# seeds: 2, 3 or 4 subjects 10, 17 and 3 times, was 12, 12 and 6), and a prompt naming no subject
# draws none a little less often (4 to 6 of 30 seeds, was 9).
STOP_TEMPERATURE = 0.5
# Where the prompt gives an exact number ("two", "a trio of", "one": number_words.exact_counts), nothing
# about the count is open, and the stop is sharpened almost to its most likely outcome: "three" +
# eight nouns gives three in 80 of 80 samples instead of 47, "three red balls" 20 of 20 instead of 15,
# "two" 80 of 80 either way, "four" 75 instead of 77, "3" 76 instead of 43, "a trio of" 65 instead of 41
# and "a quartet of" 48 instead of 56 (the generator's likeliest reading of it in some contexts is
# three). At 0.2: 77, 20, 80 and 76; at 0.3: 67, 18, 80 and 77. Prompts without one keep
# STOP_TEMPERATURE, so "some dogs" still varies.
EXACT_STOP_TEMPERATURE = 0.1


class NamedValue(NamedTuple):
    """An effect or a kind the prompt names: its scene token, and the word pieces naming it."""

    token: int
    pieces: tuple[int, ...]


@dataclass(frozen=True)
class GeneratorConfig:
    d_model: int = 128
    n_layers: int = 3
    n_heads: int = 4
    ff_mult: int = 2
    dropout: float = 0.1
    text_dim: int = TEXT_DIM
    # Trainable self-attention blocks over the projected prompt before the decoder reads it: where the
    # frozen embeddings of "a red ball and a blue dog" blur which colour goes with which noun, these
    # learn it (the decoder's cross-attention alone can only match, not relate, the words).
    text_layers: int = 1
    # Each word piece's meaning as the generator reads it: a cosine classifier over the pieces says
    # which scene value ("red", "melt") a piece names, and that reading joins the piece's memory. A
    # nearest-direction read carries over to words no caption used ("flake off" lands nearest "peel").
    # Same captions and seed, with the channel against without (`framecast sandbox eval`'s
    # generator-alone tables, three draws of held-out prompts): effects named with held-out verbs
    # 45 / 66 / 57 % against 35 / 61 / 41 %, every other attribute within a point on average.
    word_channel: bool = True
    # The word channel also learns that a piece names nothing (an article, a frame's "we see", a
    # style word): without that class every piece is read as some value ("see" as Eye-pop, "clip"
    # as mid-clip, "a" as Ta-da). Off in the shipped weights: trained with it (seed 0, same
    # captions), the channel read those pieces as nothing, but the decoder still attended to "see"
    # for the effect; on three draws of held-out prompts colours rose a point and settings 0.7,
    # effects fell 3 (84.8 / 85.5 / 82.2 % against 88.6 / 88.9 / 83.9).
    word_nothing: bool = False


def vocabulary_signature() -> str:
    """Changes whenever the token layout does, so weights trained on another layout are refused."""
    layout = [(f.name, [str(v) for v in f.values]) for f in tk.FIELDS]
    return hashlib.sha256(json.dumps([layout, tk.SEQ_LEN]).encode()).hexdigest()[:16]


class _Block(nn.Module):
    """Pre-norm decoder block: causal self-attention, cross-attention to the prompt, feed-forward.

    Written out (rather than nn.TransformerDecoderLayer) to hand back the cross-attention weights,
    which training supervises: a subject's tokens should read the words that describe it.
    """

    def __init__(self, d: int, heads: int, ff: int, dropout: float) -> None:
        super().__init__()
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.self_attn = nn.MultiheadAttention(d, heads, dropout=dropout, batch_first=True)
        self.cross_attn = nn.MultiheadAttention(d, heads, dropout=dropout, batch_first=True)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Dropout(dropout), nn.Linear(ff, d))
        self.drop = nn.Dropout(dropout)

    def forward(
        self, x: torch.Tensor, memory: torch.Tensor, causal: torch.Tensor, memory_pad: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.norm1(x)
        x = x + self.drop(self.self_attn(h, h, h, attn_mask=causal, need_weights=False)[0])
        h = self.norm2(x)
        attended, weights = self.cross_attn(h, memory, memory, key_padding_mask=memory_pad, need_weights=True)
        x = x + self.drop(attended)
        x = x + self.drop(self.ff(self.norm3(x)))
        return x, weights


class _TextBlock(nn.Module):
    """Pre-norm self-attention and feed-forward over the prompt's word pieces."""

    def __init__(self, d: int, heads: int, ff: int, dropout: float) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, dropout=dropout, batch_first=True)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Dropout(dropout), nn.Linear(ff, d))
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        x = x + self.drop(self.attn(h, h, h, key_padding_mask=pad, need_weights=False)[0])
        out: torch.Tensor = x + self.drop(self.ff(self.norm2(x)))
        return out


class _CosineHead(nn.Module):
    """Logits as scaled cosines between a feature and one learned direction per scene token."""

    def __init__(self, d: int, classes: int, scale: float = 16.0) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(classes, d) * 0.02)
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.scale * nn.functional.normalize(x, dim=-1) @ nn.functional.normalize(
            self.weight, dim=-1).T
        return out


class SceneGenerator(nn.Module):
    valid: torch.Tensor
    stop_token: torch.Tensor
    causal: torch.Tensor
    field_of_position: torch.Tensor
    slot_of_position: torch.Tensor

    def __init__(self, config: GeneratorConfig) -> None:
        super().__init__()
        self.config = config
        d = config.d_model
        self.text_in = nn.Sequential(nn.LayerNorm(config.text_dim), nn.Linear(config.text_dim, d))
        # Where a word piece sits in the prompt: the n-th subject is found after the (n-1)-th.
        self.text_position = nn.Parameter(torch.zeros(MAX_TEXT_POSITIONS, d))
        self.token_embedding = nn.Embedding(tk.VOCAB_SIZE + 1, d)  # + BOS
        # A position is its field plus its subject slot, not a free vector per position: reading a
        # colour is one skill for every subject, so the fourth subject (rarely trained) shares it
        # with the first.
        self.field_embedding = nn.Parameter(torch.zeros(len(tk.FIELDS), d))
        self.slot_embedding = nn.Parameter(torch.zeros(1 + MAX_SUBJECTS, d))
        self.text_layers = nn.ModuleList(
            _TextBlock(d, config.n_heads, config.ff_mult * d, config.dropout) for _ in range(config.text_layers)
        )
        self.layers = nn.ModuleList(
            _Block(d, config.n_heads, config.ff_mult * d, config.dropout) for _ in range(config.n_layers)
        )
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, tk.VOCAB_SIZE)
        if config.word_channel:
            self.word_head = _CosineHead(d, self.word_classes)
            self.meaning = nn.Linear(self.word_classes, d, bias=False)
        nn.init.normal_(self.field_embedding, std=0.02)
        nn.init.normal_(self.slot_embedding, std=0.02)
        nn.init.normal_(self.text_position, std=0.02)
        self.register_buffer("valid", torch.from_numpy(tk.valid_mask()), persistent=False)
        self.register_buffer("stop_token", torch.tensor(tk.stop_tokens()), persistent=False)
        self.register_buffer("field_of_position", torch.tensor(tk.FIELD_INDEX), persistent=False)
        self.register_buffer("slot_of_position", torch.tensor(tk.SLOT_INDEX), persistent=False)
        self.register_buffer(
            "causal", torch.triu(torch.ones(tk.SEQ_LEN, tk.SEQ_LEN, dtype=torch.bool), diagonal=1), persistent=False
        )

    @property
    def word_classes(self) -> int:
        """How many readings the word channel tells apart: every scene token, and :data:`NOTHING`."""
        return tk.VOCAB_SIZE + int(self.config.word_nothing)

    def position_embedding(self, length: int) -> torch.Tensor:
        """(length, d): each position's field and subject slot."""
        return (self.field_embedding[self.field_of_position[:length]]
                + self.slot_embedding[self.slot_of_position[:length]])

    def words(self, text: torch.Tensor) -> torch.Tensor:
        """(B, L, d): what each word piece says, before where it sits is added."""
        out: torch.Tensor = self.text_in(text)
        return out

    def word_logits(self, words: torch.Tensor) -> torch.Tensor:
        """(B, L, C): which scene token each word piece names, read from :meth:`words`; with
        ``word_nothing`` the last of the :attr:`word_classes` is :data:`NOTHING` (without it the
        reading is meaningless on pieces outside the captions' named phrases)."""
        out: torch.Tensor = self.word_head(words)
        return out

    def memory(self, text: torch.Tensor) -> torch.Tensor:
        """(B, L, d): the prompt as the decoder reads it, before the prompt blocks: each word piece,
        its reading as a scene value (with the channel), and where it sits."""
        length = min(text.shape[1], MAX_TEXT_POSITIONS)
        words = self.words(text[:, :length])
        out = words + self.text_position[:length]
        if self.config.word_channel:
            # The reading is the word head's alone (taught by the word loss): the decoder's loss
            # does not bend it towards the training words.
            out = out + self.meaning(torch.softmax(self.word_logits(words), -1).detach())
        return out

    def prompt(self, text: torch.Tensor, text_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The prompt as every decoder block attends to it, (B, L, d), and its padding (B, L): the
        same for every token of a scene, so sampling computes it once."""
        memory = self.memory(text)
        pad = ~text_mask[:, : memory.shape[1]]
        for block in self.text_layers:
            memory = block(memory, pad)
        return memory, pad

    def decode(
        self, inputs: torch.Tensor, memory: torch.Tensor, pad: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits (B, T, V) and every block's cross-attention (layers, B, T, L), averaged over heads,
        given the :meth:`prompt`."""
        t = inputs.shape[1]
        x = self.token_embedding(inputs) + self.position_embedding(t)
        weights = []
        for layer in self.layers:
            x, w = layer(x, memory, self.causal[:t, :t], pad)
            weights.append(w)
        logits: torch.Tensor = self.head(self.norm(x))
        return logits.masked_fill(~self.valid[:t], float("-inf")), torch.stack(weights)

    def forward_with_attention(
        self, inputs: torch.Tensor, text: torch.Tensor, text_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits (B, T, V) and every block's cross-attention (layers, B, T, L), averaged over heads."""
        return self.decode(inputs, *self.prompt(text, text_mask))

    def forward(self, inputs: torch.Tensor, text: torch.Tensor, text_mask: torch.Tensor) -> torch.Tensor:
        """Logits (B, T, V) for the token at each position given the ones before it.

        ``inputs`` are the shifted tokens (BOS first), ``text`` (B, L, 384) and ``text_mask`` (B, L)
        True where a word piece is. Tokens a position may not emit get -inf.
        """
        return self.forward_with_attention(inputs, text, text_mask)[0]

    @torch.inference_mode()
    def sample(
        self,
        text: torch.Tensor,
        negative: torch.Tensor | None,
        seed: int,
        guidance: float = 3.0,
        min_p: float = MIN_P,
        stop_temperature: float = STOP_TEMPERATURE,
        effects: Sequence[NamedValue] = (),
        kinds: Sequence[NamedValue] = (),
        record: dict[int, int] | None = None,
    ) -> npt.NDArray[np.int64]:
        """One scene's tokens for a prompt's (L, 384) embeddings, steered away from ``negative``'s.

        Each token is drawn among those the prompt makes plausible: at least ``min_p`` times as
        likely as the most likely one under the prompt alone. That cut comes first because guidance
        multiplies ratios: a tail token a hundred times likelier under the prompt than without it
        (an effect nobody asked for, a fifth subject) would otherwise win. Among the plausible
        tokens, a negative prompt reweights by classifier-free guidance against it, so it decides
        only what the prompt leaves open. With no negative prompt the draw is the prompt's own
        distribution: guidance against the empty prompt would push every open attribute away from
        the world's prior and, after the last named subject, away from ending the scene. Where a
        subject slot may close the scene, the chance of closing it is first sharpened against going
        on by ``stop_temperature`` (see ``STOP_TEMPERATURE``).

        ``kinds`` are the kinds the prompt names (:meth:`named_kinds`). One that no subject was drawn
        as, and that the generator finds plausible where it closed the scene, is drawn there as one
        more subject (:meth:`_unnamed`), the scene drawn again from there with the same random draws.

        ``effects`` are the effects the prompt names (:meth:`named_effects`). One that no subject
        was drawn with is given to the subject without an effect whose effect field attends most
        to its words, and the scene is drawn again from there with the same random draws, so
        everything before that field stays as it was. Then the members of a plural group drawn
        without it take the effect said of the group (:meth:`_shared`).

        ``record``, if given, is filled with the fields those checks set (position -> token), for the log.
        """
        branches = [text] if negative is None or negative.shape[0] == 0 else [text, negative]
        length = min(max(e.shape[0] for e in branches), MAX_TEXT_POSITIONS)
        dtype = self.field_embedding.dtype
        memory = torch.zeros(len(branches), length, text.shape[1], dtype=dtype)
        mask = torch.zeros(len(branches), length, dtype=torch.bool)
        for row, emb in enumerate(branches):
            n = min(emb.shape[0], length)
            memory[row, :n], mask[row, :n] = emb[:n].to(dtype), True
        mask[:, 0] = True  # an empty prompt still has its [CLS] position to attend to
        prompt = self.prompt(memory, mask)
        forced: dict[int, int] = {}
        tokens = self._draw(prompt, seed, guidance, min_p, stop_temperature, forced)
        # Each check names one field to force, or none; the scene is drawn on from there until it has
        # nothing more to force (at most once per named kind, then per named effect, then per subject).
        checks = ((self._unnamed, kinds, len(kinds)), (self._uncovered, effects, len(effects)),
                  (self._shared, effects, MAX_SUBJECTS if effects else 0))
        for check, named, rounds in checks:
            for _ in range(rounds):
                pick = check(tokens, named, prompt, forced)
                if pick is None:
                    break
                forced[pick[0]] = pick[1]
                tokens = self._draw(prompt, seed, guidance, min_p, stop_temperature, forced)
        if record is not None:
            # A later check can make the draw close before a field set earlier: only those drawn count.
            record.update({p: t for p, t in forced.items() if p < len(tokens)})
        return np.asarray(tokens, dtype=np.int64)

    def _draw(self, prompt: tuple[torch.Tensor, torch.Tensor], seed: int, guidance: float, min_p: float,
              stop_temperature: float, forced: dict[int, int]) -> list[int]:
        """The tokens drawn token by token (see :meth:`sample`); at a ``forced`` position the draw is
        made and then replaced, so the draws after it are the ones an unforced scene would use."""
        generator = torch.Generator().manual_seed(int(seed) & 0xFFFF_FFFF_FFFF)
        guided = prompt[0].shape[0] == 2
        floor = float(np.log(min_p))
        out: list[int] = []
        inputs = torch.full((prompt[0].shape[0], 1), tk.BOS, dtype=torch.long)
        for p in range(tk.SEQ_LEN):
            # Guidance and the draw in float64: the sums that decide a token do not depend on the
            # order the float32 network happened to add in.
            logits = self.decode(inputs, *prompt)[0][:, -1].double()
            cond = torch.log_softmax(logits[0], -1)
            stop = int(self.stop_token[p])
            if stop >= 0 and stop_temperature != 1.0:
                cond = _sharpen_stop(cond, stop, stop_temperature)
            plausible = self.valid[p] & (cond >= cond.max() + floor)
            scores = cond
            if guided:
                scores = cond + (guidance - 1.0) * (cond - torch.log_softmax(logits[1], -1))
            scores = torch.where(plausible, scores, float("-inf"))
            probs = torch.softmax(scores, -1)
            probs = torch.where(probs >= probs.max() * min_p, probs, 0.0)
            token = int(torch.multinomial(probs / probs.sum(), 1, generator=generator))
            token = forced.get(p, token)
            out.append(token)
            if tk.is_end(p, token):
                break
            inputs = torch.cat([inputs, torch.full((inputs.shape[0], 1), token, dtype=torch.long)], dim=1)
        return out

    def _uncovered(self, tokens: list[int], effects: Sequence[NamedValue], prompt: tuple[torch.Tensor, torch.Tensor],
                   forced: dict[int, int]) -> tuple[int, int] | None:
        """(effect field position, effect token) to force next, or None: a named effect no subject of
        ``tokens`` was drawn with goes to the subject whose effect field attends most to its words
        (the decoder's cross-attention, averaged over blocks and heads), if that subject was drawn
        without an effect and not forced. Where it has an effect of its own, the generator has read
        the words, as whatever it drew. Of several such effects, the one attended to most goes first."""
        fields = range(tk.subject_position(0, "effect"), len(tokens), tk.SUBJECT_LEN)  # the subjects drawn
        drawn = {tokens[p] for p in fields}
        missing = [e for e in effects if e.token not in drawn]
        if not missing or not fields:
            return None  # every named effect drawn, or no subject to take one
        attention = self._attention(tokens, prompt)
        picks = []
        for e in missing:
            mass, position = max((float(attention[p, list(e.pieces)].sum()), p) for p in fields)
            if tokens[position] == _NO_EFFECT and position not in forced:
                picks.append((mass, position, e.token))
        return max(picks)[1:] if picks else None

    def _unnamed(self, tokens: list[int], kinds: Sequence[NamedValue], prompt: tuple[torch.Tensor, torch.Tensor],
                 forced: dict[int, int]) -> tuple[int, int] | None:
        """(kind field position, kind token) to force next, or None: a kind the prompt names that no
        subject was drawn as becomes one more subject where the scene closed, if the generator gives
        it at least :data:`NAMED_KIND_FLOOR` of closing's probability there and no subject of a kind
        the prompt does not name was drawn reading its words (its kind field attending most to a
        piece within :data:`_NOUN_PIECES` of them: the generator read them, as whatever it drew)."""
        fields = list(range(tk.subject_position(0, "kind"), len(tokens), tk.SUBJECT_LEN))
        end = fields[-1]
        if not tk.is_end(end, tokens[end]) or end in forced:
            return None  # four subjects already, or one added here before
        named, drawn = {k.token for k in kinds}, {tokens[p] for p in fields[:-1]}
        missing = [k for k in kinds if k.token not in drawn]
        if not missing:
            return None
        logits, attention = self._read_back(tokens, prompt)
        logp = torch.log_softmax(logits[end].double(), -1)
        # A subject of a kind the prompt names stands for those words, wherever its kind field looks.
        nouns = [int(attention[p].argmax()) for p in fields[:-1] if tokens[p] not in named]
        for k in missing:
            read = any(min(abs(n - i) for i in k.pieces) <= _NOUN_PIECES for n in nouns)
            if not read and float(logp[k.token] - logp[tokens[end]]) >= NAMED_KIND_FLOOR:
                return end, k.token
        return None

    def _attention(self, tokens: list[int], prompt: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        """(T, L): how much each of the drawn ``tokens``' fields attends to each word piece of the
        prompt, the decoder's cross-attention averaged over blocks and heads."""
        return self._read_back(tokens, prompt)[1]

    def _read_back(self, tokens: list[int], prompt: tuple[torch.Tensor, torch.Tensor]
                   ) -> tuple[torch.Tensor, torch.Tensor]:
        """The drawn ``tokens`` through the decoder again, under the prompt alone: the logits (T, V)
        each position had, and :meth:`_attention`."""
        logits, weights = self.decode(torch.tensor([[tk.BOS, *tokens[:-1]]]), prompt[0][:1], prompt[1][:1])
        return logits[0], weights.mean(0)[0]

    def _shared(self, tokens: list[int], effects: Sequence[NamedValue], prompt: tuple[torch.Tensor, torch.Tensor],
                forced: dict[int, int]) -> tuple[int, int] | None:
        """(effect field position, effect token) to force next, or None: the members of a plural
        group are drawn one by one, and "a few doggies trotting before they flake off" says the
        effect of every one of them. A subject drawn alike one with a named effect (the same kind,
        colour and motion, its kind read from the same word) but without an effect, and not forced,
        takes that effect, if the words naming it follow that noun before any other subject's."""
        named = {e.token: e for e in effects}
        subjects = tk.decode(tokens).subjects
        carried = [tk.token_of("effect", s.effect) for s in subjects]
        looks = [(s.kind, s.colour, s.motion) for s in subjects]
        free = [s.effect is Effect.NONE for s in subjects]
        carriers = [c for c in range(len(subjects)) if carried[c] in named
                    and any(free[k] and looks[k] == looks[c] for k in range(len(subjects)))]
        if not carriers:
            return None  # the usual case, decided without another pass through the decoder
        attention = self._attention(tokens, prompt)
        nouns = [int(attention[tk.subject_position(k, "kind")].argmax()) for k in range(len(subjects))]
        for c in carriers:
            before = [n for n in nouns if n < min(named[carried[c]].pieces)]
            if nouns[c] not in before or max(before) - nouns[c] > _NOUN_PIECES:
                continue  # the words do not follow this subject's noun, or follow another's
            for k in range(len(subjects)):
                position = tk.subject_position(k, "effect")
                same_noun = abs(nouns[k] - nouns[c]) <= _NOUN_PIECES
                if free[k] and position not in forced and looks[k] == looks[c] and same_noun:
                    return position, carried[c]
        return None

    @torch.inference_mode()
    def named(self, text: torch.Tensor, wordlike: Sequence[bool]) -> tuple[list[NamedValue], list[NamedValue]]:
        """:meth:`named_kinds` and :meth:`named_effects` from one pass of the word channel."""
        if not self.config.word_channel:
            return [], []
        readings = self._word_readings(text)
        return _runs(readings, wordlike, _KIND_TOKENS), _runs(readings, wordlike, _EFFECT_TOKENS)

    @torch.inference_mode()
    def named_kinds(self, text: torch.Tensor, wordlike: Sequence[bool]) -> list[NamedValue]:
        """The kinds a prompt's (L, 384) embeddings name, read as :meth:`named_effects` reads effects
        ("a man with a red ball": person, ball). None without a word channel."""
        return self.named(text, wordlike)[0]

    @torch.inference_mode()
    def named_effects(self, text: torch.Tensor, wordlike: Sequence[bool]) -> list[NamedValue]:
        """The effects a prompt's (L, 384) embeddings name, as the word channel reads them: runs of
        word pieces each read as an effect at :data:`EFFECT_READING` or more (a gap of one piece
        allowed: "ripped to shreds"), each run naming the effect its pieces read most in sum, so one
        phrase names one effect ("then" may read as a poke on its own). A run counts only if one of its
        pieces is ``wordlike`` (three letters or more: the channel's reading of "a" or [CLS] means
        nothing). None without a word channel."""
        return self.named(text, wordlike)[1]

    def _word_readings(self, text: torch.Tensor) -> torch.Tensor:
        """(L, C): the word channel's reading of each word piece of a prompt's (L, 384) embeddings."""
        length = min(text.shape[0], MAX_TEXT_POSITIONS)
        words = self.words(text[None, :length].to(self.field_embedding.dtype))
        return torch.softmax(self.word_logits(words)[0], -1)


def _runs(readings: torch.Tensor, wordlike: Sequence[bool], values: tuple[int, ...]) -> list[NamedValue]:
    """Runs of word pieces the word channel reads as one of ``values`` (see :meth:`SceneGenerator.named_effects`)."""
    best, top = readings.max(-1)
    runs: list[list[int]] = []
    for i in range(readings.shape[0]):
        if int(top[i]) in values and float(best[i]) >= EFFECT_READING:
            if runs and i - runs[-1][-1] <= 2:
                runs[-1].append(i)
            else:
                runs.append([i])
    columns = list(values)
    return [NamedValue(columns[int(readings[run][:, columns].sum(0).argmax())], tuple(run))
            for run in runs if any(i < len(wordlike) and wordlike[i] for i in run)]


def _sharpen_stop(logp: torch.Tensor, stop: int, temperature: float) -> torch.Tensor:
    """Log-probabilities ``logp`` with the chance of token ``stop`` against all the others sharpened
    by ``temperature``; the others keep their ratios to one another."""
    log_stop = logp[stop]
    log_go = torch.logsumexp(torch.cat([logp[:stop], logp[stop + 1 :]]), 0)
    if not (torch.isfinite(log_stop) and torch.isfinite(log_go)):
        return logp  # a certain choice stays certain
    norm = torch.logaddexp(log_stop / temperature, log_go / temperature)
    out = logp + (log_go / temperature - norm - log_go)
    out[stop] = log_stop / temperature - norm
    return out


def save_generator(model: SceneGenerator, path: Path, extra: dict[str, str] | None = None) -> None:
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to(torch.float32).contiguous() for k, v in model.state_dict().items()}
    metadata = {"config": json.dumps(asdict(model.config)), "vocabulary": vocabulary_signature(), **(extra or {})}
    save_file(state, str(path), metadata=metadata)


def load_generator(path: Path | None = None) -> SceneGenerator:
    """The trained generator from ``path`` (the shipped weights by default), ready to sample.

    Raises ConfigurationError, saying what is wrong and how to fix it, when the file is missing,
    unreadable, or was trained for another model shape or scene vocabulary.
    """
    from safetensors import SafetensorError, safe_open
    from safetensors.torch import load_file

    path = Path(path) if path is not None else DEFAULT_WEIGHTS
    hint = "reinstall framecast or rebuild them with `framecast sandbox train`"
    if not path.is_file():
        raise ConfigurationError(f"sandbox model weights not found at {path}; {hint}")
    try:
        with safe_open(str(path), framework="pt") as f:
            metadata = f.metadata() or {}
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise ConfigurationError(f"sandbox model weights at {path} are unreadable ({exc}); {hint}") from exc
    if metadata.get("vocabulary") != vocabulary_signature():
        raise ConfigurationError(
            f"sandbox model weights at {path} were trained for a different scene vocabulary; {hint}"
        )
    try:
        # weights saved before the prompt blocks, the word channel or its NOTHING reading have none
        config = GeneratorConfig(**{"text_layers": 0, "word_channel": False, "word_nothing": False,
                                    **json.loads(metadata["config"])})
        model = SceneGenerator(config)
        model.load_state_dict(state, strict=True)
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise ConfigurationError(
            f"sandbox model weights at {path} do not fit the generator ({str(exc).splitlines()[0]}); {hint}"
        ) from exc
    for name, tensor in state.items():
        if not torch.isfinite(tensor).all():
            raise ConfigurationError(f"sandbox model weights at {path} hold non-finite values in {name}; {hint}")
    return model.eval()
