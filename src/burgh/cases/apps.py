from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "burgh.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from burgh.cases import access

        access.register()
