"""The built-in sandbox model: a learned scene generator and the renderer that draws its scenes."""

from pathlib import Path

WEIGHTS_DIR = Path(__file__).parent / "weights"
