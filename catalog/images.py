"""Product photos: validated by content, EXIF-rotated, stripped of metadata, stored as WebP.

Every upload becomes an original (re-encoded, so no metadata or trailing payload survives) and
three WebP renditions. Files are addressed by a random key and only ever served as images.
"""

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40 MP phone photo; anything larger is refused as a bomb
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Rendition name → longest side in pixels.
RENDITIONS = {"thumb": 160, "card": 480, "zoom": 1200}


class ImageRejected(ValueError):
    """An upload that is not an acceptable image; the message is shown to the user."""


@dataclass(frozen=True)
class StoredImage:
    """Where an accepted image was stored and its size after orientation."""

    key: str
    width: int
    height: int


def media_root() -> Path:
    """The folder holding every stored image."""
    return Path(current_app.config["MEDIA_ROOT"])


def _folder(key: str) -> Path:
    return media_root() / "images" / key[:2] / key


def rendition_path(key: str, rendition: str) -> Path | None:
    """The file of a rendition, or None for an unknown key or rendition name."""
    if rendition not in RENDITIONS or len(key) != 32 or not key.isalnum():
        return None
    return _folder(key) / f"{rendition}.webp"


def store_image(data: bytes) -> StoredImage:
    """Validate an upload by its content and store it with its renditions."""
    if not data:
        raise ImageRejected(_l("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImageRejected(_l("The photo is larger than 10 MB. Please choose a smaller one."))
    image = _open_checked(data)
    image = ImageOps.exif_transpose(image)
    image = _without_metadata(image)
    key = secrets.token_hex(16)
    folder = _folder(key)
    folder.mkdir(parents=True, exist_ok=True)
    image.save(folder / "original.webp", "WEBP", quality=90, method=4)
    for name, longest in RENDITIONS.items():
        copy = image.copy()
        copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        copy.save(folder / f"{name}.webp", "WEBP", quality=80, method=4)
    return StoredImage(key=key, width=image.width, height=image.height)


def rendition_size(width: int, height: int, rendition: str) -> tuple[int, int]:
    """The pixel size of a rendition of a ``width`` × ``height`` original."""
    longest = RENDITIONS[rendition]
    scale = min(1.0, longest / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def delete_image(key: str) -> None:
    """Remove an image's files; a missing folder is not an error."""
    folder = _folder(key)
    if folder.is_dir():
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


def _open_checked(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode(data)
    except ImageRejected:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected(_l("The photo has too many pixels. Please resize it.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected(_l("This file is not a photo we can read.")) from None


def _decode(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as probe:
        width, height = probe.size
        if probe.format not in ACCEPTED_FORMATS:
            raise ImageRejected(_l("Only JPEG, PNG and WebP photos are accepted."))
        if width * height > MAX_PIXELS:
            raise ImageRejected(_l("The photo has too many pixels. Please resize it."))
        probe.verify()
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _without_metadata(image: Image.Image) -> Image.Image:
    """A copy holding only pixels: no EXIF (GPS), XMP, ICC text or PNG chunks."""
    mode = "RGBA" if image.mode in ("RGBA", "LA", "P") and _has_alpha(image) else "RGB"
    clean = Image.new(mode, image.size)
    clean.paste(image.convert(mode))
    return clean


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA") or "transparency" in image.info
