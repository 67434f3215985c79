"""The base of every form (WTForms' own messages, "This field is required.", through Babel) and
the fields and choices several features' forms share."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import wtforms
from flask import flash
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, widgets
from wtforms.i18n import messages_path

from market import places
from market.domain_errors import DomainError

# WTForms' catalog template: its built-in messages, translated in ``translations/forms``.
WTFORMS_MESSAGES_TEMPLATE = Path(messages_path()) / "wtforms.pot"


class BabelTranslations:
    """WTForms' translations provider backed by the app's merged Babel catalogs."""

    def gettext(self, string: str) -> str:
        """The message in the request's language."""
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural message for ``n`` in the request's language."""
        return get_translations().ungettext(singular, plural, n)


class BabelMeta:
    """Form options that route WTForms' messages through Flask-Babel."""

    def get_translations(self, form: wtforms.Form) -> BabelTranslations:
        """The app's catalogs instead of WTForms' own (which have no Vietnamese)."""
        return BabelTranslations()


class Form(FlaskForm):
    """A Flask-WTF form (CSRF-protected) whose built-in messages follow the chosen language."""

    Meta = BabelMeta


class SubForm(wtforms.Form):
    """A form nested in another (``FormField``/``FieldList``), its messages translated too."""

    Meta = BabelMeta


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes for one multi-valued field."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def place_choices(place: wtforms.SelectField, area: wtforms.SelectField) -> None:
    """A place in the home province: its communes and wards, then the area of origin (a former
    district), which by default is the one the chosen commune was formed from."""
    place.choices = options([("", _l("— Choose —")), *places.commune_choices(places.HOME_PROVINCE)])
    area.choices = options([("", _l("— As the commune —")), *places.area_choices()])


def form_error(form: object, error: DomainError) -> None:
    """Show a service's refusal next to the field it names, else as a flash message."""
    target = getattr(form, error.field or "", None)
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, str(error)]
    else:
        flash(str(error), "error")
