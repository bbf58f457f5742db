"""The admin site for identity: people, organisations, teams, roles (and which need MFA), tokens,
and links to the council's identity provider."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.text import capfirst

from burgh.core import audit
from burgh.core.errors import BurghError
from burgh.identity.models import (
    ApiToken,
    Membership,
    OidcIdentity,
    Organisation,
    Role,
    RoleAssignment,
    Team,
    User,
)
from burgh.identity.permissions import has_permission
from burgh.identity.services import mfa, sessions
from burgh.identity.services.accounts import deactivate_user, reactivate_user
from burgh.identity.services.sign_in import unlock_account
from burgh.identity.services.tokens import MANAGE_TOKENS_PERMISSION, revoke_api_token


def _administrator(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "the admin site is only open to signed-in administrators"
    return user


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every change made through the admin site goes on the audit trail, not only its own log.

    Saves also bump `version`, so an API client holding an older ETag gets 412, not a silent
    overwrite of what the administrator changed.
    """

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and isinstance(getattr(obj, "version", None), int):
            obj.version += 1
        super().save_model(request, obj, form, change)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit.record(
            "admin.added",
            subject=obj,
            actor=_administrator(request),
            detail={"changes": message},
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit.record(
            "admin.changed",
            subject=obj,
            actor=_administrator(request),
            detail={"changes": message},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            audit.record(
                "admin.deleted",
                subject=obj,
                actor=_administrator(request),
                detail={"label": str(obj)},
            )
        return super().log_deletions(request, queryset)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at", "version"]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "organisation", "kind", "parent", "starts_on", "ends_on"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation", "parent"]
    readonly_fields = ["created_at", "updated_at", "version"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "team", "position", "valid_from", "valid_to"]
    list_filter = ["position", "team__organisation"]
    search_fields = ["user__email", "user__full_name", "team__name"]
    autocomplete_fields = ["user", "team"]
    list_select_related = ["user", "team"]
    readonly_fields = ["created_at", "updated_at", "version"]


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ["name", "slug", "requires_mfa"]
    list_filter = ["requires_mfa"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "permissions"]}),
        (
            "Sign-in",
            {
                "fields": ["requires_mfa"],
                "description": (
                    "Everyone holding this role must sign in with a code from an authenticator "
                    "app. People without an app are asked to set one up at their next page."
                ),
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at", "version"]}),
    ]
    readonly_fields = ["created_at", "updated_at", "version"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    list_display = ["user", "role", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "role__name"]
    autocomplete_fields = ["user", "role"]
    list_select_related = ["user", "role"]
    readonly_fields = ["created_at", "updated_at", "version"]


# Everything an administrator may see about a token; the digest is deliberately absent.
_TOKEN_FIELDS = (
    "name",
    "user",
    "prefix",
    "scopes",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: tokens are issued by their owners; the digest is never shown."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "status"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["name", "prefix", "user__email", "user__full_name"]
    list_select_related = ["user"]
    fields = _TOKEN_FIELDS
    readonly_fields = _TOKEN_FIELDS
    actions = ["revoke_tokens"]

    @admin.display(description="Status")
    def status(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return "Revoked"
        return "Active" if token.is_usable() else "Expired"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        # The same rule as the token service: a role must allow managing other people's tokens.
        user = request.user
        return isinstance(user, User) and has_permission(user, MANAGE_TOKENS_PERMISSION)

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        by = _administrator(request)
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                revoke_api_token(token, by=by)
            except BurghError as refusal:
                self.message_user(request, f"{token}: {refusal.detail}", messages.ERROR)
            else:
                revoked += 1
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)


@admin.register(OidcIdentity)
class OidcIdentityAdmin(AuditedAdmin):
    """Read-only links; deleting one makes the person link again, by verified email, next time.

    That is how to move a Burgh account to a person's new account at the identity provider.
    """

    list_display = ["user", "issuer", "linked_email", "created_at", "last_signed_in_at"]
    list_filter = ["issuer"]
    search_fields = ["user__email", "user__full_name", "linked_email", "subject"]
    list_select_related = ["user"]
    fields = ("user", "issuer", "subject", "linked_email", "created_at", "last_signed_in_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OidcIdentity | None = None) -> bool:
        return False


# Why the audit trail says an account was disabled or enabled from the admin site.
ADMIN_DEACTIVATION_REASON = "Deactivated by an administrator in the admin site"
ADMIN_REACTIVATION_REASON = "Reactivated by an administrator in the admin site"


class StaffUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "organisation")

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A user with this email address already exists.")
        return email


class StaffUserChangeForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict[str, type[forms.Field]] = {}

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        clash = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("A user with this email address already exists.")
        return email


class NamedColumnsFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Rows of a table whose every box carries its column's name.

    The admin's table of inline rows heads each column but gives the boxes no <label>, so a
    screen reader announced them unnamed (WCAG 1.3.1, 4.1.2); this holds without JavaScript.
    """

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", capfirst(str(field.label or name)))


class RoleAssignmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RoleAssignment
    formset = NamedColumnsFormSet
    fields = ["role", "valid_from", "valid_to"]
    autocomplete_fields = ["role"]
    extra = 0


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    formset = NamedColumnsFormSet
    fields = ["team", "position", "valid_from", "valid_to"]
    autocomplete_fields = ["team"]
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    """People are known by email address; there is no username."""

    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "is_active", "is_staff", "locked_until"]
    list_filter = ["is_active", "is_staff", "is_superuser", "organisation"]
    search_fields = ["email", "full_name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["failed_sign_ins", "locked_until", "last_login", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal details", {"fields": ["full_name", "job_title", "organisation"]}),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Sign-in protection", {"fields": ["failed_sign_ins", "locked_until", "last_login"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "organisation",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    inlines = [RoleAssignmentInline, MembershipInline]
    actions = ["deactivate_accounts", "unlock_accounts", "end_sessions", "reset_second_factor"]

    def get_inline_instances(self, request: HttpRequest, obj: User | None = None) -> list[Any]:
        # Adding a person is a short first step (as in Django's own user admin); roles and
        # teams are given on the page that follows.
        return [] if obj is None else list(super().get_inline_instances(request, obj))

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: Any, **kw: Any
    ) -> Any:
        # The epoch is an internal switch for ending sessions; nobody should type one in.
        if db_field.name == "session_epoch":
            return None
        return super().formfield_for_dbfield(db_field, request, **kw)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # The "Active" box is switched by the services, not saved as a plain field: deactivating
        # must also end the person's sessions and API tokens at once.
        toggled = change and "is_active" in form.changed_data
        wanted_active = obj.is_active
        if toggled:
            obj.is_active = not wanted_active
        super().save_model(request, obj, form, change)
        if toggled and wanted_active:
            reactivate_user(obj, by=_administrator(request), reason=ADMIN_REACTIVATION_REASON)
        elif toggled:
            deactivate_user(obj, by=_administrator(request), reason=ADMIN_DEACTIVATION_REASON)

    @admin.action(
        description="Deactivate the selected accounts (ends sessions and API tokens)",
        permissions=["change"],
    )
    def deactivate_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = _administrator(request)
        tokens = 0
        for user in queryset:
            tokens += deactivate_user(user, by=by, reason=ADMIN_DEACTIVATION_REASON).tokens_revoked
        self.message_user(
            request,
            f"{queryset.count()} account(s) deactivated: they were signed out everywhere and "
            f"{tokens} API token(s) were revoked.",
            messages.SUCCESS,
        )

    @admin.action(description="Unlock the selected accounts", permissions=["change"])
    def unlock_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = _administrator(request)
        for user in queryset:
            unlock_account(user, by=by)
        self.message_user(request, f"{queryset.count()} account(s) unlocked.", messages.SUCCESS)

    @admin.action(description="Sign the selected people out everywhere", permissions=["change"])
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = _administrator(request)
        for user in queryset:
            sessions.end_all_sessions(user, by=by)
        self.message_user(
            request, f"{queryset.count()} person(s) signed out everywhere.", messages.SUCCESS
        )

    @admin.action(
        description="Remove the selected people's authenticator apps", permissions=["change"]
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = _administrator(request)
        for user in queryset:
            mfa.reset_second_factor(user, by=by)
        self.message_user(
            request,
            f"Authenticator apps removed for {queryset.count()} person(s); they were signed out "
            "and will set up a new app when they next sign in, if a role needs one.",
            messages.SUCCESS,
        )
