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

__all__ = [
    "AccessLogEntry",
    "BreakGlassGrant",
    "ConsentRecord",
    "DataSharingAgreement",
    "LawfulBasis",
    "Purpose",
    "RecordRestriction",
    "ApiToken",
    "Membership",
    "Organisation",
    "Role",
    "RoleAssignment",
    "SignInFailure",
    "Team",
    "User",
    "UserManager",
]
