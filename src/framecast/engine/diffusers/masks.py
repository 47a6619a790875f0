"""Text to mask, for Pikaswaps' ``modify_region``: which pixels of each frame to regenerate.

Masks follow VACE's convention: True (white) = generate, False (black) = keep. Implementations:

- ``clipseg``: CLIPSeg (``CIDAS/clipseg-rd64-refined``) per frame; fast and crude (blobby edges),
  the threshold decides how much is taken.
- ``grounding-dino+sam2``: Grounding DINO boxes for the text, refined to pixel masks by SAM2, per
  frame; sharper. SAM2's image processor needs torchvision next to torch.
- ``box``: a fixed box (fractions of the frame); no model, for tests and fixed-layout content.

Masks are dilated a few pixels: inpainting seams are less visible when the region has margin.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from framecast.engine.diffusers.config import MaskConfig, MaskKind
from framecast.engine.types import Frames
from framecast.errors import ConfigurationError

if TYPE_CHECKING:
    import torch

__all__ = ["BoxMasker", "ClipSegMasker", "GroundedSam2Masker", "TextToMask", "dilate", "load_masker"]

Mask = npt.NDArray[np.bool_]
_BATCH = 8


def _transformers() -> Any:
    """transformers, typed loosely: its from_pretrained overloads reject plain keyword dicts."""
    return importlib.import_module("transformers")


class TextToMask(Protocol):
    def masks(self, frames: Frames, text: str) -> Mask:
        """(T, H, W) bool masks for (T, H, W, 3) uint8 frames; True where ``text`` is."""

    def close(self) -> None: ...


def dilate(masks: Mask, pixels: int) -> Mask:
    """Grow each mask by ``pixels`` (a square max-filter)."""
    if pixels <= 0 or not masks.any():
        return masks
    import torch
    import torch.nn.functional as F

    t = torch.from_numpy(masks.astype(np.float32)).unsqueeze(1)
    grown = F.max_pool2d(t, kernel_size=2 * pixels + 1, stride=1, padding=pixels)
    return np.asarray(grown.squeeze(1).numpy() > 0.5)


class BoxMasker:
    def __init__(self, box: tuple[float, float, float, float]) -> None:
        self.box = box

    def masks(self, frames: Frames, text: str) -> Mask:
        t, h, w = frames.shape[:3]
        x0, y0, x1, y1 = self.box
        out = np.zeros((t, h, w), dtype=bool)
        out[:, round(y0 * h) : round(y1 * h), round(x0 * w) : round(x1 * w)] = True
        return out

    def close(self) -> None:
        return None


def _to_pil(frames: Frames) -> list[Any]:
    from PIL import Image

    return [Image.fromarray(frame) for frame in frames]


class ClipSegMasker:
    def __init__(self, weights: str, threshold: float, device: torch.device, allow_downloads: bool) -> None:
        tf = _transformers()
        offline = not allow_downloads
        self.processor = tf.CLIPSegProcessor.from_pretrained(weights, local_files_only=offline)
        self.model = tf.CLIPSegForImageSegmentation.from_pretrained(weights, local_files_only=offline).to(device).eval()
        self.threshold = threshold
        self.device = device

    def masks(self, frames: Frames, text: str) -> Mask:
        import torch
        import torch.nn.functional as F

        t, h, w = frames.shape[:3]
        out = []
        for start in range(0, t, _BATCH):
            images = _to_pil(frames[start : start + _BATCH])
            inputs = self.processor(text=[text] * len(images), images=images, padding=True, return_tensors="pt")
            with torch.inference_mode():
                logits = self.model(**inputs.to(self.device)).logits
            probs = torch.sigmoid(logits.float()).reshape(len(images), 1, *logits.shape[-2:])
            up = F.interpolate(probs, size=(h, w), mode="bilinear", align_corners=False)
            out.append((up[:, 0] >= self.threshold).cpu().numpy())
        return np.concatenate(out)

    def close(self) -> None:
        del self.model


class GroundedSam2Masker:
    def __init__(self, detector: str, segmenter: str, box_threshold: float, device: torch.device,
                 allow_downloads: bool) -> None:
        tf = _transformers()
        offline = not allow_downloads
        self.det_processor = tf.AutoProcessor.from_pretrained(detector, local_files_only=offline)
        self.detector = (
            tf.AutoModelForZeroShotObjectDetection.from_pretrained(detector, local_files_only=offline).to(device).eval()
        )
        self.sam_processor = tf.Sam2Processor.from_pretrained(segmenter, local_files_only=offline)
        self.sam = tf.Sam2Model.from_pretrained(segmenter, local_files_only=offline).to(device).eval()
        self.box_threshold = box_threshold
        self.device = device

    def _boxes(self, image: Any, query: str) -> list[list[float]]:
        import torch

        inputs = self.det_processor(images=image, text=query, return_tensors="pt").to(self.device)
        with torch.inference_mode():
            outputs = self.detector(**inputs)
        result = self.det_processor.post_process_grounded_object_detection(
            outputs, inputs["input_ids"], threshold=self.box_threshold, text_threshold=self.box_threshold,
            target_sizes=[(image.height, image.width)],
        )[0]
        return [list(map(float, box)) for box in result["boxes"].tolist()]

    def masks(self, frames: Frames, text: str) -> Mask:
        import torch

        # Grounding DINO expects lower-case phrases, each ending with a period.
        query = text.strip().lower().rstrip(".") + "."
        t, h, w = frames.shape[:3]
        out = np.zeros((t, h, w), dtype=bool)
        for i, image in enumerate(_to_pil(frames)):
            boxes = self._boxes(image, query)
            if not boxes:
                continue
            inputs = self.sam_processor(images=image, input_boxes=[boxes], return_tensors="pt").to(self.device)
            with torch.inference_mode():
                outputs = self.sam(**inputs, multimask_output=False)
            processor: Any = self.sam_processor
            masks = processor.post_process_masks(outputs.pred_masks.cpu(), inputs["original_sizes"].cpu())[0]
            out[i] = masks.reshape(-1, h, w).any(dim=0).numpy()
        return out

    def close(self) -> None:
        del self.detector, self.sam


def load_masker(cfg: MaskConfig, device: torch.device, allow_downloads: bool) -> TextToMask:
    mask_device = device
    if cfg.device is not None:
        import torch

        mask_device = torch.device(cfg.device)
    try:
        if cfg.kind is MaskKind.BOX:
            assert cfg.box is not None
            return BoxMasker(cfg.box)
        assert cfg.weights is not None
        if cfg.kind is MaskKind.CLIPSEG:
            return ClipSegMasker(cfg.weights, cfg.threshold, mask_device, allow_downloads)
        assert cfg.segmenter is not None
        return GroundedSam2Masker(cfg.weights, cfg.segmenter, cfg.box_threshold, mask_device, allow_downloads)
    except (OSError, ValueError, ImportError) as exc:
        raise ConfigurationError(f"text-to-mask {cfg.kind.value} ({cfg.weights}): cannot load: {exc}") from exc
