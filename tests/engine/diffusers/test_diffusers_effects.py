"""Pikaffects: which effects have a LoRA, and the prompt each effect sends."""

from __future__ import annotations

from framecast.catalog.schema import Pikaffect
from framecast.engine.diffusers.effects import KNOWN_LORAS, NO_LORA, TEMPLATES, effect_prompt


def test_every_effect_has_a_template_and_the_lora_less_ones_are_documented() -> None:
    assert set(TEMPLATES) == set(Pikaffect)
    assert {e.value for e in NO_LORA} == {
        "Crumble", "Decapitate", "Dissolve", "Eye-pop", "Levitate", "Peel", "Poke", "Ta-da", "Tear",
    }
    import framecast.engine.diffusers.effects as effects

    for effect in NO_LORA:
        assert effect.value in (effects.__doc__ or "")
    assert KNOWN_LORAS[Pikaffect.SQUISH][0].trigger == "sq41sh squish effect"


def test_trigger_words_lead_the_prompt() -> None:
    prompt = effect_prompt(Pikaffect.INFLATE, "a red car", "infl4t3 inflates it")
    assert prompt.startswith("infl4t3 inflates it. ")
    assert "a red car" in prompt.lower() and "inflates like a balloon" in prompt


def test_no_prompt_and_no_lora() -> None:
    assert effect_prompt(Pikaffect.LEVITATE, "") == "The subject slowly lifts off the ground and levitates in the air"


def test_template_override_places_the_trigger_itself() -> None:
    prompt = effect_prompt(Pikaffect.MELT, "a candle", "m3lt1ng", "{subject} is {trigger} away")
    assert prompt == "A candle is m3lt1ng away"
