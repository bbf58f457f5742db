from typing import Any

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save

from burgh.identity import memo


class IdentityConfig(AppConfig):
    name = "burgh.identity"
    label = "identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A request that changes who someone is (a role, a membership, a grant, an agreement)
        # asks the policy afresh afterwards.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(_identity_changed, dispatch_uid="burgh.identity.memo")


def _identity_changed(sender: Any, **_: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.app_label == "identity":
        memo.forget()
