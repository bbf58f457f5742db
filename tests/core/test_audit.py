"""The audit trail: entries chain, verification names the first tampered entry."""

import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from burgh.core import audit, context
from burgh.core.models import AuditEntry


def _write(n: int) -> list[AuditEntry]:
    return [
        audit.record("case.viewed", subject=("cases.case", f"case-{i}"), purpose="test")
        for i in range(n)
    ]


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database superuser could do this; the trigger stops the application's role.
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")


def _verify_output() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    return str(failure.value)


@pytest.mark.django_db
def test_record_captures_who_where_and_why(staff_user):
    with context.acting(request_id="req-12345678", source_ip="192.0.2.10"):
        entry = audit.record(
            "person.viewed", subject=staff_user, actor=staff_user, purpose="safeguarding"
        )
    assert entry.actor_id == str(staff_user.pk)
    assert entry.organisation_id == str(staff_user.organisation_id)
    assert (entry.request_id, entry.source_ip, entry.purpose) == (
        "req-12345678",
        "192.0.2.10",
        "safeguarding",
    )
    assert entry.subject_type == "identity.user"
    assert entry.at.utcoffset().total_seconds() == 0


@pytest.mark.django_db
def test_an_untouched_chain_verifies(capsys):
    entries = _write(5)
    assert entries[0].prev_hash == audit.GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    call_command("audit", "verify")
    assert "intact: 5 entries checked" in capsys.readouterr().out


@pytest.mark.django_db
def test_an_edited_entry_is_named():
    entries = _write(5)
    _raw("UPDATE core_auditentry SET purpose = %s WHERE seq = %s", ["curiosity", entries[2].seq])
    message = _verify_output()
    assert f"#{entries[2].seq}" in message
    assert "altered" in message


@pytest.mark.django_db
def test_a_deleted_middle_entry_is_named():
    entries = _write(5)
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [entries[1].seq])
    message = _verify_output()
    assert f"#{entries[1].seq} is missing" in message


@pytest.mark.django_db
def test_a_deleted_last_entry_is_noticed():
    entries = _write(4)
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [entries[-1].seq])
    message = _verify_output()
    assert "latest entries were removed" in message
    assert f"#{entries[-1].seq}" in message


@pytest.mark.django_db
def test_reordered_entries_are_named():
    entries = _write(5)
    a, b = entries[1], entries[3]
    # Swap two entries' places in the sequence, each with its own (valid) hash.
    _raw("UPDATE core_auditentry SET seq = %s WHERE seq = %s", [-1, a.seq])
    _raw("UPDATE core_auditentry SET seq = %s WHERE seq = %s", [a.seq, b.seq])
    _raw("UPDATE core_auditentry SET seq = %s WHERE seq = %s", [b.seq, -1])
    message = _verify_output()
    assert f"#{a.seq}" in message


@pytest.mark.django_db
def test_verify_after_rewriting_hashes_still_fails_at_the_edit():
    # An attacker who edits a row and recomputes its own hash still breaks the next link.
    entries = _write(4)
    target = AuditEntry.objects.get(seq=entries[1].seq)
    target.purpose = "covered up"
    new_hash = audit.entry_hash(audit._hash_values(target))
    _raw(
        "UPDATE core_auditentry SET purpose = %s, hash = %s WHERE seq = %s",
        ["covered up", new_hash, target.seq],
    )
    message = _verify_output()
    assert f"#{entries[2].seq} does not follow" in message


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_refuses_update_and_delete_of_audit_rows():
    entry = audit.record("identity.sign_in")
    for sql in (
        "UPDATE core_auditentry SET action = 'x' WHERE seq = %s",
        "DELETE FROM core_auditentry WHERE seq = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.seq])
    assert AuditEntry.objects.get(seq=entry.seq).action == "identity.sign_in"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            for i in range(15):
                audit.record("case.viewed", subject=("cases.case", f"{worker}-{i}"))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = audit.verify()
    assert report.intact, report.reason
    assert report.entries_checked == 60


@pytest.mark.django_db
def test_tail_prints_latest_entries(capsys):
    _write(3)
    call_command("audit", "tail", "-n", "2")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[-1].startswith("#3 ")
