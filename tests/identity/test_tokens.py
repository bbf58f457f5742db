"""API tokens: issued once in plaintext, stored as a digest, refused with a reason, audited."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from burgh.core.audit import verify
from burgh.core.errors import InvalidInputError, PermissionDeniedError
from burgh.core.models import AuditEntry
from burgh.identity.models import ApiToken
from burgh.identity.services.tokens import (
    MAX_LIFETIME,
    TokenExpiredError,
    TokenInvalidError,
    TokenOwnerInactiveError,
    TokenRevokedError,
    authenticate_api_token,
    issue_api_token,
    revoke_api_token,
)
from tests.factories import RoleAssignmentFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _issue(user, **overrides):
    arguments = {
        "name": "Housing repairs integration",
        "scopes": ["identity:read"],
        "expires_in": timedelta(days=90),
    }
    arguments.update(overrides)
    return issue_api_token(user, **arguments)


def _actions(**filters):
    return list(AuditEntry.objects.filter(**filters).values_list("action", flat=True))


class TestIssue:
    def test_the_plaintext_is_returned_once_and_only_its_digest_is_kept(self, staff_user):
        token, raw = _issue(staff_user)

        marker, prefix, secret = raw.split("_", 2)
        assert marker == "burgh"
        assert prefix == token.prefix
        assert len(secret) >= 43  # 32 random bytes, URL-safe base64
        stored = ApiToken.objects.get(pk=token.pk)
        assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
        assert secret not in str(list(AuditEntry.objects.values()))

    def test_two_tokens_never_share_a_prefix_or_secret(self, staff_user):
        _first, first_raw = _issue(staff_user)
        _second, second_raw = _issue(staff_user)

        assert first_raw.split("_", 2)[1] != second_raw.split("_", 2)[1]
        assert first_raw.split("_", 2)[2] != second_raw.split("_", 2)[2]

    def test_issuing_is_audited_with_scopes_and_expiry(self, staff_user):
        token, _raw = _issue(staff_user, scopes=["identity:write", "identity:read"])

        entry = AuditEntry.objects.get(action="api_token.issued")
        assert entry.subject_id == str(token.pk)
        assert entry.detail["scopes"] == ["identity:read", "identity:write"]
        assert entry.detail["prefix"] == token.prefix
        assert entry.actor_id == str(staff_user.pk)

    @pytest.mark.parametrize(
        ("overrides", "pointer", "words"),
        [
            ({"scopes": ["identity:read", "cases:delete"]}, "#/scopes", "cases:delete"),
            ({"scopes": []}, "#/scopes", "at least one scope"),
            ({"name": "   "}, "#/name", "name"),
            ({"expires_in": MAX_LIFETIME + timedelta(days=1)}, "#/expires_in", "365 days"),
            ({"expires_in": timedelta(0)}, "#/expires_in", "365 days"),
        ],
    )
    def test_bad_requests_are_refused_naming_the_field(self, staff_user, overrides, pointer, words):
        with pytest.raises(InvalidInputError) as refusal:
            _issue(staff_user, **overrides)

        assert refusal.value.errors[0]["pointer"] == pointer
        assert words in refusal.value.detail
        assert not ApiToken.objects.exists()

    def test_a_token_may_last_exactly_the_maximum(self, staff_user):
        token, _raw = _issue(staff_user, expires_in=MAX_LIFETIME)

        assert token.expires_at - token.created_at <= MAX_LIFETIME + timedelta(seconds=1)

    def test_a_disabled_account_gets_no_token(self, staff_user):
        staff_user.is_active = False
        staff_user.save()

        with pytest.raises(InvalidInputError, match="disabled"):
            _issue(staff_user)


class TestAuthenticate:
    def test_a_good_token_names_its_user_and_records_the_use(self, staff_user):
        token, raw = _issue(staff_user)

        found = authenticate_api_token(raw)

        assert found.pk == token.pk
        assert found.user == staff_user
        assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
        assert _actions(action="api_token.used") == ["api_token.used"]

    def test_use_is_recorded_at_most_once_a_minute(self, staff_user):
        token, raw = _issue(staff_user)
        authenticate_api_token(raw)
        first_use = ApiToken.objects.get(pk=token.pk).last_used_at

        authenticate_api_token(raw)
        authenticate_api_token(raw)

        assert ApiToken.objects.get(pk=token.pk).last_used_at == first_use
        assert _actions(action="api_token.used") == ["api_token.used"]

        # A minute later the next use is recorded again.
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=first_use - timedelta(minutes=1, seconds=1)
        )
        authenticate_api_token(raw)
        assert ApiToken.objects.get(pk=token.pk).last_used_at > first_use
        assert _actions(action="api_token.used") == ["api_token.used", "api_token.used"]

    @pytest.mark.parametrize(
        "mangle",
        [
            lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),
            lambda raw: raw.replace("burgh_", "github_", 1),
            lambda raw: raw.split("_", 2)[0] + "_" + raw.split("_", 2)[1],
            lambda raw: "burgh_000000000000_" + raw.split("_", 2)[2],
            lambda raw: "",
        ],
        ids=["wrong-secret", "wrong-marker", "no-secret", "unknown-prefix", "empty"],
    )
    def test_a_token_that_does_not_match_is_invalid_and_the_refusal_audited(
        self, staff_user, mangle
    ):
        _token, raw = _issue(staff_user)

        with pytest.raises(TokenInvalidError, match="not recognised"):
            authenticate_api_token(mangle(raw))

        refusal = AuditEntry.objects.get(action="api_token.refused")
        assert refusal.outcome == "failure"
        assert refusal.detail["reason"] == "invalid"
        # Whoever sent a wrong secret is not recorded as the token's owner.
        assert refusal.actor_id == ""

    def test_a_revoked_token_is_refused_saying_so(self, staff_user):
        token, raw = _issue(staff_user)
        revoke_api_token(token, by=staff_user)

        with pytest.raises(TokenRevokedError, match="revoked"):
            authenticate_api_token(raw)

        assert AuditEntry.objects.get(action="api_token.refused").detail["reason"] == "revoked"

    def test_an_expired_token_is_refused_saying_so(self, staff_user):
        token, raw = _issue(staff_user)
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())

        with pytest.raises(TokenExpiredError, match="expired"):
            authenticate_api_token(raw)

        assert AuditEntry.objects.get(action="api_token.refused").detail["reason"] == "expired"

    def test_a_disabled_accounts_token_is_refused(self, staff_user):
        _token, raw = _issue(staff_user)
        staff_user.is_active = False
        staff_user.save()

        with pytest.raises(TokenOwnerInactiveError, match="disabled"):
            authenticate_api_token(raw)

        refusal = AuditEntry.objects.get(action="api_token.refused")
        assert refusal.detail["reason"] == "account_disabled"

    def test_the_audit_chain_stays_intact_through_issue_use_refusal_and_revoke(self, staff_user):
        token, raw = _issue(staff_user)
        authenticate_api_token(raw)
        with pytest.raises(TokenInvalidError):
            authenticate_api_token(raw + "x")
        revoke_api_token(token, by=staff_user)

        assert verify().intact
        assert _actions() == [
            "api_token.issued",
            "api_token.used",
            "api_token.refused",
            "api_token.revoked",
        ]


class TestRevoke:
    def test_the_owner_revokes_and_it_is_audited(self, staff_user):
        token, _raw = _issue(staff_user)

        revoke_api_token(token, by=staff_user)

        stored = ApiToken.objects.get(pk=token.pk)
        assert stored.revoked_at is not None
        assert stored.version == 2
        entry = AuditEntry.objects.get(action="api_token.revoked")
        assert entry.actor_id == str(staff_user.pk)

    def test_revoking_twice_changes_nothing_more(self, staff_user):
        token, _raw = _issue(staff_user)
        first = revoke_api_token(token, by=staff_user)

        again = revoke_api_token(first, by=staff_user)

        assert again.revoked_at == first.revoked_at
        assert _actions(action="api_token.revoked") == ["api_token.revoked"]

    def test_someone_else_cannot_revoke_it(self, staff_user, council):
        token, raw = _issue(staff_user)
        colleague = UserFactory(organisation=council)

        with pytest.raises(PermissionDeniedError):
            revoke_api_token(token, by=colleague)

        assert authenticate_api_token(raw).pk == token.pk

    def test_a_security_officer_with_the_permission_can_revoke_it(self, staff_user, council):
        token, raw = _issue(staff_user)
        officer = UserFactory(organisation=council)
        RoleAssignmentFactory(
            user=officer,
            role=RoleFactory(slug="security", permissions=["identity.manage_api_tokens"]),
        )

        revoke_api_token(token, by=officer)

        with pytest.raises(TokenRevokedError):
            authenticate_api_token(raw)
