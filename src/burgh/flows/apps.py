from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "burgh.flows"
    label = "flows"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from burgh.core import sweeps
        from burgh.core.subscribers import subscribe
        from burgh.flows import webhooks
        from burgh.flows.services import sweep_timers

        sweeps.register("flows.timers", sweep_timers)
        subscribe("flows.webhooks", webhooks.EVENT)(webhooks.deliver)
