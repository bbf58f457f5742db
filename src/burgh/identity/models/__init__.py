"""Identity models: accounts, organisations and teams; the access-control register."""

from burgh.identity.models.access import (
    AccessLogEntry,
    BreakGlassGrant,
    ConsentRecord,
    DataSharingAgreement,
    LawfulBasis,
    Purpose,
    RecordRestriction,
)
from burgh.identity.models.accounts import (
    ApiToken,
    Membership,
    Organisation,
    Role,
    RoleAssignment,
    SignInFailure,
    Team,
    User,
    UserManager,
)
from burgh.identity.models.oidc import OidcIdentity

__all__ = [
    "AccessLogEntry",
    "ApiToken",
    "BreakGlassGrant",
    "ConsentRecord",
    "DataSharingAgreement",
    "LawfulBasis",
    "Membership",
    "OidcIdentity",
    "Organisation",
    "Purpose",
    "RecordRestriction",
    "Role",
    "RoleAssignment",
    "SignInFailure",
    "Team",
    "User",
    "UserManager",
]
