"""The endpoints framecast serves: fal's ids verbatim, their input model and the task they perform."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel

from framecast.catalog import schema as s


class Task(StrEnum):
    """What an endpoint asks of a pipeline; pipelines are chosen per endpoint but speak tasks."""

    TEXT_TO_VIDEO = "text-to-video"
    IMAGE_TO_VIDEO = "image-to-video"
    SCENES = "pikascenes"
    EFFECTS = "pikaffects"
    ADDITIONS = "pikadditions"
    SWAPS = "pikaswaps"


@dataclass(frozen=True)
class Endpoint:
    id: str
    task: Task
    input_model: type[BaseModel]
    title: str
    description: str

    @property
    def owner(self) -> str:
        return self.id.split("/")[0]

    @property
    def alias(self) -> str:
        return self.id.split("/")[1]

    @property
    def app(self) -> str:
        """The owner/alias pair that status, result and cancel URLs use."""
        return f"{self.owner}/{self.alias}"

    @property
    def input_schema_name(self) -> str:
        return self.input_model.__name__

    @property
    def category(self) -> str:
        return "text-to-video" if self.task is Task.TEXT_TO_VIDEO else (
            "video-to-video" if self.task in (Task.ADDITIONS, Task.SWAPS) else "image-to-video"
        )


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "fal-ai/pika/v2.1/text-to-video", Task.TEXT_TO_VIDEO, s.TextToVideoInput,
        "Pika Text to Video (v2.1)", "A video from a text prompt.",
    ),
    Endpoint(
        "fal-ai/pika/v2.1/image-to-video", Task.IMAGE_TO_VIDEO, s.ImageToVideoRequest,
        "Pika Image to Video (v2.1)", "A video that starts from the given image.",
    ),
    Endpoint(
        "fal-ai/pika/v2.2/text-to-video", Task.TEXT_TO_VIDEO, s.Pika22TextToVideoRequest,
        "Pika Text to Video (v2.2)", "A video from a text prompt.",
    ),
    Endpoint(
        "fal-ai/pika/v2.2/image-to-video", Task.IMAGE_TO_VIDEO, s.Pika22ImageToVideoRequest,
        "Pika Image to Video (v2.2)", "A video that starts from the given image.",
    ),
    Endpoint(
        "fal-ai/pika/v2.2/pikascenes", Task.SCENES, s.CollectionToVideoRequest,
        "Pikascenes (v2.2)", "A video whose subjects are the given reference images.",
    ),
    Endpoint(
        "fal-ai/pika/v1.5/pikaffects", Task.EFFECTS, s.PikaffectsRequest,
        "Pikaffects (v1.5)", "An effect (melt, explode, inflate, ...) applied to the subject of an image.",
    ),
    Endpoint(
        "fal-ai/pika/v2/pikadditions", Task.ADDITIONS, s.PikadditionsRequest,
        "Pikadditions (v2)", "The subject of an image added into a video.",
    ),
    Endpoint(
        "fal-ai/pika/v2/pikaswaps", Task.SWAPS, s.PikaswapsRequest,
        "Pikaswaps (v2)", "A region of a video replaced by a prompt or an image.",
    ),
    Endpoint(
        "fal-ai/pika/v2/turbo/text-to-video", Task.TEXT_TO_VIDEO, s.TextToVideoInput,
        "Pika Turbo Text to Video (v2)", "A video from a text prompt, faster.",
    ),
    Endpoint(
        "fal-ai/pika/v2/turbo/image-to-video", Task.IMAGE_TO_VIDEO, s.ImageToVideoRequest,
        "Pika Turbo Image to Video (v2)", "A video that starts from the given image, faster.",
    ),
)

_BY_ID = {e.id: e for e in ENDPOINTS}


def get_endpoint(endpoint_id: str) -> Endpoint | None:
    return _BY_ID.get(endpoint_id.strip("/"))


def apps() -> set[str]:
    """Every owner/alias pair the catalog serves (status/result/cancel are addressed by it)."""
    return {e.app for e in ENDPOINTS}
