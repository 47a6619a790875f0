"""The scene camera over a picture we only have one view of (the user's image or video).

A real camera move would uncover what the image never showed, so moves stay inside the picture:
pans are a slow push-in that drifts to one side (the Ken Burns move), zoom-in crops, orbit sways and
turns slightly while pushed in. Only a zoom-out needs pixels beyond the border, and mirrors them.
Time 0 is always the untouched frame.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from framecast.engine.sandbox.imaging.raster import U8, smoothstep
from framecast.engine.sandbox.scene import Camera

__all__ = ["apply_camera", "camera_view"]


def camera_view(camera: Camera, t: float) -> tuple[float, float, float, float]:
    """(zoom, centre x, centre y, angle in radians) of the view at time ``t`` in [0, 1]; the centre
    is a fraction of the frame."""
    e = smoothstep(0.0, 1.0, t)
    if camera is Camera.ZOOM_IN:
        return 1.0 + 0.3 * e, 0.5, 0.5, 0.0
    if camera is Camera.ZOOM_OUT:
        return 1.0 / (1.0 + 0.25 * e), 0.5, 0.5, 0.0
    if camera in (Camera.PAN_LEFT, Camera.PAN_RIGHT):
        z = 1.0 + 0.18 * e
        room = (1.0 - 1.0 / z) / 2
        return z, 0.5 + (room if camera is Camera.PAN_RIGHT else -room), 0.5, 0.0
    if camera is Camera.ORBIT:
        # A sway around the subject while pushing in; a real turn would need the unseen sides.
        z = 1.0 + 0.12 * e
        room = (1.0 - 1.0 / z) / 2
        return z, 0.5 + room * np.sin(np.pi * 2 * t) * 0.9, 0.5 - 0.3 * room * np.sin(np.pi * t), 0.0
    return 1.0, 0.5, 0.5, 0.0


def apply_camera(frame: U8, camera: Camera, t: float) -> U8:
    z, vx, vy, ang = camera_view(camera, t)
    if abs(z - 1.0) < 1e-4 and abs(vx - 0.5) < 1e-6 and abs(vy - 0.5) < 1e-6 and abs(ang) < 1e-6:
        return frame
    h, w = frame.shape[:2]
    pad = 0
    src = frame
    if z < 1.0:
        pad = int(np.ceil((1.0 / z - 1.0) / 2 * max(w, h))) + 2
        src = np.pad(frame, ((pad, pad), (pad, pad), (0, 0)), mode="reflect")
    cx, cy = vx * w + pad, vy * h + pad
    if abs(ang) < 1e-6:
        # A crop-and-scale: PIL's separable resize is several times cheaper than an affine warp.
        box = (cx - w / (2 * z), cy - h / (2 * z), cx + w / (2 * z), cy + h / (2 * z))
        img = Image.fromarray(src).resize((w, h), Image.Resampling.BILINEAR, box=box)
        return np.asarray(img)
    c, s = np.cos(ang), np.sin(ang)
    a, b, d, e = c / z, -s / z, s / z, c / z
    data = (a, b, cx - a * w / 2 - b * h / 2, d, e, cy - d * w / 2 - e * h / 2)
    img = Image.fromarray(src).transform((w, h), Image.Transform.AFFINE, data, resample=Image.Resampling.BILINEAR)
    return np.asarray(img)
