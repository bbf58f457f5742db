"""`burgh staff scim-token EMAIL`: issue the API token an identity provider connects with."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from burgh.core import context
from burgh.core.errors import BurghError
from burgh.identity.models import User
from burgh.identity.permissions import PROVISION_STAFF, has_permission
from burgh.identity.services.tokens import issue_api_token
from burgh.staff.scim.auth import SCIM_SCOPE


class Command(BaseCommand):
    help = "Staff index tasks: issue a SCIM token for an identity provider (scim-token)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        token = actions.add_parser(
            "scim-token",
            help="issue an API token with the scim scope, for Entra ID or Okta",
            description=(
                "EMAIL is the account the identity provider connects as; one of its roles must "
                f"grant {PROVISION_STAFF}. The token is printed once: paste it into the "
                "identity provider's secret token field."
            ),
        )
        token.add_argument("email")
        token.add_argument("--name", default="Identity provider (SCIM)", help="the token's name")
        token.add_argument(
            "--days", type=int, default=365, help="days until it expires (at most 365)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"There is no account for {options['email']}.")
        if not has_permission(user, PROVISION_STAFF):
            raise CommandError(
                f"{user.email} may not provision staff: give the account a role with the "
                f"{PROVISION_STAFF} permission first (in the admin site, /admin/)."
            )
        with context.acting(channel="command", actor_label="burgh staff scim-token"):
            try:
                token, raw = issue_api_token(
                    user,
                    name=options["name"],
                    scopes=[SCIM_SCOPE],
                    expires_in=timedelta(days=options["days"]),
                )
            except BurghError as refusal:
                raise CommandError(refusal.detail) from refusal
        self.stdout.write(
            f"Issued {token.name!r} ({token.prefix}) for {user.email}, expiring "
            f"{token.expires_at:%d %B %Y}. It is shown only now:\n{raw}"
        )
