"""Sign-in, sign-out, two-factor and API token pages."""

from django.urls import path

from burgh.identity import views

app_name = "identity"

urlpatterns = [
    path("sign-in", views.sign_in, name="sign-in"),
    path("sign-in/oidc", views.oidc_start, name="oidc-start"),
    path("sign-in/oidc/callback", views.oidc_callback, name="oidc-callback"),
    path("sign-out", views.sign_out, name="sign-out"),
    path("sign-out-everywhere", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("sign-in/set-up-app", views.mfa_setup, name="mfa-setup"),
    path("sign-in/security-code", views.mfa_verify, name="mfa-verify"),
    path("account/tokens", views.tokens, name="tokens"),
    path("account/tokens/<uuid:token_id>/revoke", views.revoke_token, name="token-revoke"),
    # Listed before the admin site (burgh/urls.py includes this module first), so the admin's
    # own login and logout, which know nothing of lock-out, throttling or MFA, are never used.
    path("admin/login/", views.admin_sign_in, name="admin-sign-in"),
    path("admin/logout/", views.sign_out, name="admin-sign-out"),
]
