"""Pikaffects on open models: an effect LoRA where the community trained one, a prompt otherwise.

Known effect LoRAs (from the model cards; check each card's licence before use):

=========  ==========================================================  ===========================
Effect     LoRA (base model)                                           Trigger words
=========  ==========================================================  ===========================
Squish     ``Remade-AI/Squish`` squish_18 (Wan2.1-I2V-14B-480P)        ``sq41sh squish effect``
Inflate    ``Remade-AI/Inflate`` inflate_20_epochs (same base)         ``infl4t3 inflates it``
Deflate    ``Remade-AI/Deflate`` deflate_20_epochs (same base)         on the model card
Crush      ``Remade-AI/Crush`` crush_20_epochs (same base)             on the model card
Cake-ify   ``Remade-AI/Cakeify`` cakeify_16_epochs (same base)         ``c4k3 cakeify it``
Explode    ``Remade-AI/Explode`` (same base)                           ``3xp105ion huge explosion``
Melt       ``Muapi/melt-it-acid-dissolve-i-wan-2.1-i2v-lora`` (same)   ``m3lt1ng``
Cake-ify   ``Lightricks/LTX-Video-Cakeify-LoRA`` (LTX-Video 0.9.5)     ``CAKEIFY``
=========  ==========================================================  ===========================

No LoRA is known for Crumble, Decapitate, Dissolve, Eye-pop, Levitate, Peel, Poke, Ta-da and Tear:
those run as plain image-to-video with the prompt template below, which is weaker (the model may
ignore the effect). A LoRA is used only when the models file configures one for the effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from framecast.catalog.schema import Pikaffect

__all__ = ["KNOWN_LORAS", "NO_LORA", "TEMPLATES", "KnownLora", "effect_prompt"]


@dataclass(frozen=True)
class KnownLora:
    repo: str
    weight_name: str | None
    trigger: str | None  # None: the card gives it; copy it into the models file
    base: str


_WAN_I2V_480P = "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers"
_LTX_095 = "Lightricks/LTX-Video-0.9.5"

KNOWN_LORAS: dict[Pikaffect, tuple[KnownLora, ...]] = {
    Pikaffect.SQUISH: (KnownLora("Remade-AI/Squish", "squish_18.safetensors", "sq41sh squish effect", _WAN_I2V_480P),),
    Pikaffect.INFLATE: (
        KnownLora("Remade-AI/Inflate", "inflate_20_epochs.safetensors", "infl4t3 inflates it", _WAN_I2V_480P),
    ),
    Pikaffect.DEFLATE: (KnownLora("Remade-AI/Deflate", "deflate_20_epochs.safetensors", None, _WAN_I2V_480P),),
    Pikaffect.CRUSH: (KnownLora("Remade-AI/Crush", "crush_20_epochs.safetensors", None, _WAN_I2V_480P),),
    Pikaffect.CAKE_IFY: (
        KnownLora("Remade-AI/Cakeify", "cakeify_16_epochs.safetensors", "c4k3 cakeify it", _WAN_I2V_480P),
        KnownLora("Lightricks/LTX-Video-Cakeify-LoRA", None, "CAKEIFY", _LTX_095),
    ),
    Pikaffect.EXPLODE: (KnownLora("Remade-AI/Explode", None, "3xp105ion huge explosion", _WAN_I2V_480P),),
    Pikaffect.MELT: (KnownLora("Muapi/melt-it-acid-dissolve-i-wan-2.1-i2v-lora", None, "m3lt1ng", _WAN_I2V_480P),),
}

NO_LORA: frozenset[Pikaffect] = frozenset(Pikaffect) - frozenset(KNOWN_LORAS)

# What each effect should look like, in words an image-to-video model follows. ``{subject}`` is the
# caller's prompt, or "the subject" when there is none.
TEMPLATES: dict[Pikaffect, str] = {
    Pikaffect.CAKE_IFY: "{subject} is sliced with a knife, revealing it is a cake inside, with sponge and frosting",
    Pikaffect.CRUMBLE: "{subject} crumbles into small pieces and dust that fall apart",
    Pikaffect.CRUSH: "{subject} is crushed flat by a hydraulic press",
    Pikaffect.DECAPITATE: "the head of {subject} pops off and falls away, cartoon style, no blood",
    Pikaffect.DEFLATE: "{subject} deflates like a balloon losing air and sags flat",
    Pikaffect.DISSOLVE: "{subject} dissolves into particles that drift away in the air",
    Pikaffect.EXPLODE: "{subject} explodes in a huge burst of debris, fire and smoke",
    Pikaffect.EYE_POP: "the eyes of {subject} pop out of their sockets, cartoon style",
    Pikaffect.INFLATE: "{subject} inflates like a balloon, swelling up and floating",
    Pikaffect.LEVITATE: "{subject} slowly lifts off the ground and levitates in the air",
    Pikaffect.MELT: "{subject} melts into a dripping, gooey liquid puddle",
    Pikaffect.PEEL: "{subject} peels away like a sticker, revealing what is underneath",
    Pikaffect.POKE: "a finger pokes {subject}, which wobbles and dents like soft jelly",
    Pikaffect.SQUISH: "two hands squish {subject}, which squashes like soft foam",
    Pikaffect.TA_DA: "a cloth is whipped away from {subject} with a magician's ta-da flourish",
    Pikaffect.TEAR: "{subject} tears apart like paper, ripping down the middle",
}


def effect_prompt(
    effect: Pikaffect, prompt: str, trigger: str | None = None, template: str | None = None
) -> str:
    """The prompt for an effect: trigger words first (LoRAs were trained that way), then the effect.

    ``template`` overrides the built-in one and may use ``{subject}``, ``{prompt}`` and ``{trigger}``.
    """
    subject = prompt.strip() or "the subject"
    text = (template or TEMPLATES[effect]).format(subject=subject, prompt=prompt.strip(), trigger=trigger or "")
    text = text[0].upper() + text[1:] if text else text
    if trigger and (template is None or "{trigger}" not in template):
        text = f"{trigger}. {text}"
    return " ".join(text.split())
