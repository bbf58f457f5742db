"""Teams as SCIM Group resources: the mapping and the attributes to query."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from scim2_models import Group, GroupMember, Meta

from burgh.identity.models import Membership, Organisation, Team
from burgh.staff.scim.filters import CORE_GROUP, Attributes, MultiValued, Scalar
from burgh.staff.scim.users import weak_etag

CORE = CORE_GROUP


def _current_memberships() -> QuerySet[Membership]:
    return Membership.objects.in_force(timezone.localdate())


GROUP_ATTRIBUTES: Attributes = {
    "id": Scalar("pk", "id"),
    "externalid": Scalar("provisioning__external_id", case_exact=True),
    "displayname": Scalar("name"),
    "meta.created": Scalar("created_at", "datetime"),
    "meta.lastmodified": Scalar("updated_at", "datetime"),
    "members": MultiValued(
        rows=_current_memberships,
        owner="team",
        parts={"value": Scalar("user_id", "id")},
    ),
}


def teams_queryset(organisation: Organisation | None) -> QuerySet[Team]:
    """The teams an identity provider sees: its organisation's, less those it deleted."""
    return (
        Team.objects.filter(organisation=organisation)
        .exclude(provisioning__retired_at__isnull=False)
        .select_related("provisioning")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=_current_memberships().select_related("user").order_by("user__full_name"),
                to_attr="current_members",
            )
        )
    )


def group_resource(team: Team, base_url: str) -> Group:
    link = getattr(team, "provisioning", None)
    members = getattr(team, "current_members", None)
    if members is None:
        members = list(_current_memberships().filter(team=team).select_related("user"))
    return Group(
        id=str(team.pk),
        external_id=(link.external_id or None) if link is not None else None,
        display_name=team.name,
        members=[
            GroupMember.model_validate(
                {
                    "value": str(m.user_id),
                    "$ref": f"{base_url}/Users/{m.user_id}",
                    "type": "User",
                }
            )
            for m in {m.user_id: m for m in members}.values()
        ]
        or None,
        meta=Meta(
            resource_type="Group",
            created=team.created_at,
            last_modified=team.updated_at,
            location=f"{base_url}/Groups/{team.pk}",
            version=weak_etag(team.version),
        ),
    )
