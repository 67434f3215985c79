"""Translation catalogs: one folder per area under ``translations/``, compiled to .mo."""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from market.config import ROOT
from market.forms import WTFORMS_MESSAGES_TEMPLATE

TRANSLATIONS = ROOT / "translations"


def po_files() -> list[Path]:
    """Every ``messages.po`` of every area and language."""
    return sorted(TRANSLATIONS.glob("*/*/LC_MESSAGES/messages.po"))


def compile_catalogs(force: bool = False) -> int:
    """Compile each .po whose .mo is missing or older; returns how many were written."""
    written = 0
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written += 1
    return written


SOURCE_DIRS = ("market", "catalog", "orders", "payments", "templates")
METHOD_MAP = [("**.py", "python"), ("**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
}


def extract_messages() -> dict[str | tuple[str, str], str]:
    """Every translatable message in the code and templates, with where it was first seen."""
    found: dict[str | tuple[str, str], str] = {}
    for name in SOURCE_DIRS:
        folder = ROOT / name
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(folder), METHOD_MAP, keywords=KEYWORDS, strip_comment_tags=True
        ):
            if "/translations/" in filename or filename.startswith("translations/"):
                continue
            found.setdefault(_key(message), f"{name}/{filename}:{lineno}")
    with WTFORMS_MESSAGES_TEMPLATE.open("rb") as handle:
        for message in read_po(handle):
            if message.id:
                where, line = message.locations[0]
                found.setdefault(_key(message.id), f"wtforms/{where}:{line}")
    return found


def _key(message_id: str | tuple | list) -> str | tuple[str, str]:
    """A message's identity: its msgid, or (singular, plural) for plural messages."""
    return message_id if isinstance(message_id, str) else (message_id[0], message_id[1])


def translated_messages(locale: str = "vi") -> set[str | tuple[str, str]]:
    """Messages translated (non-empty, not fuzzy) in any area's catalog for ``locale``."""
    done: set[str | tuple[str, str]] = set()
    for po_path in TRANSLATIONS.glob(f"*/{locale}/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(strings):
                done.add(_key(message.id))
    return done


def duplicated_messages(locale: str = "vi") -> dict[str | tuple[str, str], list[str]]:
    """Messages that sit in more than one area's catalog, with those areas (one must go)."""
    areas: dict[str | tuple[str, str], list[str]] = {}
    for po_path in sorted(TRANSLATIONS.glob(f"*/{locale}/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if message.id:
                areas.setdefault(_key(message.id), []).append(po_path.parts[-4])
    return {key: found for key, found in areas.items() if len(found) > 1}


def missing_translations(locale: str = "vi") -> dict[str | tuple[str, str], str]:
    """Messages in the source that no catalog translates yet, with where they appear."""
    done = translated_messages(locale)
    return {key: where for key, where in extract_messages().items() if key not in done}


def add_missing(area: str, locale: str = "vi") -> int:
    """Append every untranslated message to ``translations/<area>`` for a person to fill in."""
    po_path = TRANSLATIONS / area / locale / "LC_MESSAGES" / "messages.po"
    po_path.parent.mkdir(parents=True, exist_ok=True)
    if po_path.exists():
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
    else:
        catalog = Catalog(locale=locale, project="Chợ Quê", charset="utf-8")
    missing = missing_translations(locale)
    added = 0
    for key, where in missing.items():
        if catalog.get(key) is not None:
            continue
        file_part, _, line = where.rpartition(":")
        catalog.add(
            key, "" if isinstance(key, str) else ("", ""), locations=[(file_part, int(line))]
        )
        added += 1
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False)
    return added


def prune_obsolete(locale: str = "vi") -> int:
    """Drop catalog entries whose message no longer appears in the source; returns how many."""
    current = set(extract_messages())
    removed = 0
    for po_path in TRANSLATIONS.glob(f"*/{locale}/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        stale = [
            message.id
            for message in catalog
            if message.id
            and (message.id if isinstance(message.id, str) else tuple(message.id[:2]))
            not in current
        ]
        for key in stale:
            catalog.delete(key)
        if stale:
            with po_path.open("wb") as handle:
                write_po(handle, catalog, width=100, sort_output=False)
            removed += len(stale)
    return removed
