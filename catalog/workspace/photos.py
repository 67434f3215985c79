"""Product photos: up to eight per listing, in the producer's order; the first is the cover."""

import logging

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from catalog import audit
from catalog.audit import Actor
from catalog.images import ImageRejected, StoredImage, delete_image, store_upload
from catalog.models import Product, ProductImage
from catalog.workspace.errors import WorkspaceError
from market.extensions import db

logger = logging.getLogger(__name__)

MAX_PHOTOS = 8


def store_all(uploads: list[tuple[str, bytes]]) -> list[StoredImage]:
    """Store every upload, or none: one bad file rejects the batch with its name in the message."""
    stored = []
    for filename, data in uploads:
        try:
            stored.append(store_upload(data))
        except ImageRejected as error:
            for image in stored:
                delete_image(image.key)
            raise WorkspaceError(f"{filename}: {error}", field="photos") from None
    return stored


def check_room(product: Product | None, count: int) -> None:
    """Refuse more photos than a listing may hold."""
    room = MAX_PHOTOS - (len(product.images) if product else 0)
    if count > room:
        raise WorkspaceError(
            ngettext(
                "A product has at most 8 photos; you can add %(num)s more.",
                "A product has at most 8 photos; you can add %(num)s more.",
                room,
            ),
            field="photos",
        )


def attach_stored(product: Product, stored: list[StoredImage], actor: Actor) -> None:
    """Add already stored images after the listing's existing photos, and commit."""
    start = max((image.position for image in product.images), default=-1) + 1
    for offset, image in enumerate(stored):
        product.images.append(
            ProductImage(
                key=image.key, width=image.width, height=image.height, position=start + offset
            )
        )
    audit.record(
        product.producer_id,
        actor,
        "photo.add",
        "product",
        product.id,
        summary=product.name,
        after={"photos": [image.key for image in stored]},
    )
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        for image in stored:
            delete_image(image.key)
        raise


def add_photos(product: Product, uploads: list[tuple[str, bytes]], actor: Actor) -> int:
    """Validate and add photos after the existing ones; returns how many were added."""
    if not uploads:
        raise WorkspaceError(_l("Choose at least one photo."), field="photos")
    check_room(product, len(uploads))
    stored = store_all(uploads)
    attach_stored(product, stored, actor)
    return len(stored)


def _renumber(product: Product, ordered: list[ProductImage]) -> None:
    # Positions are unique per product: park them out of the way before the final numbering.
    for index, image in enumerate(ordered):
        image.position = -1 - index
    db.session.flush()
    for index, image in enumerate(ordered):
        image.position = index
    db.session.flush()
    product.images.sort(key=lambda image: image.position)


def _find(product: Product, image_id: int) -> ProductImage:
    image = next((image for image in product.images if image.id == image_id), None)
    if image is None:
        raise WorkspaceError(_l("That photo is not part of this product."))
    return image


def move_photo(product: Product, image_id: int, step: int, actor: Actor) -> None:
    """Move a photo one place earlier (-1) or later (+1); moving to the front makes it the cover."""
    image = _find(product, image_id)
    ordered = list(product.images)
    index = ordered.index(image)
    target = min(max(index + step, 0), len(ordered) - 1)
    if target == index:
        return
    before = [i.key for i in ordered]
    ordered.insert(target, ordered.pop(index))
    _renumber(product, ordered)
    audit.record(
        product.producer_id,
        actor,
        "photo.reorder",
        "product",
        product.id,
        summary=product.name,
        before={"photos": before},
        after={"photos": [i.key for i in ordered]},
    )
    db.session.commit()


def make_cover(product: Product, image_id: int, actor: Actor) -> None:
    """Put a photo first, so cards and shares show it."""
    image = _find(product, image_id)
    move_photo(product, image.id, -len(product.images), actor)


def delete_photo(product: Product, image_id: int, actor: Actor) -> None:
    """Remove a photo and its files."""
    image = _find(product, image_id)
    key = image.key
    product.images.remove(image)
    db.session.flush()
    remaining = list(product.images)
    audit.record(
        product.producer_id,
        actor,
        "photo.delete",
        "product",
        product.id,
        summary=product.name,
        before={"photo": key},
    )
    _renumber(product, remaining)
    db.session.commit()
    delete_image(key)
