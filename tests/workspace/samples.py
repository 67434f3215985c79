"""Sample files for workspace tests: photos made on the fly."""

import io
import random

from PIL import Image


def jpeg_bytes(size: tuple[int, int] = (640, 480), color: str = "green", **save: object) -> bytes:
    """A small JPEG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", **save)
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (64, 48), **save: object) -> bytes:
    """A small PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG", **save)
    return buffer.getvalue()


def noisy_jpeg_bytes(size: tuple[int, int], seed: int = 7) -> bytes:
    """A JPEG of fine noise: as many bytes per pixel as a detailed phone photo."""
    noise = Image.frombytes("RGB", size, random.Random(seed).randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()
