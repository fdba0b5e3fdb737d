"""Form fields and validators every page shares, built on the checks of
:mod:`competition.documents.inputs`: a text's length and characters, decimal and whole numbers.
Each message names the field (by its label) and the limit it broke."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, Form, IntegerField, StringField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import TextInput

from competition.documents.inputs import (
    WHOLE_NUMBER_MAX,
    decimal_problem,
    read_decimal,
    read_whole_number,
    text_problem,
    whole_number_problem,
)
from competition.errors import InvalidInput


def N_(message: str) -> str:  # noqa: N802  (the name gettext's tools look for)
    """Marks a message to translate that is translated elsewhere (here: by WTForms)."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802  (make translations-update looks for it)
    """Marks a message with a plural to translate that is translated elsewhere."""
    return singular, plural


# WTForms' and Flask-WTF's own messages (WTForms ships no Indonesian catalogue): listed so that
# extracting the texts keeps them in ours, where they are translated.
LIBRARY_MESSAGES = (
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."), N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Date must be at least %(min)s."), N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("This field is required."), N_("Invalid input."), N_("Invalid email address."),
    N_("Invalid IP address."), N_("Invalid Mac address."), N_("Invalid URL."), N_("Invalid UUID."),
    N_("Invalid value, must be one of: %(values)s."), N_("Invalid value, can't be any of: %(values)s."),
    N_("This field cannot be edited."), N_("This field is disabled and cannot have a value."),
    N_("Invalid CSRF Token."), N_("CSRF token missing."), N_("CSRF failed."), N_("CSRF token expired."),
    N_("Invalid Choice: could not coerce."), N_("Choices cannot be None."), N_("Not a valid choice."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("Not a valid datetime value."), N_("Not a valid date value."), N_("Not a valid time value."),
    N_("Not a valid week value."), N_("Not a valid integer value."), N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("File does not have an approved extension: {extensions}"),
    N_("File does not have an approved extension."),
)
LIBRARY_PLURAL_MESSAGES = (
    Nn_("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long."),
    Nn_("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters."),
    Nn_("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long."),
    Nn_("'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field."),
)


class CatalogueTranslations:
    """WTForms' translations object, answering from our catalogue in the reader's language."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


CATALOGUE = CatalogueTranslations()


class PageForm(FlaskForm):
    """The base of every form of the pages: the messages WTForms writes itself ("This field is
    required.", "Not a valid integer value.") in the reader's language."""

    class Meta:
        def get_translations(self, form: Form) -> CatalogueTranslations:
            return CATALOGUE


def label_of(field: Field) -> str:
    return str(field.label.text)


class Text(Length):
    """At most ``limit`` characters, no NUL character, and for ``one_line`` no line break: the
    length check of every free text, with a message naming the field and the limit."""

    def __init__(self, limit: int, *, one_line: bool = False):
        super().__init__(max=limit)
        self.limit, self.one_line = limit, one_line

    def __call__(self, form: Form, field: Field) -> None:
        value = field.data if isinstance(field.data, str) else ""
        problem = text_problem(label_of(field), value, self.limit, one_line=self.one_line)
        if problem:
            raise ValidationError(problem)


class NumberField(StringField):
    """A decimal number typed the Indonesian way (80,5) or the English way (80.5), in a text box
    (browsers' number boxes refuse one or the other). Exponents, infinity and NaN are no numbers;
    ``places`` limits the decimal places."""

    widget = TextInput()
    data: Any

    def __init__(self, label: Any = None, validators: Any = None, *, places: int = 4, **kwargs: Any):
        super().__init__(label, validators, **kwargs)
        self.places = places

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not isinstance(valuelist[0], str) or not valuelist[0].strip():
            return
        value = read_decimal(valuelist[0])
        if value is None:
            raise ValueError(_("Write a number, such as 80 or 80,5."))
        problem = decimal_problem(label_of(self), value, places=self.places)
        if problem:
            raise ValueError(problem)
        self.data = value

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else f"{self.data:g}"


class WholeNumberField(IntegerField):
    """A whole number in ASCII digits that its column can hold (at most ``maximum``)."""

    data: Any

    def __init__(self, label: Any = None, validators: Any = None, *, maximum: int = WHOLE_NUMBER_MAX,
                 **kwargs: Any):
        super().__init__(label, validators, **kwargs)
        self.maximum = maximum

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not isinstance(valuelist[0], str) or not valuelist[0].strip():
            return
        value = read_whole_number(valuelist[0])
        if value is None:
            raise ValueError(_("Write a whole number, such as 5."))
        problem = whole_number_problem(label_of(self), value, -self.maximum, self.maximum)
        if problem:
            raise ValueError(problem)
        self.data = value


def form_problems(form: Form) -> list[str]:
    """Every error of a form, each naming its field by its label (once)."""
    problems = []
    for field in form:
        label = label_of(field)
        for error in field.errors:
            text = str(error)
            problems.append(text if text.startswith(label) else f"{label}: {text}")
    return problems


# How a page names the fields that services' problems name by their codes ("name: must not be
# empty"), where the page's form has no field of that name.
FIELD_LABELS = {"name": _l("Name"), "title": _l("Title"), "year": _l("Year"), "category": _l("Category"),
                "category_id": _l("Category"), "categories": _l("Categories"), "reason": _l("Reason"),
                "role": _l("Role"), "roles": _l("Role"), "organisation_id": _l("OPD"), "opd": _l("OPD"),
                "email": _l("E-mail"), "competition_id": _l("Competition"), "weight": _l("Weight"),
                "url": _l("Link"), "order": _l("Order")}


def field_and_message(problem: str) -> tuple[str | None, str]:
    """A service's "field: message" problem split into the field's code (None if it names no field)
    and the message in the reader's language. The code is read from the English text
    (:class:`workflows.messages.Text`), whatever the reader's language."""
    english = getattr(problem, "english", None)
    code, separator, _rest = (english if isinstance(english, str) else str(problem)).partition(": ")
    named, shown_separator, message = str(problem).partition(": ")
    if not separator or not shown_separator or not code or " " in code.strip() or not code.islower():
        return None, str(problem)
    return code.strip(), message


def problem_for_people(problem: str, form: Form | None = None) -> str:
    """A service's problem as a page shows it: the field it names by its label (on ``form``, or
    as pages usually call it), never by its code ("Nama: tidak boleh kosong", not "nama: ...")."""
    code, message = field_and_message(problem)
    if code is None:
        return str(problem)
    field = form._fields.get(code) if form is not None else None
    label = label_of(field) if field is not None else FIELD_LABELS.get(code)
    return f"{label}: {message}" if label is not None else str(problem)


def place_problems(form: Form, problems: list[str]) -> list[str]:
    """Put each problem that names a field of ``form`` under that field (beside its label); the
    others are returned, worded for people, to be shown above the form."""
    rest = []
    for problem in problems:
        code, message = field_and_message(problem)
        field = form._fields.get(code) if code is not None else None
        if field is not None and field.type not in ("HiddenField", "CSRFTokenField"):
            field.errors = [*field.errors, message]
        else:
            rest.append(problem_for_people(problem, form))
    return rest


def problems_of(error: Exception) -> list[str]:
    """Every problem of a service's refusal, one sentence each."""
    return list(getattr(error, "problems", None) or getattr(error, "reasons", None) or [str(error)])


def sent_version(form: Mapping[str, str], name: str = "version") -> int | None:
    """The version of a record that a page showed, sent back in a hidden field to detect a change
    by someone else meanwhile: ``None`` when not sent (or 0).

    :raises InvalidInput: naming the field, for anything but a whole number.
    """
    raw = form.get(name) or ""
    if not raw.strip():
        return None
    value = read_whole_number(raw)
    if value is None or not 0 <= value <= WHOLE_NUMBER_MAX:
        raise InvalidInput(_("%(field)s: %(value)s is not a whole number", field=name, value=repr(raw[:40])))
    return value or None
