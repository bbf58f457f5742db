"""Open311 GeoReport v2 at /open311/v2: services, reporting a problem, following requests."""
