"""URLs of the SCIM provider, mounted at /scim/v2/."""

from django.urls import path, re_path

from burgh.staff.scim import views

app_name = "scim"

urlpatterns = [
    path("", views.unknown, name="root"),
    path("ServiceProviderConfig", views.service_provider_config, name="service-provider-config"),
    path("ResourceTypes", views.resource_types, name="resource-types"),
    path("ResourceTypes/<str:name>", views.resource_types, name="resource-type"),
    path("Schemas", views.schemas, name="schemas"),
    path("Schemas/<str:name>", views.schemas, name="schema"),
    path("Users", views.users, name="users"),
    path("Users/.search", views.users_search, name="users-search"),
    path("Users/<str:resource_id>", views.user_resource, name="user"),
    path("Groups", views.groups, name="groups"),
    path("Groups/.search", views.groups_search, name="groups-search"),
    path("Groups/<str:resource_id>", views.group_resource, name="group"),
    path(".search", views.root_search, name="search"),
    re_path(r"^(?P<path>.+)$", views.unknown, name="unknown"),
]
