"""framecast: self-hosted video generation that speaks fal.ai's queue protocol."""

__version__ = "0.1.0"
