"""Product photos: validated by content, EXIF-rotated, stripped of metadata, stored as WebP.

A request only checks an upload's header and keeps the file as uploaded; a job decodes it into
a clean original (re-encoded, so no metadata or trailing payload survives) and the WebP
renditions, then deletes the upload; a rendition added later is written for older photos by
``catalog.image_backfill``. Files live in the media store (``market.media``: a local folder or
an S3-compatible bucket) and are addressed by a random key and only ever served as images;
until its renditions exist a photo is served as a placeholder. Link previewers that reject
WebP get a JPEG copy of the zoom rendition, written by the same job; a photo made before that
(or another rendition) gets its copy from a job on first ask, WebP meanwhile.
"""

import io
import secrets
import warnings
from dataclasses import dataclass

from flask import current_app, g, has_request_context
from flask_babel import lazy_gettext as _l
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from market import media
from market.extensions import db
from market.jobs import enqueue, handler
from market.jobs.queue import PermanentJobError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40 MP phone photo; anything larger is refused as a bomb
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Rendition name → longest side in pixels. ``small`` is a card on a phone (about 170 px wide,
# 320 px on a 2x screen); ``card`` stays for wider screens.
RENDITIONS = {"thumb": 160, "small": 320, "card": 480, "zoom": 1200}
# The renditions link previews use, written as JPEG too (pages offer zoom.jpg first).
JPEG_RENDITIONS = ("zoom",)
ORIGINAL_LONGEST = 2400
UPLOAD = "upload"  # the file as uploaded, kept until its renditions are written
# Pillow refuses to open anything larger as a decompression bomb (a warning, an error at 2×).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageRejected(ValueError):
    """An upload that is not an acceptable image; the message is shown to the user."""


@dataclass(frozen=True)
class StoredImage:
    """Where an accepted image was stored and its size after orientation."""

    key: str
    width: int
    height: int


def _folder(key: str) -> str:
    return f"images/{key[:2]}/{key}/"


def is_image_key(key: str) -> bool:
    """Whether ``key`` has the shape of an image key (32 letters and digits)."""
    return len(key) == 32 and key.isalnum() and key.isascii()


def rendition_key(key: str, rendition: str) -> str | None:
    """The media key of a rendition, or None for an unknown key or rendition name."""
    if rendition not in RENDITIONS or not is_image_key(key):
        return None
    return f"{_folder(key)}{rendition}.webp"


def read_rendition(key: str, rendition: str) -> bytes | None:
    """A rendition's WebP bytes, or None when there is no such photo or rendition."""
    name = rendition_key(key, rendition)
    return media.store().get(name) if name else None


def _upload_key(key: str) -> str:
    return f"{_folder(key)}{UPLOAD}"


def _jpeg_key(name: str) -> str:
    return name.removesuffix(".webp") + ".jpg"


def jpeg_rendition(key: str, rendition: str) -> bytes | None:
    """The JPEG copy of a rendition, or None when it is not made (yet) or there is none."""
    name = rendition_key(key, rendition)
    return None if name is None else media.store().get(_jpeg_key(name))


def queue_jpeg(key: str, rendition: str) -> bool:
    """Ask a job for the JPEG copy of an existing rendition (once) and commit; False if none."""
    name = rendition_key(key, rendition)
    if name is None or not media.store().exists(name):
        return False
    enqueue("catalog.image_jpeg", {"key": key, "rendition": rendition}, key=f"jpeg:{name}")
    db.session.commit()
    return True


@handler("catalog.image_jpeg")
def make_jpeg(payload: dict) -> None:
    """Write the JPEG copy of a stored rendition, unless it is there already."""
    name = rendition_key(payload["key"], payload["rendition"])
    store = media.store()
    source = store.get(name) if name else None
    if source is None or store.exists(_jpeg_key(name)):
        return  # deleted meanwhile, or already made
    with Image.open(io.BytesIO(source)) as image:
        store.put(_jpeg_key(name), _jpeg(image), "image/jpeg")


def _jpeg(image: Image.Image) -> bytes:
    output = io.BytesIO()
    _on_white(image).save(output, "JPEG", quality=85, optimize=True, progressive=True)
    return output.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    """An RGB copy, transparent parts on white (JPEG has no transparency)."""
    if image.mode != "RGBA":
        return image.convert("RGB")
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def store_upload(data: bytes) -> StoredImage:
    """Check an upload by its content, keep it as uploaded, and queue its renditions.

    Only the header is decoded here (format, size, orientation, integrity), within the
    request's pixel budget; the ``catalog.image_renditions`` job, recorded in the caller's
    transaction, decodes it and writes the WebP files. Until then the photo is served as a
    placeholder.
    """
    image_format, width, height = _probe(data)
    key = secrets.token_hex(16)
    media.store().put(_upload_key(key), data, f"image/{image_format.lower()}")
    enqueue("catalog.image_renditions", {"key": key})
    return StoredImage(key=key, width=width, height=height)


def store_image(data: bytes) -> StoredImage:
    """Check an image and write its renditions now (the demo loader; never a request)."""
    _probe(data, budget=False)
    key = secrets.token_hex(16)
    image = _write_renditions(key, _open_checked(data))
    return StoredImage(key=key, width=image.width, height=image.height)


def _write_renditions(key: str, image: Image.Image) -> Image.Image:
    """Orient, strip and write the clean original and every rendition; return the clean image."""
    image = _without_metadata(ImageOps.exif_transpose(image))
    # The kept original is the largest size ever shown, not the camera's 40 MP.
    image.thumbnail((ORIGINAL_LONGEST, ORIGINAL_LONGEST), Image.Resampling.LANCZOS)
    store = media.store()  # each put is atomic: a reader never sees half a file
    store.put(f"{_folder(key)}original.webp", _webp(image, quality=90), "image/webp")
    _write_sizes(key, image, list(RENDITIONS))
    return image


def _write_sizes(key: str, image: Image.Image, names: list[str]) -> None:
    """Write the named renditions of a clean image (and the JPEG copy of those previews use)."""
    store = media.store()
    for name in names:
        copy = image.copy()
        longest = RENDITIONS[name]
        copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        store.put(f"{_folder(key)}{name}.webp", _webp(copy, quality=80), "image/webp")
        if name in JPEG_RENDITIONS:
            store.put(f"{_folder(key)}{name}.jpg", _jpeg(copy), "image/jpeg")


def add_missing_renditions(key: str) -> list[str]:
    """Write the renditions a stored photo lacks (sizes added since) from its clean original.

    Returns the names written. A photo still waiting for its first renditions, or gone, is
    left alone: the renditions job writes every size.
    """
    if not is_image_key(key) or is_pending(key):
        return []
    store = media.store()
    missing = [name for name in RENDITIONS if not store.exists(f"{_folder(key)}{name}.webp")]
    original = store.get(f"{_folder(key)}original.webp") if missing else None
    if original is None:
        return []
    with Image.open(io.BytesIO(original)) as image:
        image.load()
        _write_sizes(key, image, missing)
    return missing


def _webp(image: Image.Image, quality: int) -> bytes:
    output = io.BytesIO()
    image.save(output, "WEBP", quality=quality, method=4)
    return output.getvalue()


def is_pending(key: str) -> bool:
    """Whether an image's upload waits for its renditions."""
    return is_image_key(key) and media.store().exists(_upload_key(key))


@handler("catalog.image_renditions")
def make_renditions(payload: dict) -> None:
    """Decode a stored upload, write its renditions, then drop the upload (and its metadata)."""
    key = payload["key"]
    data = media.store().get(_upload_key(key)) if is_image_key(key) else None
    if data is None:
        return  # already done, or the photo was deleted meanwhile
    try:
        image = _open_checked(data)
    except ImageRejected as error:
        raise PermanentJobError(f"Photo {key} cannot be decoded: {error}") from None
    _write_renditions(key, image)
    media.store().delete(_upload_key(key))


def larger_renditions(rendition: str) -> list[str]:
    """The renditions larger than ``rendition``, smallest first."""
    return sorted(
        (n for n in RENDITIONS if RENDITIONS[n] > RENDITIONS[rendition]), key=RENDITIONS.get
    )


def rendition_size(width: int, height: int, rendition: str) -> tuple[int, int]:
    """The pixel size of a rendition of a ``width`` × ``height`` original."""
    longest = RENDITIONS[rendition]
    scale = min(1.0, longest / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def delete_image(key: str) -> None:
    """Remove an image's files; a missing image is not an error."""
    if is_image_key(key):
        media.store().delete_prefix(_folder(key))


def _open_checked(data: bytes) -> Image.Image:
    """Decode an image whose header ``_probe`` accepted (Pillow's bomb check still applies)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
            return image
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected(_l("The photo has too many pixels. Please resize it.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected(_l("This file is not a photo we can read.")) from None


def _probe(data: bytes, budget: bool = True) -> tuple[str, int, int]:
    """Format and oriented size from the header, refusing what we cannot or will not decode."""
    if not data:
        raise ImageRejected(_l("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImageRejected(_l("The photo is larger than 10 MB. Please choose a smaller one."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format, (width, height) = probe.format, probe.size
                if image_format not in ACCEPTED_FORMATS:
                    raise ImageRejected(_l("Only JPEG, PNG and WebP photos are accepted."))
                if width * height > MAX_PIXELS:
                    raise ImageRejected(_l("The photo has too many pixels. Please resize it."))
                # A PNG's EXIF may follow the pixels: reading it would decode them all.
                exif = probe.getexif() if image_format != "PNG" else {}
                orientation = exif.get(ExifTags.Base.Orientation, 1)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()  # checksums and structure, without decoding the pixels
    except ImageRejected:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected(_l("The photo has too many pixels. Please resize it.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected(_l("This file is not a photo we can read.")) from None
    if budget:
        _spend(width * height)
    return image_format, *((height, width) if orientation in (5, 6, 7, 8) else (width, height))


def _spend(pixels: int) -> None:
    """Count pixels against the request's budget (all its photos together)."""
    if not has_request_context():
        return
    left = g.get("pixel_budget", current_app.config["UPLOAD_PIXEL_BUDGET"])
    if pixels > left:
        raise ImageRejected(
            _l("These photos have too many pixels together. Please send fewer or smaller ones.")
        )
    g.pixel_budget = left - pixels


def _without_metadata(image: Image.Image) -> Image.Image:
    """A copy holding only pixels: no EXIF (GPS), XMP, ICC text or PNG chunks."""
    mode = "RGBA" if image.mode in ("RGBA", "LA", "P") and _has_alpha(image) else "RGB"
    clean = Image.new(mode, image.size)
    clean.paste(image.convert(mode))
    return clean


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA") or "transparency" in image.info
