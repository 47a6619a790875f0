"""Tiny random pipelines of every supported family, built offline, for tests and the benchmark.

Every model is built from a config with a fixed seed; the tokenizer is a byte-level BPE made with
the ``tokenizers`` library, so nothing is fetched from a hub. :func:`write_tiny_models` saves each
pipeline with ``save_pretrained`` and writes a models file pointing at the directories, so callers
load them through exactly the code path real weights take. The outputs are noise: these models
prove plumbing (shapes, seeds, callbacks, LoRAs, masks), not quality.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

__all__ = ["TINY_ENDPOINTS", "TINY_MODELS", "build_tiny", "tiny_models_toml", "write_tiny_lora", "write_tiny_models"]

TEXT_DIM = 32


def _d() -> Any:
    """diffusers, typed loosely: its classes are untyped for mypy."""
    return importlib.import_module("diffusers")


def _t() -> Any:
    return importlib.import_module("transformers")


def tiny_tokenizer(model_max_length: int = 512) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = {t: i for i, t in enumerate(["<pad>", "</s>", "<unk>"])}
    # Every byte is a symbol, so any prompt tokenizes without merges.
    for ch in sorted(pre_tokenizers.ByteLevel.alphabet()):
        vocab[ch] = len(vocab)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)]
    )
    return _t().PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
        model_max_length=model_max_length,
    )


def _t5_kwargs(vocab_size: int) -> dict[str, Any]:
    return dict(
        vocab_size=vocab_size, d_model=TEXT_DIM, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
        relative_attention_num_buckets=8, dropout_rate=0.0, pad_token_id=0, eos_token_id=1,
        decoder_start_token_id=0, feed_forward_proj="gated-gelu",
    )


def tiny_umt5(vocab_size: int) -> Any:

    return _t().UMT5EncoderModel(_t().UMT5Config(**_t5_kwargs(vocab_size))).eval()


def tiny_t5(vocab_size: int) -> Any:

    return _t().T5EncoderModel(_t().T5Config(**_t5_kwargs(vocab_size))).eval()


def _wan_vae(ti2v: bool = False) -> Any:

    if ti2v:  # Wan2.2 VAE: spatial /16 (patchified), 48 latent channels
        return _d().AutoencoderKLWan(
            base_dim=3, z_dim=48, in_channels=12, out_channels=12, is_residual=True, patch_size=2,
            scale_factor_spatial=16, latents_mean=[0.0] * 48, latents_std=[1.0] * 48,
            dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True],
        )
    return _d().AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True]
    )


def _wan_transformer(cls_name: str = "WanTransformer3DModel", **kw: Any) -> Any:
    base: dict[str, Any] = dict(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=16, out_channels=16,
        text_dim=TEXT_DIM, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
        qk_norm="rms_norm_across_heads", rope_max_seq_len=32,
    )
    base.update(kw)
    return getattr(_d(), cls_name)(**base)


def _flow_euler() -> Any:

    return _d().FlowMatchEulerDiscreteScheduler(shift=5.0)


def _wan_text() -> dict[str, Any]:
    tok = tiny_tokenizer()
    return {"tokenizer": tok, "text_encoder": tiny_umt5(len(tok))}


def wan_t2v() -> Any:

    return _d().WanPipeline(transformer=_wan_transformer(), vae=_wan_vae(), scheduler=_flow_euler(), **_wan_text())


def wan_i2v() -> Any:

    image_encoder = _t().CLIPVisionModel(
        _t().CLIPVisionConfig(
            hidden_size=4, num_hidden_layers=2, num_attention_heads=2, image_size=32,
            intermediate_size=16, patch_size=1,
        )
    ).eval()
    return _d().WanImageToVideoPipeline(
        transformer=_wan_transformer(in_channels=36, image_dim=4), vae=_wan_vae(), scheduler=_flow_euler(),
        image_encoder=image_encoder, image_processor=_t().CLIPImageProcessorPil(crop_size=32, size=32),
        **_wan_text(),
    )


def _unipc() -> Any:

    return _d().UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0)


def wan_t2v_14b() -> Any:
    """Like :func:`wan_t2v` but with Wan's real RoPE length, so 480p and 720p latents fit (benchmark)."""
    return _d().WanPipeline(
        transformer=_wan_transformer(rope_max_seq_len=1024), vae=_wan_vae(), scheduler=_flow_euler(), **_wan_text()
    )


def wan_ti2v() -> Any:

    return _d().WanPipeline(
        transformer=_wan_transformer(in_channels=48, out_channels=48), vae=_wan_vae(ti2v=True),
        scheduler=_unipc(), expand_timesteps=True, **_wan_text(),
    )


def wan_t2v_a14b() -> Any:

    torch.manual_seed(0)
    high = _wan_transformer()
    low = _wan_transformer()
    return _d().WanPipeline(
        transformer=high, transformer_2=low, vae=_wan_vae(), scheduler=_unipc(), boundary_ratio=0.875,
        **_wan_text(),
    )


def wan_i2v_a14b() -> Any:

    high = _wan_transformer(in_channels=36)
    low = _wan_transformer(in_channels=36)
    return _d().WanImageToVideoPipeline(
        transformer=high, transformer_2=low, vae=_wan_vae(), scheduler=_unipc(), boundary_ratio=0.9,
        image_encoder=None, image_processor=None, **_wan_text(),
    )


def wan_vace() -> Any:

    transformer = _wan_transformer(
        "WanVACETransformer3DModel", num_layers=3, vace_layers=[0, 2], vace_in_channels=96
    )
    return _d().WanVACEPipeline(transformer=transformer, vae=_wan_vae(), scheduler=_flow_euler(), **_wan_text())


def _ltx_components() -> dict[str, Any]:

    vae = _d().AutoencoderKLLTXVideo(
        in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1), spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False), decoder_inject_noise=(False,) * 5,
        upsample_residual=(False,) * 4, upsample_factor=(1, 1, 1, 1), timestep_conditioning=False,
        patch_size=1, patch_size_t=1, encoder_causal=True, decoder_causal=False,
    )
    transformer = _d().LTXVideoTransformer3DModel(
        in_channels=8, out_channels=8, patch_size=1, patch_size_t=1, num_attention_heads=4,
        attention_head_dim=8, cross_attention_dim=32, num_layers=1, caption_channels=TEXT_DIM,
    )
    tok = tiny_tokenizer(128)
    return {
        "transformer": transformer, "vae": vae, "scheduler": _flow_euler(),
        "tokenizer": tok, "text_encoder": tiny_t5(len(tok)),
    }


def ltx() -> Any:

    return _d().LTXPipeline(**_ltx_components())


def ltx_condition() -> Any:

    return _d().LTXConditionPipeline(**_ltx_components())


def _cogvideox(i2v: bool) -> Any:

    heads, head_dim = (2, 16) if i2v else (4, 8)  # RoPE needs head_dim % 16 == 0
    transformer = _d().CogVideoXTransformer3DModel(
        num_attention_heads=heads, attention_head_dim=head_dim, in_channels=8 if i2v else 4, out_channels=4,
        time_embed_dim=2, text_embed_dim=TEXT_DIM, num_layers=1, sample_width=4, sample_height=4,
        sample_frames=9, patch_size=2, temporal_compression_ratio=4, max_text_seq_length=16,
        use_rotary_positional_embeddings=i2v, use_learned_positional_embeddings=i2v,
    )
    vae = _d().AutoencoderKLCogVideoX(
        in_channels=3, out_channels=3, down_block_types=("CogVideoXDownBlock3D",) * 4,
        up_block_types=("CogVideoXUpBlock3D",) * 4, block_out_channels=(8, 8, 8, 8), latent_channels=4,
        layers_per_block=1, norm_num_groups=2, temporal_compression_ratio=4,
    )
    tok = tiny_tokenizer(226)
    cls = _d().CogVideoXImageToVideoPipeline if i2v else _d().CogVideoXPipeline
    return cls(
        transformer=transformer, vae=vae, scheduler=_d().CogVideoXDDIMScheduler(), tokenizer=tok,
        text_encoder=tiny_t5(len(tok)),
    )


def cogvideox_t2v() -> Any:
    return _cogvideox(i2v=False)


def cogvideox_i2v() -> Any:
    return _cogvideox(i2v=True)


# name -> (builder, family, variant, extra TOML lines). Working resolutions are tiny so each run
# takes well under a second on a laptop CPU; fps 8 keeps one second of video at 9 frames.
TINY_MODELS: dict[str, tuple[Callable[[], Any], str, str, str]] = {
    "tiny-wan-t2v": (wan_t2v, "wan", "t2v-1.3b", ""),
    "tiny-wan-t2v-14b": (wan_t2v_14b, "wan", "t2v-14b", ""),
    "tiny-wan-i2v": (wan_i2v, "wan", "i2v-14b-480p", ""),
    "tiny-wan-ti2v": (wan_ti2v, "wan", "ti2v-5b", 'resolution = "64x64"\n'),
    "tiny-wan-t2v-a14b": (wan_t2v_a14b, "wan", "t2v-a14b", ""),
    "tiny-wan-i2v-a14b": (wan_i2v_a14b, "wan", "i2v-a14b", ""),
    "tiny-wan-vace": (wan_vace, "wan", "vace-1.3b", ""),
    "tiny-ltx": (ltx, "ltx", "ltx", ""),
    "tiny-ltx-condition": (ltx_condition, "ltx", "ltx-condition", ""),
    "tiny-ltx-distilled": (ltx_condition, "ltx", "ltx-distilled", "timesteps = [1000.0, 725.0, 0.03]\n"),
    "tiny-cogvideox": (cogvideox_t2v, "cogvideox", "2b", ""),
    "tiny-cogvideox-i2v": (cogvideox_i2v, "cogvideox", "5b-i2v", ""),
}


# Every endpoint served by a tiny model, so the file is a whole (tiny) deployment.
TINY_ENDPOINTS = {
    "fal-ai/pika/v2.1/text-to-video": "tiny-wan-t2v",
    "fal-ai/pika/v2.2/text-to-video": "tiny-wan-ti2v",
    "fal-ai/pika/v2/turbo/text-to-video": "tiny-ltx-distilled",
    "fal-ai/pika/v2.1/image-to-video": "tiny-wan-i2v",
    "fal-ai/pika/v2.2/image-to-video": "tiny-wan-ti2v",
    "fal-ai/pika/v2/turbo/image-to-video": "tiny-ltx-distilled",
    "fal-ai/pika/v2.2/pikascenes": "tiny-wan-vace",
    "fal-ai/pika/v1.5/pikaffects": "tiny-wan-i2v",
    "fal-ai/pika/v2/pikadditions": "tiny-wan-vace",
    "fal-ai/pika/v2/pikaswaps": "tiny-wan-vace",
}


def build_tiny(name: str) -> Any:
    builder = TINY_MODELS[name][0]
    torch.manual_seed(0)
    pipe = builder()
    pipe.set_progress_bar_config(disable=True)
    return pipe


def write_tiny_lora(pipe: Any, path: Path, rank: int = 4, seed: int = 1) -> Path:
    """A random LoRA on the transformer's attention projections, saved as diffusers LoRA weights.

    LoRA B matrices start random (not zero) so that the adapter visibly changes the output.
    """
    from peft import LoraConfig, get_peft_model_state_dict

    torch.manual_seed(seed)
    transformer = pipe.transformer
    config = LoraConfig(r=rank, lora_alpha=rank, init_lora_weights=False, target_modules=["to_q", "to_k", "to_v"])
    transformer.add_adapter(config, adapter_name="tiny")
    state = get_peft_model_state_dict(transformer, adapter_name="tiny")
    transformer.delete_adapters("tiny")
    path.mkdir(parents=True, exist_ok=True)
    type(pipe).save_lora_weights(path, transformer_lora_layers=state, weight_name="tiny_lora.safetensors")
    return path / "tiny_lora.safetensors"


def write_tiny_clipseg(path: Path) -> Path:
    """A random CLIPSeg with a processor, saved like ``CIDAS/clipseg-rd64-refined``."""

    torch.manual_seed(0)
    tok = tiny_tokenizer(77)
    config = _t().CLIPSegConfig(
        text_config=dict(
            vocab_size=len(tok), hidden_size=16, intermediate_size=32, num_hidden_layers=2,
            num_attention_heads=2, max_position_embeddings=77, pad_token_id=0, bos_token_id=1, eos_token_id=1,
        ),
        vision_config=dict(
            hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2, image_size=32,
            patch_size=8,
        ),
        projection_dim=16, reduce_dim=8, extract_layers=[0, 1], decoder_num_attention_heads=2,
        decoder_intermediate_size=16,
    )
    model = _t().CLIPSegForImageSegmentation(config).eval()
    image_processor = _t().ViTImageProcessorPil(size={"height": 32, "width": 32})
    processor = _t().CLIPSegProcessor(image_processor=image_processor, tokenizer=tok)
    model.save_pretrained(path)
    processor.save_pretrained(path)
    return path


def _toml_str(value: str | Path) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def tiny_models_toml(root: Path, names: list[str], lora: Path | None, clipseg: Path | None) -> str:
    """A models file for the saved tiny pipelines under ``root`` (one directory per name)."""
    lines = [
        "# Tiny random pipelines for tests and the CPU benchmark: noise out, plumbing proven.",
        "[endpoints]",
    ]
    lines += [f'"{endpoint}" = "{model}"' for endpoint, model in TINY_ENDPOINTS.items() if model in names]
    lines.append("")
    for name in names:
        _, family, variant, extra = TINY_MODELS[name]
        lines += [
            f"[models.{name}]",
            f'family = "{family}"',
            f'variant = "{variant}"',
            f"weights = {_toml_str(root / name)}",
            'dtype = "float32"',
            'device = "cpu"',
            "steps = 2",
            "fps = 8",
        ]
        if "resolution" not in extra:
            lines.append('resolution = "32x32"')
        lines.append(extra.rstrip("\n")) if extra else None
        lines.append("")
        if name == "tiny-wan-i2v" and lora is not None:
            lines += [
                f'[models.{name}.effects."Squish"]',
                f"path = {_toml_str(lora)}",
                'trigger = "sq41sh squish effect"',
                "",
            ]
        if name == "tiny-wan-vace" and clipseg is not None:
            lines += [f"[models.{name}.mask]", 'kind = "clipseg"', f"weights = {_toml_str(clipseg)}", ""]
    return "\n".join(lines)


def write_tiny_models(root: Path, names: list[str] | None = None) -> Path:
    """Save tiny pipelines (all by default) under ``root`` and return the models file path."""
    names = list(TINY_MODELS) if names is None else names
    root.mkdir(parents=True, exist_ok=True)
    lora: Path | None = None
    for name in names:
        pipe = build_tiny(name)
        pipe.save_pretrained(root / name)
        if name == "tiny-wan-i2v":
            lora = write_tiny_lora(pipe, root / "loras" / "squish")
    clipseg = write_tiny_clipseg(root / "clipseg") if "tiny-wan-vace" in names else None
    path = root / "models.toml"
    path.write_text(tiny_models_toml(root, names, lora, clipseg))
    return path
