"""Forms for the governance pages: agreements, restrictions, emergency access, the access log."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q

from burgh.core.forms import DateInputField, PageForm, RadiosWidget
from burgh.identity import policy
from burgh.identity.forms import CheckboxesWidget
from burgh.identity.models import (
    AccessLogEntry,
    BreakGlassGrant,
    DataSharingAgreement,
    LawfulBasis,
    Organisation,
    Purpose,
    RecordRestriction,
    User,
)
from burgh.identity.permissions import holders_of
from burgh.identity.services.sharing import MANAGE_SHARING_AGREEMENTS

SHARED_PREFIX = "shared-"
# Restrictions are reviewed at least every two years (the restriction service's limit).
LONGEST_REVIEW_MONTHS = 24


def shared_field_name(kind: policy.RecordKind) -> str:
    """The form field holding one record kind's shared fields: `shared-people-person`."""
    return SHARED_PREFIX + kind.name.replace(".", "-")


def field_label(name: str) -> str:
    """A record field as people say it: `date_of_birth` is "Date of birth"."""
    return name.replace("_", " ").capitalize()


class AgreementForm(PageForm):
    """An agreement's terms; the record kinds and fields come from the policy's registry."""

    reference = forms.CharField(
        label="Reference",
        max_length=40,
        help_text="The register's reference for the agreement, for example DSA-2026-004.",
        error_messages={
            "required": "Enter the agreement's reference",
            "max_length": "Reference must be 40 characters or fewer",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter the agreement's title",
            "max_length": "Title must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="What is shared, with whom and why, in a few sentences.",
    )
    partners = forms.ModelMultipleChoiceField(
        label="Partner organisations",
        queryset=Organisation.objects.exclude(kind=Organisation.Kind.COUNCIL).order_by("name"),
        widget=CheckboxesWidget,
        error_messages={
            "required": "Select at least one partner organisation",
            "invalid_choice": "Select partner organisations from the list",
            "invalid_pk_value": "Select partner organisations from the list",
        },
    )
    purpose = forms.ChoiceField(
        label="Purpose of sharing",
        choices=Purpose.choices,
        widget=RadiosWidget,
        error_messages={"required": "Select the purpose of sharing"},
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=LawfulBasis.choices,
        widget=RadiosWidget,
        error_messages={"required": "Select the lawful basis for sharing"},
    )
    starts_on = DateInputField(label="Start date", noun="start date")
    ends_on = DateInputField(label="End date (optional)", noun="end date", required=False)
    review_on = DateInputField(label="Review date", noun="review date")
    responsible_officer = forms.ChoiceField(
        label="Responsible officer",
        error_messages={
            "required": "Select the responsible officer",
            "invalid_choice": "Select the responsible officer from the list",
        },
    )
    # The version the person started editing, so a change made meanwhile is not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: DataSharingAgreement | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kinds = policy.all_kinds()
        if editing is not None:
            # The reference identifies the agreement to partners and in the audit trail.
            del self.fields["reference"]
        else:
            del self.fields["version"]
        for kind in self.kinds:
            self.fields[shared_field_name(kind)] = forms.MultipleChoiceField(
                label=f"{kind.label.capitalize()}s: fields shared",
                required=False,
                choices=[(name, field_label(name)) for name in kind.fields],
                widget=CheckboxesWidget,
                error_messages={"invalid_choice": "Select fields from the list"},
            )
        officer = self.fields["responsible_officer"]
        assert isinstance(officer, forms.ChoiceField)
        officer.choices = _officer_choices(editing.responsible_officer if editing else None)
        self.order_fields(
            ["reference", "title", "description", "partners", "purpose", "lawful_basis"]
            + [shared_field_name(kind) for kind in self.kinds]
        )

    def kind_fields(self) -> list[tuple[policy.RecordKind, forms.BoundField]]:
        return [(kind, self[shared_field_name(kind)]) for kind in self.kinds]

    def clean_responsible_officer(self) -> User:
        try:
            return User.objects.select_related("organisation").get(
                pk=self.cleaned_data["responsible_officer"]
            )
        except (User.DoesNotExist, ValidationError, ValueError):
            raise ValidationError("Select the responsible officer from the list") from None

    def shared_fields(self) -> dict[str, list[str]]:
        """The kinds shared and each one's fields, as the sharing service takes them."""
        chosen = {
            kind.name: list(self.cleaned_data.get(shared_field_name(kind)) or [])
            for kind in self.kinds
        }
        return {name: fields for name, fields in chosen.items() if fields}

    @staticmethod
    def initial_for(agreement: DataSharingAgreement) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": agreement.title,
            "description": agreement.description,
            "partners": list(agreement.partners.all()),
            "purpose": agreement.purpose,
            "lawful_basis": agreement.lawful_basis,
            "starts_on": agreement.starts_on,
            "ends_on": agreement.ends_on,
            "review_on": agreement.review_on,
            "responsible_officer": str(agreement.responsible_officer_id),
            "version": agreement.version,
        }
        for kind in policy.all_kinds():
            initial[shared_field_name(kind)] = list(agreement.shared_fields.get(kind.name, []))
        return initial


def _officer_choices(current: User | None) -> list[Any]:
    """Council staff, those who manage agreements first; the current officer is always offered."""
    staff = list(
        User.objects.filter(is_active=True, organisation__kind=Organisation.Kind.COUNCIL).order_by(
            "full_name", "email"
        )
    )
    if current is not None and current not in staff:
        staff.insert(0, current)
    governance = {user.pk for user in holders_of(MANAGE_SHARING_AGREEMENTS)}
    first = [(str(u.pk), f"{u.full_name} ({u.email})") for u in staff if u.pk in governance]
    others = [(str(u.pk), f"{u.full_name} ({u.email})") for u in staff if u.pk not in governance]
    choices: list[Any] = [("", "Select an officer")]
    if first:
        choices.append(("Information governance", first))
    if others:
        choices.append(("Other council staff" if first else "Council staff", others))
    return choices


class TerminateAgreementForm(PageForm):
    reason = forms.CharField(
        label="Why is the agreement ending?",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason the agreement is ending"},
    )


_EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


class NamedUsersMixin(forms.Form):
    """A box of email addresses, one per line, cleaned to the Burgh users they belong to."""

    named_users = forms.CharField(
        label="Who may see the record",
        widget=forms.Textarea,
        help_text=(
            "Email addresses of council staff, one on each line. Include everyone who must keep "
            "working with the record, such as the allocated worker."
        ),
        error_messages={"required": "Enter the email address of at least one person"},
    )

    def clean_named_users(self) -> list[User]:
        addresses = list(
            dict.fromkeys(
                part.lower() for part in _EMAIL_SEPARATORS.split(self.cleaned_data["named_users"])
            )
        )
        addresses = [address for address in addresses if address]
        if not addresses:
            raise ValidationError("Enter the email address of at least one person")
        malformed = []
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                malformed.append(address)
        if malformed:
            raise ValidationError(
                "Enter email addresses in the correct format, like name@example.com: "
                + ", ".join(malformed)
            )
        matching = Q()
        for address in addresses:
            matching |= Q(email__iexact=address)
        users = {
            user.email.lower(): user
            for user in User.objects.filter(matching, is_active=True).select_related("organisation")
        }
        unknown = [address for address in addresses if address not in users]
        if unknown:
            raise ValidationError(
                "No one with an active Burgh account has the email address " + ", ".join(unknown)
            )
        return [users[address] for address in addresses]


class RestrictionForm(NamedUsersMixin, PageForm):
    category = forms.ChoiceField(
        label="Why is the record restricted?",
        choices=RecordRestriction.Category.choices,
        widget=RadiosWidget,
        error_messages={"required": "Select why the record is restricted"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        help_text="Only the people who manage restrictions see this.",
        error_messages={"required": "Enter why the record is restricted"},
    )
    review_every_months = forms.IntegerField(
        label="Review every",
        min_value=1,
        max_value=LONGEST_REVIEW_MONTHS,
        initial=6,
        help_text=f"A number of months from 1 to {LONGEST_REVIEW_MONTHS}.",
        error_messages={
            "required": "Enter how many months until each review",
            "invalid": "Months must be a whole number, like 6",
            "min_value": f"Months must be from 1 to {LONGEST_REVIEW_MONTHS}",
            "max_value": f"Months must be from 1 to {LONGEST_REVIEW_MONTHS}",
        },
    )
    field_order = ["category", "reason", "named_users", "review_every_months"]


class NamedUsersForm(NamedUsersMixin, PageForm):
    @staticmethod
    def initial_for(restriction: RecordRestriction) -> dict[str, str]:
        emails = sorted(user.email for user in restriction.named_users.all())
        return {"named_users": "\n".join(emails)}


class ReviewRestrictionForm(PageForm):
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="What you checked and why the restriction is still needed.",
    )


class LiftRestrictionForm(PageForm):
    reason = forms.CharField(
        label="Why is the restriction being lifted?",
        widget=forms.Textarea,
        error_messages={"required": "Enter why the restriction is lifted"},
    )


class BreakGlassReviewForm(PageForm):
    outcome = forms.ChoiceField(
        label="Was this use of emergency access appropriate?",
        choices=BreakGlassGrant.Review.choices,
        widget=RadiosWidget,
        error_messages={"required": "Select whether the use was appropriate"},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea,
        help_text=(
            "Needed when the use was not appropriate: say what was wrong and what happens next."
        ),
    )


def _any(choices: Any) -> list[tuple[str, str]]:
    return [("", "Any"), *choices]


class AccessFilterForm(PageForm):
    action = forms.ChoiceField(
        label="Action", required=False, choices=_any(AccessLogEntry.Action.choices)
    )
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=_any(AccessLogEntry.Outcome.choices)
    )


ACTION_CHOICES = [
    (policy.Action.VIEW.value, "Open the record"),
    (policy.Action.LIST.value, "See it in a list or search"),
    (policy.Action.EXPORT.value, "Export it"),
    (policy.Action.CHANGE.value, "Change it"),
]


class CheckAccessForm(PageForm):
    """Whose access to check: the fields are prefixed `check-` beside the log's filter form."""

    prefix = "check"

    email = forms.EmailField(
        label="Their email address",
        error_messages={
            "required": "Enter the email address of the person whose access you want to check",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    purpose = forms.ChoiceField(
        label="Their purpose", choices=Purpose.choices, initial=Purpose.SERVICE_DELIVERY
    )
    action = forms.ChoiceField(
        label="What they want to do", choices=ACTION_CHOICES, initial=policy.Action.VIEW.value
    )

    def clean_email(self) -> User:
        user = (
            User.objects.filter(email__iexact=self.cleaned_data["email"])
            .select_related("organisation")
            .first()
        )
        if user is None:
            raise ValidationError("No one with that email address has a Burgh account")
        return user


class RecordLookupForm(PageForm):
    kind = forms.ChoiceField(
        label="Kind of record", error_messages={"required": "Select the kind of record"}
    )
    record = forms.UUIDField(
        label="Record id",
        help_text="The id in the record's web address, like 3f2b8c1e-5a4d-4e6f-9a7b-0c1d2e3f4a5b.",
        error_messages={
            "required": "Enter the record's id",
            "invalid": "Enter the record's id as it appears in its web address",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k.name, k.label.capitalize()) for k in policy.all_kinds()]
