'''The documented example models file (also at the repository root as ``models.example.toml``).'''

from __future__ import annotations

__all__ = ["default_models_file_text"]

EXAMPLE = """\
# framecast models file: which open video model serves each Pika endpoint, and how it runs.
#
#   FRAMECAST_MODELS_FILE=/etc/framecast/models.toml   this file
#   FRAMECAST_ALLOW_DOWNLOADS=0                         (default) never fetch weights while serving
#
# `framecast models variants` lists every family/variant; `framecast models list` shows this file;
# `framecast models check` verifies every weight is present and loadable before you serve.
# Endpoints not listed here run on the built-in sandbox model.
#
# The defaults target one 48-80 GB GPU (A6000/L40S/A100/H100). On a 24 GB GPU use
# offload = "group" for the 14B models. Expected memory per model: docs/backends.md.

[endpoints]
"fal-ai/pika/v2.1/text-to-video" = "wan22-ti2v-5b"
"fal-ai/pika/v2.2/text-to-video" = "wan22-ti2v-5b"
"fal-ai/pika/v2.1/image-to-video" = "wan22-ti2v-5b"
"fal-ai/pika/v2.2/image-to-video" = "wan22-ti2v-5b"
# Turbo: the same loaded model with fewer steps (no second model, no reload between requests).
"fal-ai/pika/v2/turbo/text-to-video" = { model = "wan22-ti2v-5b", steps = 20 }
"fal-ai/pika/v2/turbo/image-to-video" = { model = "wan22-ti2v-5b", steps = 20 }
"fal-ai/pika/v2.2/pikascenes" = "wan21-vace-14b"
"fal-ai/pika/v2/pikadditions" = "wan21-vace-14b"
"fal-ai/pika/v2/pikaswaps" = "wan21-vace-14b"
"fal-ai/pika/v1.5/pikaffects" = "wan21-i2v-14b-480p"

# Text and image to video: one 5B checkpoint for both, 720p at 24 fps.
[models.wan22-ti2v-5b]
family = "wan"
variant = "ti2v-5b"
weights = "Wan-AI/Wan2.2-TI2V-5B-Diffusers"     # or a local directory: "/models/Wan2.2-TI2V-5B-Diffusers"
dtype = "bfloat16"                              # the VAE stays float32 (Wan's recommendation)
device = "cuda"
offload = "model"                               # none | model | sequential | group
vae_tiling = true                               # decoding 121 frames at 720p is the memory peak
steps = 50
guidance = 5.0
# Speed options (measure with benchmarks/gpu_generate.py before turning them on):
# attention_backend = "sage"                    # needs the sageattention package; "flash" needs flash-attn
# compile = true                                # torch.compile of the repeated transformer blocks
# cache = { kind = "first_block", threshold = 0.05 }

# Pikascenes, Pikadditions and Pikaswaps: VACE (reference images; video + mask).
[models.wan21-vace-14b]
family = "wan"
variant = "vace-14b"
weights = "Wan-AI/Wan2.1-VACE-14B-diffusers"
dtype = "bfloat16"
device = "cuda"
offload = "model"
vae_tiling = true
resolution = "480p"                             # 720p works too, at ~4x the time
steps = 40
guidance = 5.0

# ingredients_mode -> VACE conditioning_scale: how strongly the reference images bind.
[models.wan21-vace-14b.ingredients]
precise = 1.0
creative = 0.7

# modify_region -> mask. CLIPSeg is light; Grounding DINO + SAM2 gives sharper masks
# (kind = "grounding-dino+sam2", weights = "IDEA-Research/grounding-dino-tiny",
#  segmenter = "facebook/sam2.1-hiera-tiny"; needs torchvision).
[models.wan21-vace-14b.mask]
kind = "clipseg"
weights = "CIDAS/clipseg-rd64-refined"
threshold = 0.4
dilate = 8

# Pikaffects: Wan 2.1 I2V 14B 480p, the base of the Remade-AI effect LoRAs. Effects without a
# LoRA below run as plain image-to-video with a prompt template (docs/backends.md lists them).
[models.wan21-i2v-14b-480p]
family = "wan"
variant = "i2v-14b-480p"
weights = "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers"
dtype = "bfloat16"
device = "cuda"
offload = "model"
steps = 40
guidance = 6.0                                  # the effect LoRA cards use CFG ~6 and shift 5
flow_shift = 5.0

[models.wan21-i2v-14b-480p.effects."Squish"]
path = "Remade-AI/Squish"
weight_name = "squish_18.safetensors"
trigger = "sq41sh squish effect"

[models.wan21-i2v-14b-480p.effects."Inflate"]
path = "Remade-AI/Inflate"
weight_name = "inflate_20_epochs.safetensors"
trigger = "infl4t3 inflates it"

[models.wan21-i2v-14b-480p.effects."Cake-ify"]
path = "Remade-AI/Cakeify"
weight_name = "cakeify_16_epochs.safetensors"
trigger = "c4k3 cakeify it"

[models.wan21-i2v-14b-480p.effects."Explode"]
path = "Remade-AI/Explode"
trigger = "3xp105ion huge explosion"

# Also available; copy the trigger words from each model card before enabling:
# [models.wan21-i2v-14b-480p.effects."Deflate"]
# path = "Remade-AI/Deflate"
# weight_name = "deflate_20_epochs.safetensors"
# trigger = "..."
# [models.wan21-i2v-14b-480p.effects."Crush"]
# path = "Remade-AI/Crush"
# weight_name = "crush_20_epochs.safetensors"
# trigger = "..."
# [models.wan21-i2v-14b-480p.effects."Melt"]       # civitai re-upload: check its licence
# path = "Muapi/melt-it-acid-dissolve-i-wan-2.1-i2v-lora"
# trigger = "m3lt1ng"

# Alternatives (uncomment and point endpoints at them):
#
# Fastest turbo: LTX-Video 0.9.7 distilled, 8 custom timesteps, no CFG.
# [models.ltx-distilled]
# family = "ltx"
# variant = "ltx-distilled"
# weights = "Lightricks/LTX-Video-0.9.7-distilled"
# device = "cuda"
# resolution = "480p"
#
# Wan 2.1 14B with the lightx2v 4-step distillation LoRA (CFG off):
# [models.wan21-i2v-14b-fast]
# family = "wan"
# variant = "i2v-14b-480p"
# weights = "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers"
# steps = 4
# guidance = 1.0
# [[models.wan21-i2v-14b-fast.loras]]
# path = "lightx2v/Wan2.1-Distill-Loras"
# weight_name = "wan2.1_i2v_lora_rank64_lightx2v_4step.safetensors"
#
# CogVideoX 5B (720x480, 8 fps, up to 49 frames):
# [models.cogvideox-5b]
# family = "cogvideox"
# variant = "5b"
# weights = "THUDM/CogVideoX-5b"
# offload = "model"
# vae_tiling = true
"""


def default_models_file_text() -> str:
    """The example models file: good defaults for one large GPU, every option documented."""
    return EXAMPLE
