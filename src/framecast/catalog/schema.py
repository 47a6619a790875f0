"""Input and output models of the Pika endpoints, mirroring fal's published schema.

Field names, required fields, enums and defaults follow the product page verbatim. Where the page
is silent we add only bounds a real service must enforce (duration range, non-empty prompt, list
lengths); unknown fields are ignored, as fal does.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

MIN_DURATION = 1
MAX_DURATION = 10
MAX_PROMPT_CHARS = 4000
MAX_SCENE_IMAGES = 6
MAX_SEED = 2**63 - 1


class AspectRatio(StrEnum):
    R16_9 = "16:9"
    R9_16 = "9:16"
    R1_1 = "1:1"
    R4_5 = "4:5"
    R5_4 = "5:4"
    R3_2 = "3:2"
    R2_3 = "2:3"


class Resolution(StrEnum):
    P720 = "720p"
    P1080 = "1080p"


class IngredientsMode(StrEnum):
    CREATIVE = "creative"
    PRECISE = "precise"


class Pikaffect(StrEnum):
    CAKE_IFY = "Cake-ify"
    CRUMBLE = "Crumble"
    CRUSH = "Crush"
    DECAPITATE = "Decapitate"
    DEFLATE = "Deflate"
    DISSOLVE = "Dissolve"
    EXPLODE = "Explode"
    EYE_POP = "Eye-pop"
    INFLATE = "Inflate"
    LEVITATE = "Levitate"
    MELT = "Melt"
    PEEL = "Peel"
    POKE = "Poke"
    SQUISH = "Squish"
    TA_DA = "Ta-da"
    TEAR = "Tear"


Prompt = Annotated[str, Field(min_length=1, max_length=MAX_PROMPT_CHARS, examples=["a red ball bouncing"])]
OptionalPrompt = Annotated[str | None, Field(default=None, max_length=MAX_PROMPT_CHARS)]
Seed = Annotated[
    int | None, Field(default=None, ge=0, le=MAX_SEED, description="The seed for the random number generator")
]
Duration = Annotated[
    int,
    Field(
        default=5,
        ge=MIN_DURATION,
        le=MAX_DURATION,
        description="The duration of the generated video in seconds",
    ),
]
FileUrl = Annotated[str, Field(min_length=1, json_schema_extra={"ui": {"field": "file"}})]


class _Input(BaseModel):
    # fal ignores fields it does not know; so do we.
    model_config = ConfigDict(extra="ignore", use_enum_values=False)


class TextToVideoInput(_Input):
    """The top-level Input of fal-ai/pika/v2.1/text-to-video."""

    prompt: Prompt
    seed: Seed = None
    negative_prompt: str = Field(default="", description="A negative prompt to guide the model")
    aspect_ratio: AspectRatio = Field(
        default=AspectRatio.R16_9, description="The aspect ratio of the generated video"
    )
    resolution: Resolution = Field(default=Resolution.P720, description="The resolution of the generated video")
    duration: Duration = 5


class Pika22TextToVideoRequest(TextToVideoInput):
    pass


class ImageToVideoRequest(_Input):
    image_url: FileUrl = Field(description="URL of the image to use as the first frame")
    prompt: Prompt
    seed: Seed = None
    negative_prompt: str = Field(default="", description="A negative prompt to guide the model")
    resolution: Resolution = Field(default=Resolution.P720, description="The resolution of the generated video")
    duration: Duration = 5


class Pika22ImageToVideoRequest(ImageToVideoRequest):
    pass


class PikaImage(_Input):
    image_url: FileUrl


class CollectionToVideoRequest(_Input):
    images: list[PikaImage] = Field(
        min_length=1,
        max_length=MAX_SCENE_IMAGES,
        description="List of images to use for video generation",
    )
    prompt: Prompt
    seed: Seed = None
    negative_prompt: str = Field(default="", description="A negative prompt to guide the model")
    aspect_ratio: AspectRatio = Field(
        default=AspectRatio.R16_9, description="The aspect ratio of the generated video"
    )
    resolution: Resolution = Field(default=Resolution.P720, description="The resolution of the generated video")
    duration: Duration = 5
    ingredients_mode: IngredientsMode = Field(
        default=IngredientsMode.CREATIVE, description="Mode for integrating multiple images"
    )


class PikaffectsRequest(_Input):
    image_url: FileUrl = Field(description="URL of the input image")
    pikaffect: Pikaffect = Field(description="The Pikaffect to apply")
    prompt: OptionalPrompt = Field(default=None, description="Text prompt to guide the effect")
    negative_prompt: str | None = Field(default=None, description="Negative prompt to guide the model")
    seed: Seed = None


class PikadditionsRequest(_Input):
    video_url: FileUrl = Field(description="URL of the input video")
    image_url: FileUrl = Field(description="URL of the image to add")
    prompt: OptionalPrompt = Field(default=None, description="Text prompt describing what to add")
    negative_prompt: str | None = Field(default=None, description="Negative prompt to guide the model")
    seed: Seed = None


class PikaswapsRequest(_Input):
    video_url: FileUrl = Field(description="URL of the input video")
    image_url: str | None = Field(default=None, description="URL of the image to swap with")
    modify_region: str | None = Field(
        default=None, max_length=MAX_PROMPT_CHARS, description="Plaintext description of the object/region to modify"
    )
    prompt: OptionalPrompt = Field(default=None, description="Text prompt describing the modification")
    negative_prompt: str | None = Field(default=None, description="Negative prompt to guide the model")
    seed: Seed = None

    @model_validator(mode="after")
    def _something_to_swap_in(self) -> PikaswapsRequest:
        # Without a prompt or an image there is nothing to put in the region's place.
        if not (self.prompt and self.prompt.strip()) and not self.image_url:
            raise ValueError("give a prompt or an image_url describing what to swap in")
        return self


class File(BaseModel):
    url: str = Field(description="The URL where the file can be downloaded from.")
    content_type: str | None = Field(default=None, description="The mime type of the file.")
    file_name: str | None = Field(
        default=None, description="The name of the file. It will be auto-generated if not provided."
    )
    file_size: int | None = Field(default=None, description="The size of the file in bytes.")


class VideoFile(File):
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    duration: float | None = None
    num_frames: int | None = None


class VideoOutput(BaseModel):
    video: VideoFile = Field(description="The generated video")
    seed: int = Field(description="The seed used for the generation")


AnyInput = (
    TextToVideoInput
    | ImageToVideoRequest
    | CollectionToVideoRequest
    | PikaffectsRequest
    | PikadditionsRequest
    | PikaswapsRequest
)
