"""On PostgreSQL, refuse UPDATE and DELETE on the audit trail (ADR 0006).

TRUNCATE is left to the table's owner (the test suite's flush needs it); the application's
database role in production should not own the table (see docs/audit.md).
"""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION burgh_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: %% on core_auditentry refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_no_update_or_delete
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION burgh_audit_append_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS audit_no_update_or_delete ON core_auditentry;
DROP FUNCTION IF EXISTS burgh_audit_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(install, remove)]
