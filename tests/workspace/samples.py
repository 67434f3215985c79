"""Sample files for workspace tests: photos made on the fly."""

import io

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
