from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig, apps
from django.conf import settings


class CoreConfig(AppConfig):
    verbose_name = "Burgh kernel"
    name = "burgh.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Event consumers live in each context's `consumers` module; importing registers them.
        for config in apps.get_app_configs():
            if config.name.startswith("burgh.") and find_spec(f"{config.name}.consumers"):
                import_module(f"{config.name}.consumers")
        for module in getattr(settings, "EVENT_CONSUMER_MODULES", []):
            import_module(module)
