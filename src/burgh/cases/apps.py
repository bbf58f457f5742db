from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "burgh.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"
