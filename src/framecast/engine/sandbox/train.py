"""Training the scene generator from scratch, reproducibly, on two CPU cores.

The run: draw training captions (never a held-out word, frame or combination), embed them once with
the frozen MiniLM, then teach the generator with teacher forcing. Each time a caption is used it is
paired with a fresh completion of what it leaves open, so the generator learns the world's prior for
unmentioned attributes. A tenth of the captions are replaced by the empty prompt (caption dropout):
that is the unconditional branch classifier-free guidance needs.

The number of steps is fixed by ``minutes`` through a rate measured on the reference machine (two
cores), not by the wall clock, so the same seed gives the same weights on any machine.
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from framecast.engine.sandbox import tokens as tk
from framecast.engine.sandbox.captions import EVAL_RATES, Caption, caption
from framecast.engine.sandbox.model import NOTHING, GeneratorConfig, SceneGenerator, save_generator
from framecast.engine.sandbox.scene import MAX_SUBJECTS
from framecast.engine.sandbox.text import TextEncoder
from framecast.engine.sandbox.world import SceneSpec, complete

__all__ = ["TrainConfig", "TrainResult", "train"]

# Training steps per minute of budget on the reference machine (2 cores, batch 256, float32), after
# the time the caption embedding takes: 84 measured with the prompt block (validation included; the
# shipped run: 1,872 steps and 30,000 captions in 25.6 min), set lower so 30 minutes stays an upper bound.
STEPS_PER_MINUTE = 72
EMBEDDING_MINUTES = 4.0


@dataclass(frozen=True)
class TrainConfig:
    minutes: float = 30.0
    seed: int = 0
    captions: int = 30_000
    batch_size: int = 256
    learning_rate: float = 2e-3
    weight_decay: float = 0.01
    warmup_steps: int = 150
    caption_dropout: float = 0.1
    validation_captions: int = 512
    log_every: int = 25
    threads: int = 2
    # Weight of the loss that teaches each scene token to read the words naming it (a subject's
    # colour its colour words, an unnamed attribute its subject's clause): without it a small model
    # copies the first colour it sees onto every subject.
    binding_weight: float = 0.5
    # Weight of the loss that teaches the text projection which value each named phrase's word
    # pieces stand for ("scarlet" -> colour red): a linear read of the frozen embeddings, the part
    # of understanding that carries over to words no caption used.
    word_weight: float = 0.5
    # Share of the teacher-forced input tokens hidden (replaced by BOS): the generator must read each
    # attribute from the prompt instead of guessing it from the tokens before it, which is what lets
    # it name a green cat when no training caption had one.
    input_dropout: float = 0.15
    # bf16 autocast was measured 6-12x slower than float32 on the reference CPU (no native bf16)
    bfloat16: bool = False
    model: GeneratorConfig = field(default_factory=GeneratorConfig)

    @property
    def steps(self) -> int:
        return max(10, int((self.minutes - EMBEDDING_MINUTES) * STEPS_PER_MINUTE))


@dataclass(frozen=True)
class TrainResult:
    weights: Path
    loss_curve: Path
    steps: int
    seconds: float
    final_loss: float
    validation_loss: float


@dataclass
class _Corpus:
    """Caption embeddings packed end to end (float16), with what each caption pins down."""

    packed: torch.Tensor
    starts: np.ndarray
    lengths: np.ndarray
    specs: list[SceneSpec]
    spans: list[list[tuple[int, int]]]  # per caption, per group: its word pieces
    # per caption, per named phrase: (group or -1, position in the subject/header layout, the scene
    # token it names, first word piece, end word piece)
    phrases: list[list[tuple[int, int, int, int, int]]]

    def batch(self, indices: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        length = int(self.lengths[indices].max())
        text = torch.zeros(len(indices), length, self.packed.shape[1])
        mask = torch.zeros(len(indices), length, dtype=torch.bool)
        for row, i in enumerate(indices):
            n = int(self.lengths[i])
            text[row, :n] = self.packed[self.starts[i] : self.starts[i] + n].float()
            mask[row, :n] = True
        return text, mask


def _embed(encoder: TextEncoder, captions: list[Caption], log: Callable[[str], None]) -> _Corpus:
    texts = [c.text for c in captions]
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    chunks: dict[int, torch.Tensor] = {}
    started = time.monotonic()
    for n, start in enumerate(range(0, len(order), 256)):
        ids = order[start : start + 256]
        hidden, mask = encoder.encode([texts[i] for i in ids])
        for row, i in enumerate(ids):
            chunks[i] = hidden[row, mask[row]].to(torch.float16)
        if n % 40 == 0:
            log(f"embedded {start + len(ids)}/{len(texts)} captions ({time.monotonic() - started:.0f}s)")
    lengths = np.array([chunks[i].shape[0] for i in range(len(texts))])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    packed = torch.cat([chunks[i] for i in range(len(texts))])
    spans: list[list[tuple[int, int]]] = []
    phrases: list[list[tuple[int, int, int, int, int]]] = []
    for c in captions:
        pieces = encoder.token_spans(c.text, (*c.spans, *((p.start, p.end) for p in c.phrases)))
        spans.append(pieces[: len(c.spans)])
        named = []
        for p, (t0, t1) in zip(c.phrases, pieces[len(c.spans) :], strict=True):
            if t1 > t0:
                named.append((p.group, _FIELD_SLOT[p.field], tk.token_of(p.field, p.value), t0, t1))  # type: ignore[arg-type]
        phrases.append(named)
    return _Corpus(packed, starts, lengths, [c.spec for c in captions], spans, phrases)


# Where each field sits: its header position, or its offset inside a subject's tokens.
_FIELD_SLOT: dict[str, int] = {
    **{f.name: i for i, f in enumerate(tk.FIELDS[: tk.HEADER_LEN])},
    **{f.name: i for i, f in enumerate(tk.FIELDS[tk.HEADER_LEN :])},
}


def _targets(
    corpus: _Corpus, indices: np.ndarray, rng: np.random.Generator, empty: set[int], text_length: int,
    nothing: bool = False,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Fresh completions as token rows; for each row and position the word pieces it should read
    (the phrase naming its field, else its subject's clause; all False where unknown); and for each
    word piece the scene token its phrase names (outside named phrases: :data:`NOTHING` if
    ``nothing``, else -1, and -1 on padding and on a dropped caption's empty prompt)."""
    rows = []
    where = torch.zeros(len(indices), tk.SEQ_LEN, text_length, dtype=torch.bool)
    labels = torch.full((len(indices), text_length), -1, dtype=torch.long)
    for row, i in enumerate(indices):
        spec = SceneSpec() if int(i) in empty else corpus.specs[int(i)]
        groups: list[int] = []
        rows.append(tk.encode(complete(spec, rng, groups)))
        if int(i) in empty:
            continue
        if nothing:
            labels[row, : int(corpus.lengths[int(i)])] = NOTHING
        spans = corpus.spans[int(i)]
        for k, g in enumerate(groups):
            if g < len(spans) and spans[g][1] > spans[g][0]:
                base = tk.HEADER_LEN + k * tk.SUBJECT_LEN
                where[row, base : base + tk.SUBJECT_LEN, spans[g][0] : spans[g][1]] = True
        for group, slot, token, t0, t1 in corpus.phrases[int(i)]:
            labels[row, t0:t1] = token
            positions = [slot] if group < 0 else [
                tk.HEADER_LEN + k * tk.SUBJECT_LEN + slot for k, g in enumerate(groups) if g == group
            ]
            for p in positions:
                where[row, p] = False
                where[row, p, t0:t1] = True
    return torch.from_numpy(np.stack(rows)), where, labels


def _word_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the word channel's readings (B, L, C) against ``labels`` (B, L): the mean
    over the pieces of named phrases plus the mean over the pieces naming :data:`NOTHING`, so that
    the many pieces naming nothing do not drown the few that name a value."""
    flat, target = logits.reshape(-1, logits.shape[-1]), labels.reshape(-1)
    loss = torch.zeros((), dtype=logits.dtype)
    for part in (target >= 0) & (target != NOTHING), target == NOTHING:
        if bool(part.any()):
            loss = loss + F.cross_entropy(flat[part], target[part])
    return loss


def _loss(
    model: SceneGenerator, text: torch.Tensor, mask: torch.Tensor, targets: torch.Tensor, bf16: bool = False,
    where: torch.Tensor | None = None, input_dropout: float = 0.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Token cross-entropy, and how little attention each subject's positions pay to its own words."""
    inputs = torch.cat([torch.full((targets.shape[0], 1), tk.BOS), targets[:, :-1].clamp(min=0)], dim=1)
    if input_dropout > 0:
        inputs = inputs.masked_fill(torch.rand(inputs.shape) < input_dropout, tk.BOS)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        logits, attention = model.forward_with_attention(inputs, text, mask)
    # -inf on tokens a position cannot emit; any finite floor keeps cross-entropy's arithmetic finite.
    ce = F.cross_entropy(logits.float().clamp(min=-1e4).reshape(-1, tk.VOCAB_SIZE), targets.reshape(-1),
                         ignore_index=-1)
    if where is None:
        return ce, torch.zeros(())
    where = where[:, : targets.shape[1], : attention.shape[3]] & (targets >= 0).unsqueeze(-1)
    supervised = where.any(-1)
    if not supervised.any():
        return ce, torch.zeros(())
    # Every block, not just the last: an early block that reads another subject's colour leaves it
    # in the residual stream for the head to find.
    mass = (attention.float() * where).sum(-1)[:, supervised]
    return ce, -torch.log(mass + 1e-4).mean()


def _pad(targets: torch.Tensor) -> torch.Tensor:
    """Drop the padding columns every row has (short scenes train on short sequences)."""
    used = int((targets >= 0).sum(dim=1).max())
    return targets[:, :used]


def _most_subjects(spec: SceneSpec) -> int:
    if not spec.groups:
        return max(spec.open_counts)
    return min(MAX_SUBJECTS, sum(max(g.counts) for g in spec.groups))


def _buckets(corpus: _Corpus, size: int) -> list[np.ndarray]:
    """Captions naming as many subjects, and of similar length, together: a batch of one-subject
    captions then trains on 14 scene tokens instead of 44, and its text pads little."""
    most = np.array([_most_subjects(s) for s in corpus.specs])
    order = np.lexsort((corpus.lengths, most))
    out: list[np.ndarray] = []
    for n in np.unique(most):
        group = order[most[order] == n]
        out.extend(group[i : i + size] for i in range(0, len(group), size))
    return out


def train(out_dir: Path, config: TrainConfig = TrainConfig(), log: Callable[[str], None] = print) -> TrainResult:
    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)

    drawn = [caption(rng) for _ in range(config.captions)]
    held = [caption(rng, held_out=True, rates=EVAL_RATES) for _ in range(config.validation_captions)]
    log(f"drew {len(drawn)} training captions and {len(held)} held-out validation captions")
    encoder = TextEncoder()
    corpus = _embed(encoder, drawn, log)
    validation = _embed(encoder, held, lambda _: None)
    empty_text, _ = encoder.encode([""])
    log(f"embedded the captions in {time.monotonic() - started:.0f}s")

    model = SceneGenerator(config.model)
    params = sum(p.numel() for p in model.parameters())
    # Reads each word piece's projection back as the scene token its phrase names: the model's own
    # word channel, or a training-only head for a model without one.
    word_logits: Callable[[torch.Tensor], torch.Tensor] = model.word_logits
    named = list(model.named_parameters())
    if not config.model.word_channel:
        head = torch.nn.Linear(config.model.d_model, model.word_classes)
        word_logits = head
        named += [("word_head." + n, p) for n, p in head.named_parameters()]
    decay = [p for n, p in named if p.ndim >= 2 and "embedding" not in n]
    no_decay = [p for n, p in named if p.ndim < 2 or "embedding" in n]
    optimiser = torch.optim.AdamW(
        [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=config.learning_rate, betas=(0.9, 0.98),
    )
    steps = config.steps

    def lr_at(step: int) -> float:
        if step < config.warmup_steps:
            return config.learning_rate * (step + 1) / config.warmup_steps
        progress = (step - config.warmup_steps) / max(1, steps - config.warmup_steps)
        return config.learning_rate * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))

    buckets = _buckets(corpus, config.batch_size * 4)
    curve_path = out_dir / "loss_curve.csv"
    log(f"training {params:,} parameters for {steps} steps of {config.batch_size}")
    smoothed = float("nan")
    smoothed_bind = float("nan")
    smoothed_word = float("nan")
    val_loss = float("nan")
    with curve_path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["step", "seconds", "train_loss", "validation_loss", "binding_loss", "word_loss",
                         "learning_rate"])
        for step in range(steps):
            model.train()
            bucket = buckets[int(rng.integers(len(buckets)))]
            indices = rng.choice(bucket, size=min(config.batch_size, len(bucket)), replace=False)
            dropped = {int(i) for i in indices if rng.random() < config.caption_dropout}
            text, mask = corpus.batch(indices)
            if dropped:
                rows = [r for r, i in enumerate(indices) if int(i) in dropped]
                text[rows] = 0.0
                mask[rows] = False
                text[rows, : empty_text.shape[1]] = empty_text[0]
                mask[rows, : empty_text.shape[1]] = True
            targets, where, labels = _targets(corpus, indices, rng, dropped, text.shape[1],
                                              config.model.word_nothing)
            targets = _pad(targets)
            for group in optimiser.param_groups:
                group["lr"] = lr_at(step)
            ce, binding = _loss(model, text, mask, targets, config.bfloat16, where, config.input_dropout)
            word = torch.zeros(())
            if config.word_weight > 0 and bool((labels >= 0).any()):
                word = _word_loss(word_logits(model.words(text)), labels)
            loss = ce + config.binding_weight * binding + config.word_weight * word
            optimiser.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_([p for _, p in named], 1.0)
            optimiser.step()
            value = float(ce.detach())
            smoothed = value if math.isnan(smoothed) else 0.95 * smoothed + 0.05 * value
            bind = float(binding.detach())
            smoothed_bind = bind if math.isnan(smoothed_bind) else 0.95 * smoothed_bind + 0.05 * bind
            value_word = float(word.detach())
            smoothed_word = value_word if math.isnan(smoothed_word) else 0.95 * smoothed_word + 0.05 * value_word
            last = step == steps - 1
            if step % config.log_every == 0 or last:
                if step % (config.log_every * 4) == 0 or last:
                    val_loss = _validate(model, validation, config.seed)
                elapsed = time.monotonic() - started
                writer.writerow([step, f"{elapsed:.1f}", f"{smoothed:.4f}", f"{val_loss:.4f}", f"{smoothed_bind:.4f}",
                                 f"{smoothed_word:.4f}", f"{lr_at(step):.6f}"])
                fh.flush()
                log(f"step {step:5d}/{steps}  loss {smoothed:.4f}  held-out {val_loss:.4f}  "
                    f"binding {smoothed_bind:.3f}  words {smoothed_word:.3f}  {elapsed:6.0f}s")

    seconds = time.monotonic() - started
    weights = out_dir / "scene_generator.safetensors"
    save_generator(model.eval(), weights, {"steps": str(steps), "seed": str(config.seed)})
    summary = {
        "steps": steps, "seconds": round(seconds, 1), "final_loss": round(smoothed, 4),
        "validation_loss": round(val_loss, 4), "parameters": params, "captions": config.captions,
        "config": {**asdict(config), "model": asdict(config.model)}, "torch": torch.__version__,
    }
    (out_dir / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
    log(f"saved {weights} ({weights.stat().st_size / 1e6:.1f} MB) after {seconds / 60:.1f} min")
    return TrainResult(weights, curve_path, steps, seconds, smoothed, val_loss)


@torch.no_grad()
def _validate(model: SceneGenerator, corpus: _Corpus, seed: int) -> float:
    """Loss on held-out captions (their own fixed completions), the curve that shows generalisation."""
    model.eval()
    rng = np.random.default_rng(seed + 1)
    indices = np.arange(len(corpus.specs))
    total, n = 0.0, 0
    for start in range(0, len(indices), 256):
        chunk = indices[start : start + 256]
        text, mask = corpus.batch(chunk)
        targets = _pad(_targets(corpus, chunk, rng, set(), text.shape[1])[0])
        total += float(_loss(model, text, mask, targets)[0]) * len(chunk)
        n += len(chunk)
    return total / n
