"""Provisioning staff from an identity provider: create, replace, deprovision and delete.

The SCIM endpoint turns each request into `StaffDetails` and calls these; the rules live here.
Deprovisioning ends a person's access at once: no sign-in, every session ended, every API token
revoked, every team membership and line-management arrangement ended. The account stays, for
the audit trail, and comes back (without its old tokens) if the provider activates it again.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from burgh.core.changes import record_change
from burgh.core.concurrency import etag_for
from burgh.core.errors import ConflictError, InvalidInputError, StaleVersionError
from burgh.identity.models import Organisation, User
from burgh.identity.services.accounts import (
    Deactivation,
    change_account,
    deactivate_user,
    reactivate_user,
)
from burgh.identity.services.memberships import end_memberships
from burgh.identity.services.organisation import create_staff_user
from burgh.staff.models import StaffContact, StaffProfile
from burgh.staff.services.structure import end_line_management, line_manager, set_line_manager

PROFILE_FIELDS = (
    "external_id",
    "display_name",
    "formatted_name",
    "given_name",
    "middle_name",
    "family_name",
    "honorific_prefix",
    "honorific_suffix",
    "nick_name",
    "user_type",
    "preferred_language",
    "locale",
    "timezone",
    "employee_number",
    "cost_centre",
    "organisation_name",
    "division",
    "department",
)


class UserNameTakenError(ConflictError):
    slug = "user-name-taken"
    title = "Another member of staff has this user name"


class EmailAddressTakenError(ConflictError):
    slug = "email-address-taken"
    title = "Another account has this email address"


class StaffDetailsError(InvalidInputError):
    slug = "invalid-staff-details"
    title = "The member of staff's details are not valid"


@dataclass(frozen=True)
class Contact:
    """An email address or phone number as the identity provider sends it."""

    value: str
    type: str = ""
    primary: bool = False
    display: str = ""


@dataclass(frozen=True)
class StaffDetails:
    """Everything an identity provider says about a member of staff, in the council's terms."""

    user_name: str
    active: bool = True
    display_name: str = ""
    title: str = ""
    emails: tuple[Contact, ...] = ()
    phone_numbers: tuple[Contact, ...] = ()
    # The id of the member of staff who line-manages this one; None: nobody.
    manager_id: str | None = None
    external_id: str = ""
    formatted_name: str = ""
    given_name: str = ""
    middle_name: str = ""
    family_name: str = ""
    honorific_prefix: str = ""
    honorific_suffix: str = ""
    nick_name: str = ""
    user_type: str = ""
    preferred_language: str = ""
    locale: str = ""
    timezone: str = ""
    employee_number: str = ""
    cost_centre: str = ""
    organisation_name: str = ""
    division: str = ""
    department: str = ""

    def full_name(self) -> str:
        given = " ".join(p for p in (self.given_name, self.family_name) if p)
        return self.display_name or self.formatted_name or given or self.user_name

    def sign_in_email(self) -> str:
        """The address the account signs in with: the primary email, else the first one."""
        emails = sorted(self.emails, key=lambda contact: not contact.primary)
        if emails:
            return emails[0].value.strip().lower()
        return self.user_name.strip().lower() if "@" in self.user_name else ""


# How the identity provider names what each profile field keeps, for errors it can act on.
SCIM_NAMES = {
    "external_id": "externalId",
    "display_name": "displayName",
    "formatted_name": "name.formatted",
    "given_name": "name.givenName",
    "middle_name": "name.middleName",
    "family_name": "name.familyName",
    "honorific_prefix": "name.honorificPrefix",
    "honorific_suffix": "name.honorificSuffix",
    "nick_name": "nickName",
    "user_type": "userType",
    "preferred_language": "preferredLanguage",
    "locale": "locale",
    "timezone": "timezone",
    "employee_number": "employeeNumber",
    "cost_centre": "costCenter",
    "organisation_name": "organization",
    "division": "division",
    "department": "department",
}
ACCOUNT_LIMITS = {"title": ("job_title", "title"), "full_name": ("full_name", "displayName")}


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField), f"{name} is not a text field"
    return field.max_length or 0


CONTACT_LIMIT = _max_length(StaffContact, "value")


def _error(attribute: str, detail: str) -> StaffDetailsError:
    return StaffDetailsError(detail, errors=[{"pointer": f"#/{attribute}", "detail": detail}])


def _validate(details: StaffDetails) -> None:
    if not details.user_name.strip():
        raise _error("userName", "userName is required and cannot be blank.")
    if len(details.user_name) > 255:
        raise _error("userName", "userName must be 255 characters or fewer.")
    if not details.sign_in_email():
        raise _error(
            "emails",
            "emails: a member of staff needs an email address to sign in with (give one in "
            "emails, or make userName an email address).",
        )
    for attribute, contacts in (
        ("emails", details.emails),
        ("phoneNumbers", details.phone_numbers),
    ):
        if sum(contact.primary for contact in contacts) > 1:
            raise _error(attribute, f"{attribute}: only one value can be primary.")
        for contact in contacts:
            if not contact.value.strip():
                raise _error(f"{attribute}.value", f"{attribute}.value cannot be blank.")
    for name in PROFILE_FIELDS:
        limit = _max_length(StaffProfile, name)
        if len(getattr(details, name).strip()) > limit:
            attribute = SCIM_NAMES[name]
            raise _error(attribute, f"{attribute} must be {limit} characters or fewer.")
    for value, (field, attribute) in (
        (details.title, ACCOUNT_LIMITS["title"]),
        (details.full_name(), ACCOUNT_LIMITS["full_name"]),
    ):
        limit = _max_length(User, field)
        if len(value.strip()) > limit:
            raise _error(attribute, f"{attribute} must be {limit} characters or fewer.")
    for attribute, contacts in (
        ("emails", details.emails),
        ("phoneNumbers", details.phone_numbers),
    ):
        if any(len(c.value) > CONTACT_LIMIT or len(c.display) > CONTACT_LIMIT for c in contacts):
            raise _error(
                attribute, f"{attribute}: values must be {CONTACT_LIMIT} characters or fewer."
            )
        if any(len(c.type) > 40 for c in contacts):
            raise _error(f"{attribute}.type", f"{attribute}.type must be 40 characters or fewer.")
    if "@" not in details.sign_in_email():
        raise _error("emails", f"emails: {details.sign_in_email()!r} is not an email address.")


def find_by_user_name(user_name: str, *, organisation: Organisation) -> User | None:
    """The account an identity provider calls `user_name`, deleted ones included."""
    key = user_name.strip().casefold()
    return (
        User.objects.filter(organisation=organisation)
        .filter(
            Q(staff_profile__user_name_key=key)
            | Q(staff_profile__isnull=True, email__iexact=user_name.strip())
        )
        .first()
    )


def _refuse_taken(details: StaffDetails, *, besides: User | None) -> None:
    key = details.user_name.strip().casefold()
    others = User.objects.exclude(pk=besides.pk) if besides is not None else User.objects.all()
    if others.filter(
        Q(staff_profile__user_name_key=key)
        | Q(staff_profile__isnull=True, email__iexact=details.user_name.strip())
    ).exists():
        raise UserNameTakenError(
            f"userName {details.user_name!r} is already used by another member of staff.",
            errors=[{"pointer": "#/userName", "detail": "Already in use."}],
        )
    email = details.sign_in_email()
    if others.filter(email__iexact=email).exists():
        raise EmailAddressTakenError(
            f"emails: {email} is already the sign-in address of another account.",
            errors=[{"pointer": "#/emails", "detail": "Already in use."}],
        )


def _manager(details: StaffDetails, user: User | None) -> User | None:
    if not details.manager_id:
        return None
    try:
        manager_pk = UUID(details.manager_id)
    except ValueError:
        manager_pk = None
    manager = User.objects.filter(pk=manager_pk).first() if manager_pk else None
    if manager is None:
        raise _error(
            "manager",
            f"manager.value {details.manager_id!r} is not the id of a member of staff here. "
            "Provision the manager first.",
        )
    if user is not None and manager.pk == user.pk:
        raise _error("manager", "manager: nobody can be their own line manager.")
    return manager


def provision_staff(details: StaffDetails, *, organisation: Organisation, by: User | None) -> User:
    """Add a member of staff; one deleted earlier under this userName gets their account back."""
    _validate(details)
    with transaction.atomic():
        earlier = find_by_user_name(details.user_name, organisation=organisation)
        if earlier is not None and _deleted(earlier):
            StaffProfile.objects.filter(user=earlier).update(deprovisioned_at=None)
            record_change(
                earlier.staff_profile, "restored", {"user_name": details.user_name}, actor=by
            )
            return replace_staff(earlier, details, by=by)
        _refuse_taken(details, besides=None)
        manager = _manager(details, None)
        user = create_staff_user(
            email=details.sign_in_email(),
            full_name=details.full_name(),
            organisation=organisation,
            job_title=details.title,
        )
        profile = StaffProfile(user=user, user_name=details.user_name.strip())
        _copy_profile(profile, details)
        profile.save()
        _store_contacts(user, details)
        if manager is not None:
            set_line_manager(user, manager, by=by)
        if not details.active:
            deprovision_staff(user, by=by, reason="provisioned_inactive")
        record_change(profile, "created", _summary(details, user), actor=by)
        user.refresh_from_db()
    return user


def replace_staff(
    user: User, details: StaffDetails, *, by: User | None, expected_version: int | None = None
) -> User:
    """Make the member of staff exactly as `details` says (a SCIM PUT, or a PATCH applied).

    With `expected_version`, refuses (StaleVersionError) if someone changed them since.
    """
    _validate(details)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersionError(
                f"The member of staff is now at version {etag_for(current.version)}, not "
                f"{etag_for(expected_version)}: someone changed them after you read them.",
                current_etag=etag_for(current.version),
            )
        version_before = current.version
        _refuse_taken(details, besides=current)
        manager = _manager(details, current)
        current = change_account(
            current,
            by=by,
            changes={
                "email": details.sign_in_email(),
                "full_name": details.full_name(),
                "job_title": details.title,
            },
        )
        profile = StaffProfile.objects.filter(user=current).first() or StaffProfile(
            user=current, user_name=details.user_name.strip()
        )
        before = {name: getattr(profile, name) for name in ("user_name", *PROFILE_FIELDS)}
        profile.user_name = details.user_name.strip()
        _copy_profile(profile, details)
        after = {name: getattr(profile, name) for name in ("user_name", *PROFILE_FIELDS)}
        changed = sorted(name for name in after if before[name] != after[name])
        if changed or profile._state.adding:
            profile.save()
        contacts_changed = _store_contacts(current, details)
        manager_before = line_manager(current)
        set_line_manager(current, manager, by=by)
        manager_moved = manager_before != manager
        if current.is_active and not details.active:
            deprovision_staff(current, by=by, reason="deactivated_by_identity_provider")
        elif not current.is_active and details.active and not _deleted(current):
            reactivate_user(current, by=by, reason="activated_by_identity_provider")
        if changed or contacts_changed:
            record_change(
                profile,
                "updated",
                {"changed": changed, "contacts_changed": contacts_changed},
                actor=by,
                event_data={"user": str(current.pk), "changed": changed},
            )
        current.refresh_from_db()
        if current.version == version_before and (changed or contacts_changed or manager_moved):
            # The account's version is the resource's ETag: any change of it must move it on.
            User.objects.filter(pk=current.pk).update(version=F("version") + 1)
            current.refresh_from_db()
    return current


def deprovision_staff(user: User, *, by: User | None, reason: str) -> Deactivation:
    """End the person's access at once, keeping the account for the audit trail.

    No sign-in, every session ended, every API token revoked (see `deactivate_user`); their
    team memberships and line management end, yesterday being the last day they were in force.
    """
    with transaction.atomic():
        ended = deactivate_user(user, by=by, reason=reason)
        last_day = timezone.localdate() - timedelta(days=1)
        end_memberships(user=user, last_day=last_day, by=by)
        end_line_management(user, last_day=last_day, by=by)
    return ended


def delete_staff(user: User, *, by: User | None) -> None:
    """The identity provider deleted the person: deprovision them, and hide them from it.

    The account and its history stay; SCIM answers 404 for them from now on.
    """
    with transaction.atomic():
        deprovision_staff(user, by=by, reason="deleted_by_identity_provider")
        profile, _ = StaffProfile.objects.get_or_create(
            user=user, defaults={"user_name": user.email}
        )
        profile.deprovisioned_at = timezone.now()
        profile.save(update_fields=["deprovisioned_at", "updated_at"])
        record_change(profile, "deleted", {"user": str(user.pk)}, actor=by)


def _deleted(user: User) -> bool:
    return StaffProfile.objects.filter(user=user, deprovisioned_at__isnull=False).exists()


def _copy_profile(profile: StaffProfile, details: StaffDetails) -> None:
    for name in PROFILE_FIELDS:
        setattr(profile, name, getattr(details, name).strip())


def _store_contacts(user: User, details: StaffDetails) -> bool:
    """Make the person's emails and phone numbers those given; True if anything changed."""
    wanted = [
        (kind, position, contact.value.strip(), contact.type, contact.primary, contact.display)
        for kind, contacts in (
            (StaffContact.Kind.EMAIL, details.emails),
            (StaffContact.Kind.PHONE, details.phone_numbers),
        )
        for position, contact in enumerate(contacts)
    ]
    held = list(
        StaffContact.objects.filter(user=user)
        .order_by("kind", "position")
        .values_list("kind", "position", "value", "type", "primary", "display")
    )
    if sorted(held) == sorted(wanted):
        return False
    StaffContact.objects.filter(user=user).delete()
    StaffContact.objects.bulk_create(
        StaffContact(
            user=user,
            kind=kind,
            position=position,
            value=value,
            type=type_,
            primary=primary,
            display=display,
        )
        for kind, position, value, type_, primary, display in wanted
    )
    return True


def _summary(details: StaffDetails, user: User) -> dict[str, Any]:
    return {
        "user": str(user.pk),
        "user_name": details.user_name,
        "external_id": details.external_id,
        "active": details.active,
    }


__all__ = [
    "Contact",
    "EmailAddressTakenError",
    "StaffDetails",
    "StaffDetailsError",
    "UserNameTakenError",
    "delete_staff",
    "deprovision_staff",
    "find_by_user_name",
    "provision_staff",
    "replace_staff",
]
