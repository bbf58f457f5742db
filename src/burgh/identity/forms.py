"""Forms for signing in, two-factor codes and API tokens, with GOV.UK-style error messages."""

from typing import Any

from django import forms

from burgh.core.forms import PageForm
from burgh.identity.services import mfa
from burgh.identity.services.tokens import SCOPES

MAX_TOKEN_DAYS = 365


class CheckboxesWidget(forms.CheckboxSelectMultiple):
    """Checkboxes whose first box carries the field's id, so the error summary can link to it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        if index is None or index == "0":
            return id_
        return f"{id_}-{int(index) + 1}"


class SignInForm(PageForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput,
        error_messages={
            "required": "Enter your password",
            "max_length": "Password must be 1024 characters or fewer",
        },
    )


class ProviderRefusalForm(PageForm):
    """No fields: carries why signing in with the identity provider did not work, so the
    sign-in page shows it in its error summary (and its title) like any form error."""

    def __init__(self, message: str) -> None:
        super().__init__(data={})
        self.full_clean()
        self.add_error(None, message)


class SecurityCodeForm(PageForm):
    code = forms.CharField(
        label="Security code",
        max_length=20,
        error_messages={
            "required": "Enter the security code from your authenticator app",
            "max_length": "Security code must be 6 numbers",
        },
    )

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            # On a one-question page the label is the page's heading, so it asks the question.
            self.fields["code"].label = label

    def clean_code(self) -> str:
        code = mfa.normalise_code(self.cleaned_data["code"])
        if not mfa.CODE_PATTERN.match(code):
            raise forms.ValidationError("Security code must be 6 numbers", code="format")
        return code


class IssueTokenForm(PageForm):
    name = forms.CharField(
        label="Token name",
        max_length=120,
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "Token name must be 120 characters or fewer",
        },
    )
    scopes = forms.MultipleChoiceField(
        label="What the token can do",
        widget=CheckboxesWidget,
        error_messages={
            "required": "Select at least one thing the token can do",
            "invalid_choice": "Select at least one thing the token can do",
        },
    )
    expires_in_days = forms.IntegerField(
        label="How many days the token lasts",
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
        error_messages={
            "required": "Enter how many days the token lasts",
            "invalid": "Number of days must be a whole number, like 30",
            "min_value": f"Number of days must be between 1 and {MAX_TOKEN_DAYS}",
            "max_value": f"Number of days must be between 1 and {MAX_TOKEN_DAYS}",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = self.fields["scopes"]
        assert isinstance(scopes, forms.MultipleChoiceField)
        scopes.choices = list(SCOPES.items())
