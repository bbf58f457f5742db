"""What the provider publishes about itself: ServiceProviderConfig, ResourceTypes, Schemas.

The schemas are scim2-models' own, cut down to the attributes Burgh keeps, so a client (and
scim2-tester) only ever sends what comes back. Attributes of the standard schemas that Burgh
does not keep (addresses, photos, ims, entitlements, roles, certificates, passwords) are
accepted and ignored, so an identity provider's default mappings work unchanged.
"""

from typing import Any

from scim2_models import (
    Attribute,
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Meta,
    Patch,
    Required,
    ResourceType,
    Schema,
    ServiceProviderConfig,
    Sort,
    User,
)

UserResource = User[EnterpriseUser]
MAX_RESULTS = 200


NAME_PARTS = {
    "formatted",
    "familyName",
    "givenName",
    "middleName",
    "honorificPrefix",
    "honorificSuffix",
}
CONTACT_PARTS = {"value", "display", "type", "primary"}
# Attribute name -> the sub-attributes kept (None: a simple attribute, or all of them).
KEPT_USER_ATTRIBUTES: dict[str, set[str] | None] = {
    "userName": None,
    "name": NAME_PARTS,
    "displayName": None,
    "nickName": None,
    "title": None,
    "userType": None,
    "preferredLanguage": None,
    "locale": None,
    "timezone": None,
    "active": None,
    "emails": CONTACT_PARTS,
    "phoneNumbers": CONTACT_PARTS,
    "groups": None,
}


def _kept(attribute: Attribute, parts: set[str] | None) -> Attribute:
    if parts is None or attribute.sub_attributes is None:
        return attribute
    subs = [sub for sub in attribute.sub_attributes if sub.name in parts]
    return attribute.model_copy(update={"sub_attributes": subs})


def _user_schema() -> Schema:
    schema = User.to_schema()
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name not in KEPT_USER_ATTRIBUTES:
            continue
        attribute = _kept(attribute, KEPT_USER_ATTRIBUTES[attribute.name])
        if attribute.name == "active":
            # Whether the person may sign in is never left unsaid (a create without it is read
            # as active); so it cannot be removed, only set to false.
            attribute = attribute.model_copy(update={"required": Required.true})
        if attribute.name == "emails":
            # Staff sign in with their email address, so one is needed.
            subs = [
                sub.model_copy(update={"required": Required.true}) if sub.name == "value" else sub
                for sub in attribute.sub_attributes or []
            ]
            attribute = attribute.model_copy(
                update={"required": Required.true, "sub_attributes": subs}
            )
        attributes.append(attribute)
    return schema.model_copy(update={"attributes": attributes})


def _without(schema: Schema, attribute_name: str, sub_name: str) -> Schema:
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name == attribute_name and attribute.sub_attributes:
            subs = [sub for sub in attribute.sub_attributes if sub.name != sub_name]
            attribute = attribute.model_copy(update={"sub_attributes": subs})
        attributes.append(attribute)
    return schema.model_copy(update={"attributes": attributes})


def _group_schema() -> Schema:
    # A member's display name would only repeat the person's name, so it is not kept.
    return _without(Group.to_schema(), "members", "display")


def _enterprise_schema() -> Schema:
    schema = _without(EnterpriseUser.to_schema(), "manager", "displayName")
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name == "manager" and attribute.sub_attributes:
            subs = [
                sub.model_copy(update={"required": Required.false}) if sub.name == "value" else sub
                for sub in attribute.sub_attributes
            ]
            attribute = attribute.model_copy(update={"sub_attributes": subs})
        attributes.append(attribute)
    return schema.model_copy(update={"attributes": attributes})


def schemas(base_url: str) -> list[Schema]:
    published = [_user_schema(), _enterprise_schema(), _group_schema()]
    published += [
        ServiceProviderConfig.to_schema(),
        ResourceType.to_schema(),
        Schema.to_schema(),
    ]
    return [
        schema.model_copy(
            update={
                "meta": Meta(resource_type="Schema", location=f"{base_url}/Schemas/{schema.id}")
            }
        )
        for schema in published
    ]


def resource_types(base_url: str) -> list[ResourceType]:
    def described(name: str, description: str, schema: str, extensions: list[str]) -> ResourceType:
        return ResourceType.model_validate(
            {
                "id": name,
                "name": name,
                "description": description,
                "endpoint": f"/{name}s",
                "schema": schema,
                "schemaExtensions": [{"schema": urn, "required": False} for urn in extensions],
                "meta": {
                    "resourceType": "ResourceType",
                    "location": f"{base_url}/ResourceTypes/{name}",
                },
            }
        )

    return [
        described("User", "A member of staff", User.__schema__, [EnterpriseUser.__schema__]),
        described("Group", "A team", Group.__schema__, []),
    ]


def service_provider_config(base_url: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=True),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme.model_validate(
                {
                    "type": "oauthbearertoken",
                    "name": "API token",
                    "description": "A Burgh API token with the scim scope: "
                    "Authorization: Bearer <token>.",
                    "primary": True,
                }
            )
        ],
        meta=Meta(
            resource_type="ServiceProviderConfig", location=f"{base_url}/ServiceProviderConfig"
        ),
    )


def dump(model: Any) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    return data
