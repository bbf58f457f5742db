"""GOV.UK form pieces every context's pages share: field ids, radios and the date input."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from burgh.core.errors import BurghError


class PageForm(forms.Form):
    """Field ids are the field names (`email`, not `id_email`), as GOV.UK pages expect."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)


class RadiosWidget(forms.RadioSelect):
    """Radios whose first button carries the field's id, so the error summary can link to it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        if index is None or index == "0":
            return id_
        return f"{id_}-{int(index) + 1}"


class DateWidget(forms.MultiWidget):
    """GOV.UK's date input: day, month and year boxes named `<field>_day` and so on."""

    def __init__(self) -> None:
        super().__init__(
            widgets={
                "day": forms.TextInput(),
                "month": forms.TextInput(),
                "year": forms.TextInput(),
            }
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_: str) -> str:
        # The error summary links to the first box.
        return f"{id_}_day" if id_ else ""


class DateInputField(forms.Field):
    """A date typed into three boxes, with GOV.UK's messages for the ways it can be wrong.

    `noun` names the date in messages ("start date"); it defaults to the label. `past` refuses
    dates after today (a date of birth).
    """

    widget = DateWidget

    def __init__(self, *, noun: str = "", past: bool = False, **kwargs: Any) -> None:
        self.noun = noun or str(kwargs.get("label", "date")).lower()
        self.past = past
        kwargs.setdefault("error_messages", {"required": f"Enter the {self.noun}"})
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> list[str]:
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, list | tuple):
            return [str(part or "") for part in value]
        return ["", "", ""]

    def to_python(self, value: Any) -> date | None:
        parts = [part.strip() for part in self.prepare_value(value)]
        if not any(parts):
            return None
        noun = self.noun[0].upper() + self.noun[1:]
        missing = [
            name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
        ]
        if missing:
            raise ValidationError(f"{noun} must include a {' and '.join(missing)}", code="partial")
        if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise ValidationError(f"{noun} must be a real date", code="invalid")
        try:
            typed = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValidationError(f"{noun} must be a real date", code="invalid") from None
        if self.past and typed > timezone.localdate():
            raise ValidationError(f"{noun} must be today or in the past", code="future")
        return typed


def add_service_errors(
    form: forms.Form,
    error: BurghError,
    fields: Mapping[str, str] | None = None,
    *,
    default: str | None = None,
) -> None:
    """Put a service's refusal on the form: each error pointer on its field, the rest on top.

    `fields` maps a pointer (`#/ends_on`) to a form field where the names differ; a pointer
    naming a field of the form (`#/title` → `title`) needs no entry. An error with no pointers
    lands on `default` (a field name) or above the form.
    """
    fields = fields or {}
    problems = error.errors or [{"pointer": "", "detail": error.detail}]
    for problem in problems:
        pointer = problem.get("pointer", "")
        name = fields.get(pointer) or pointer.removeprefix("#/")
        if not pointer:
            name = default or ""
        form.add_error(name if name in form.fields else None, problem["detail"])
