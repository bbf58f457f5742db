"""`burgh staff scim-token` issues a token the SCIM provider accepts."""

import pytest
from django.core.management import CommandError, call_command

from tests.staff.conftest import ScimClient


def test_the_token_printed_works_at_scim(provisioner, capsys):
    call_command("staff", "scim-token", provisioner.email, "--name", "Entra ID")

    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert ScimClient(raw).get("ServiceProviderConfig").status_code == 200


def test_an_account_that_may_not_provision_gets_no_token(staff_user):
    with pytest.raises(CommandError, match="may not provision staff"):
        call_command("staff", "scim-token", staff_user.email)
