"""Words for workspace states and actions, shown in templates.

Other packages write to a producer's change log too (the markets feature records managers'
decisions and stall changes); each names its own actions in ``market.registry.LOG_ACTIONS`` (the
workspace registers these), so every label lives once, beside the code that records the action.
"""

from flask_babel import lazy_gettext as _l

from catalog.models import AreaStatus, ProducerStatus, ProductStatus, ReviewStatus
from catalog.stock_history import REASON_LABELS
from market import registry

PRODUCT_STATUS = {
    ProductStatus.DRAFT: _l("Draft"),
    ProductStatus.ACTIVE: _l("On sale"),
    ProductStatus.PAUSED: _l("Paused"),
    ProductStatus.ARCHIVED: _l("Archived"),
}
# The button that moves a listing to each status.
STATUS_ACTIONS = {
    ProductStatus.ACTIVE: _l("Put on sale"),
    ProductStatus.PAUSED: _l("Pause"),
    ProductStatus.ARCHIVED: _l("Archive"),
    ProductStatus.DRAFT: _l("Restore as draft"),
}
STATUS_FILTERS = {
    "current": _l("Not archived"),
    "draft": _l("Drafts"),
    "active": _l("On sale"),
    "paused": _l("Paused"),
    "archived": _l("Archived"),
    "all": _l("All"),
}
PRODUCER_STATUS = {
    ProducerStatus.PENDING: _l("Waiting for verification"),
    ProducerStatus.VERIFIED: _l("Verified"),
    ProducerStatus.SUSPENDED: _l("Suspended"),
}
REVIEW_STATUS = {
    ReviewStatus.PENDING: _l("Pending verification"),
    ReviewStatus.APPROVED: _l("Approved"),
    ReviewStatus.REJECTED: _l("Rejected"),
}
AREA_STATUS = {
    AreaStatus.ACTIVE: _l("Active"),
    AreaStatus.SUSPENDED: _l("Suspended"),
    AreaStatus.CANCELLED: _l("Cancelled"),
}
ACCESS = {
    "owner": _l("owner"),
    "staff": _l("staff"),
    "helper": _l("helper"),
    "cli": _l("command line"),
    "manager": _l("market manager"),
}
ACTIONS = {
    "producer.create": _l("Created the shop"),
    "producer.update": _l("Edited the profile"),
    "producer.bank": _l("Changed the bank account"),
    "team.invite": _l("Invited to the staff"),
    "team.uninvite": _l("Cancelled an invitation"),
    "team.join": _l("Joined the staff"),
    "team.remove": _l("Removed from the staff"),
    "helper.grant": _l("Gave a helper access"),
    "helper.revoke": _l("Revoked a helper's access"),
    "helper.notices": _l("Changed the notices a helper receives"),
    "product.create": _l("Created a product"),
    "product.update": _l("Edited a product"),
    "product.status": _l("Changed a product's status"),
    "product.quick_edit": _l("Quick edit of price or stock"),
    "product.import": _l("Imported a product"),
    "photo.add": _l("Added photos"),
    "photo.reorder": _l("Reordered photos"),
    "photo.delete": _l("Deleted a photo"),
    "stock.adjust": _l("Changed stock"),
    "ocop.claim": _l("Claimed an OCOP rating"),
    "area.create": _l("Registered a growing area"),
    "area.update": _l("Edited a growing area"),
    "lot.create": _l("Recorded a lot"),
}


# The fields a change-log entry shows before and after, named for the producer.
FIELDS = {
    "sku": _l("SKU"),
    "name": _l("Name"),
    "category_id": _l("Category"),
    "unit": _l("Unit"),
    "price": _l("Price"),
    "stock": _l("Stock"),
    "low_stock_threshold": _l("Low-stock alert at"),
    "weight_grams": _l("Weight (grams)"),
    "length_cm": _l("Length (cm)"),
    "width_cm": _l("Width (cm)"),
    "height_cm": _l("Height (cm)"),
    "description": _l("Description"),
    "certifications": _l("Certifications"),
    "certification": _l("Certification"),
    "growing_area_id": _l("Growing area"),
    "gtin": _l("GTIN barcode"),
    "status": _l("Status"),
    "review_status": _l("Review"),
    "kind": _l("Kind"),
    "area_slug": _l("Area of origin"),
    "commune_code": _l("Commune or ward"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "story": _l("Story"),
    "photo": _l("Photo"),
    "photos": _l("Photos"),
    "bank_bin": _l("Bank"),
    "bank_account": _l("Account number"),
    "bank_holder": _l("Account holder"),
    "code": _l("Code"),
    "crop": _l("Crop"),
    "variety": _l("Variety"),
    "area_ha": _l("Area (ha)"),
    "households": _l("Households"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "target_market": _l("Target market"),
    "issuing_body": _l("Issued by"),
    "stars": _l("OCOP stars"),
    "decision_number": _l("Decision number"),
    "decision_date": _l("Decision date"),
    "login": _l("Email or phone"),
    "role": _l("Role"),
    "helper": _l("Helper"),
    "notices": _l("Receives your notices"),
    "staff": _l("Staff"),
    "reason": _l("Reason"),
    "note": _l("Note"),
}


def action_labels() -> dict[str, object]:
    """Every change-log action's label: the workspace's own and those other packages added
    (``market.registry.LOG_ACTIONS``, which refuses a name given twice)."""
    return registry.LOG_ACTIONS.all()


def field_labels() -> dict[str, object]:
    """Every change-log field's label: the workspace's own and those other packages added."""
    return registry.LOG_FIELDS.all()


def template_labels() -> dict:
    """The label tables, for the workspace templates' context."""
    return {
        "product_status_labels": PRODUCT_STATUS,
        "status_actions": STATUS_ACTIONS,
        "status_filter_labels": STATUS_FILTERS,
        "producer_status_labels": PRODUCER_STATUS,
        "review_status_labels": REVIEW_STATUS,
        "area_status_labels": AREA_STATUS,
        "access_labels": ACCESS,
        "action_labels": action_labels(),
        "field_labels": field_labels(),
        "reason_labels": REASON_LABELS,
    }
