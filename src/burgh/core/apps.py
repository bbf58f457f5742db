from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "Burgh kernel"
    name = "burgh.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
