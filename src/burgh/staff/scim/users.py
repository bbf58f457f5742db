"""Members of staff as SCIM User resources, and back: the mapping and the attributes to query."""

from typing import Any

from django.db import models
from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from scim2_models import (
    Email,
    EnterpriseUser,
    GroupMembership,
    Manager,
    Meta,
    Name,
    PhoneNumber,
)

from burgh.identity.models import Membership, Organisation, User
from burgh.identity.models.accounts import in_force_on
from burgh.identity.permissions import current_memberships
from burgh.staff.models import LineManagement, StaffContact, StaffProfile
from burgh.staff.scim.discovery import UserResource
from burgh.staff.scim.filters import CORE_USER, ENTERPRISE, Attributes, MultiValued, Scalar
from burgh.staff.services.provisioning import Contact, StaffDetails
from burgh.staff.services.structure import line_manager

PROFILE = "staff_profile__"
CONTACT_PARTS = {
    "value": Scalar("value"),
    "type": Scalar("type"),
    "primary": Scalar("primary", "boolean"),
    "display": Scalar("display"),
}


def _contacts(kind: str) -> QuerySet[StaffContact]:
    return StaffContact.objects.filter(kind=kind)


def _current_memberships() -> QuerySet[Membership]:
    return Membership.objects.in_force(timezone.localdate())


def _current_line_management() -> QuerySet[LineManagement]:
    return LineManagement.objects.filter(in_force_on(timezone.localdate()))


USER_ATTRIBUTES: Attributes = {
    "id": Scalar("pk", "id"),
    "externalid": Scalar(f"{PROFILE}external_id", case_exact=True),
    "username": Scalar("scim_user_name"),
    "displayname": Scalar("scim_display_name"),
    "name.formatted": Scalar(f"{PROFILE}formatted_name"),
    "name.givenname": Scalar(f"{PROFILE}given_name"),
    "name.middlename": Scalar(f"{PROFILE}middle_name"),
    "name.familyname": Scalar(f"{PROFILE}family_name"),
    "name.honorificprefix": Scalar(f"{PROFILE}honorific_prefix"),
    "name.honorificsuffix": Scalar(f"{PROFILE}honorific_suffix"),
    "nickname": Scalar(f"{PROFILE}nick_name"),
    "title": Scalar("job_title"),
    "usertype": Scalar(f"{PROFILE}user_type"),
    "preferredlanguage": Scalar(f"{PROFILE}preferred_language"),
    "locale": Scalar(f"{PROFILE}locale"),
    "timezone": Scalar(f"{PROFILE}timezone"),
    "active": Scalar("is_active", "boolean"),
    "meta.created": Scalar("created_at", "datetime"),
    "meta.lastmodified": Scalar("updated_at", "datetime"),
    "emails": MultiValued(
        rows=lambda: _contacts(StaffContact.Kind.EMAIL),
        owner="user",
        parts=CONTACT_PARTS,
        # Staff who were never provisioned have only their sign-in address, a work one.
        fallback={
            "value": Scalar("email"),
            "type": Scalar("scim_email_type"),
            "primary": Scalar("scim_email_primary", "boolean"),
            "display": Scalar("scim_email_display"),
        },
        fallback_when=Q(staff_profile__isnull=True),
        sort_field="email",
    ),
    "phonenumbers": MultiValued(
        rows=lambda: _contacts(StaffContact.Kind.PHONE), owner="user", parts=CONTACT_PARTS
    ),
    "groups": MultiValued(
        rows=_current_memberships,
        owner="user",
        parts={"value": Scalar("team_id", "id"), "display": Scalar("team__name")},
    ),
    f"{ENTERPRISE}:employeenumber": Scalar(f"{PROFILE}employee_number"),
    f"{ENTERPRISE}:costcenter": Scalar(f"{PROFILE}cost_centre"),
    f"{ENTERPRISE}:organization": Scalar(f"{PROFILE}organisation_name"),
    f"{ENTERPRISE}:division": Scalar(f"{PROFILE}division"),
    f"{ENTERPRISE}:department": Scalar(f"{PROFILE}department"),
    f"{ENTERPRISE}:manager": MultiValued(
        rows=_current_line_management,
        owner="staff",
        parts={"value": Scalar("manager_id", "id")},
    ),
}
CORE = CORE_USER


def staff_queryset(organisation: Organisation | None) -> QuerySet[User]:
    """The staff an identity provider sees: its organisation's, less those it deleted."""
    return (
        User.objects.filter(organisation=organisation)
        .exclude(staff_profile__deprovisioned_at__isnull=False)
        .annotate(
            scim_user_name=Coalesce(
                "staff_profile__user_name", "email", output_field=models.CharField()
            ),
            scim_display_name=Case(
                When(staff_profile__isnull=True, then=F("full_name")),
                default=F("staff_profile__display_name"),
                output_field=models.CharField(),
            ),
            scim_email_type=Value("work"),
            scim_email_primary=Value(True),
            scim_email_display=Value(""),
        )
        .select_related("staff_profile")
        .prefetch_related(
            Prefetch("staff_contacts", queryset=StaffContact.objects.order_by("kind", "position"))
        )
    )


def _profile(user: User) -> StaffProfile | None:
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def _or_none(value: str) -> str | None:
    return value or None


def user_resource(user: User, base_url: str) -> UserResource:
    profile = _profile(user)
    contacts = list(user.staff_contacts.all())
    emails = [
        Email.model_validate(_contact(c)) for c in contacts if c.kind == StaffContact.Kind.EMAIL
    ]
    if profile is None and not emails:
        emails = [Email.model_validate({"value": user.email, "type": "work", "primary": True})]
    phones = [
        PhoneNumber.model_validate(_contact(c))
        for c in contacts
        if c.kind == StaffContact.Kind.PHONE
    ]
    groups = [
        GroupMembership.model_validate(
            {
                "value": str(m.team_id),
                "$ref": f"{base_url}/Groups/{m.team_id}",
                "display": m.team.name,
                "type": "direct",
            }
        )
        for m in current_memberships(user)
    ]
    resource = UserResource(
        id=str(user.pk),
        external_id=_or_none(profile.external_id) if profile else None,
        user_name=profile.user_name if profile else user.email,
        display_name=_or_none(profile.display_name if profile else user.full_name),
        title=_or_none(user.job_title),
        active=user.is_active,
        emails=emails or None,
        phone_numbers=phones or None,
        groups=groups or None,
        meta=Meta(
            resource_type="User",
            created=user.created_at,
            last_modified=user.updated_at,
            location=f"{base_url}/Users/{user.pk}",
            version=weak_etag(user.version),
        ),
    )
    if profile is not None:
        _fill_from_profile(resource, profile)
    manager = line_manager(user)
    enterprise = _enterprise(profile, manager, base_url)
    if enterprise is not None:
        resource[EnterpriseUser] = enterprise
    return resource


def _fill_from_profile(resource: UserResource, profile: StaffProfile) -> None:
    parts = {
        "formatted": profile.formatted_name,
        "family_name": profile.family_name,
        "given_name": profile.given_name,
        "middle_name": profile.middle_name,
        "honorific_prefix": profile.honorific_prefix,
        "honorific_suffix": profile.honorific_suffix,
    }
    if any(parts.values()):
        resource.name = Name(**{k: _or_none(v) for k, v in parts.items()})
    resource.nick_name = _or_none(profile.nick_name)
    resource.user_type = _or_none(profile.user_type)
    resource.preferred_language = _or_none(profile.preferred_language)
    resource.locale = _or_none(profile.locale)
    resource.timezone = _or_none(profile.timezone)


def _enterprise(
    profile: StaffProfile | None, manager: User | None, base_url: str
) -> EnterpriseUser | None:
    values: dict[str, Any] = {}
    if profile is not None:
        values = {
            "employee_number": _or_none(profile.employee_number),
            "cost_center": _or_none(profile.cost_centre),
            "organization": _or_none(profile.organisation_name),
            "division": _or_none(profile.division),
            "department": _or_none(profile.department),
        }
    if manager is not None:
        values["manager"] = Manager.model_validate(
            {
                "value": str(manager.pk),
                "$ref": f"{base_url}/Users/{manager.pk}",
            }
        )
    if not any(value is not None for value in values.values()):
        return None
    return EnterpriseUser(**values)


def _contact(contact: StaffContact) -> dict[str, Any]:
    return {
        "value": contact.value,
        "type": _or_none(contact.type),
        "primary": contact.primary,
        "display": _or_none(contact.display),
    }


def weak_etag(version: int) -> str:
    return f'W/"{version}"'


def _contact_details(values: list[Any] | None) -> tuple[Contact, ...]:
    return tuple(
        Contact(
            value=str(item.value or ""),
            type=str(item.type.value if hasattr(item.type, "value") else item.type or ""),
            primary=bool(item.primary),
            display=str(item.display or ""),
        )
        for item in values or []
    )


def staff_details(resource: UserResource) -> StaffDetails:
    """The council's terms for what a User resource says."""
    name = resource.name
    enterprise = resource[EnterpriseUser]
    manager = enterprise.manager if enterprise is not None else None

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    def part(attribute: str) -> str:
        return text(getattr(name, attribute, None)) if name is not None else ""

    def extension(attribute: str) -> str:
        return text(getattr(enterprise, attribute, None)) if enterprise is not None else ""

    return StaffDetails(
        user_name=text(resource.user_name),
        active=resource.active is not False,
        display_name=text(resource.display_name),
        title=text(resource.title),
        emails=_contact_details(resource.emails),
        phone_numbers=_contact_details(resource.phone_numbers),
        manager_id=text(manager.value) if manager is not None and manager.value else None,
        external_id=text(resource.external_id),
        formatted_name=part("formatted"),
        given_name=part("given_name"),
        middle_name=part("middle_name"),
        family_name=part("family_name"),
        honorific_prefix=part("honorific_prefix"),
        honorific_suffix=part("honorific_suffix"),
        nick_name=text(resource.nick_name),
        user_type=text(resource.user_type),
        preferred_language=text(resource.preferred_language),
        locale=text(resource.locale),
        timezone=text(resource.timezone),
        employee_number=extension("employee_number"),
        cost_centre=extension("cost_center"),
        organisation_name=extension("organization"),
        division=extension("division"),
        department=extension("department"),
    )
