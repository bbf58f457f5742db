"""Case management: case types, service requests and cases, queues, allocation, SLAs and the
chronology, with Open311 GeoReport v2 for reporting clients."""
