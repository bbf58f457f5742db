"""The REST API at /api/v1: one NinjaAPI that every context's router joins."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Burgh API",
    version="1",
    description="The council platform's REST API.",
    urls_namespace="api",
)
