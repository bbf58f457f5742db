"""The abstract base of every Burgh record: UUID key, timestamps, version for optimistic locking."""

import uuid

from django.db import models


class BurghModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every service write; the API's ETag and If-Match are built on it.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.version}"'
