"""The IT team registers the webhooks processes may call (Django admin)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from burgh.core.errors import InvalidInputError
from burgh.flows import webhooks
from burgh.flows.models import Webhook


class WebhookForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(
        max_length=500, assume_scheme="https", help_text=Webhook._meta.get_field("url").help_text
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "description", "active"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            webhooks.check_url(url)
        except InvalidInputError as error:
            raise forms.ValidationError(error.detail) from error
        return url


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = WebhookForm
    list_display = ["name", "url", "active"]
    readonly_fields = ["secret"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not obj.secret:
            obj.secret = webhooks.new_secret()
        super().save_model(request, obj, form, change)
