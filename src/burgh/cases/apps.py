from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "burgh.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from burgh.cases import access
        from burgh.cases.pages import person_panel
        from burgh.cases.services import sweep_sla
        from burgh.core import sweeps

        access.register()
        person_panel.register()
        sweeps.register("cases.sla", sweep_sla)
