"""`burgh cases types load|list` and `burgh cases import`: an administrator's case types from
JSON files, and cases in bulk from a CSV file.

Both loads are all or nothing: one bad definition, or one bad row, and every problem is
printed (file, and pointer or line and column), nothing is saved and the exit status is 2.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, Q

from burgh.cases import sla
from burgh.cases.bulk import LIST_SEPARATOR, STANDARD_COLUMNS, import_cases, read_csv
from burgh.cases.models import CaseType, Stage
from burgh.cases.services import check_definition, save_case_type
from burgh.cases.services.casetypes import team_path
from burgh.cases.services.clock import policy_of
from burgh.core import context
from burgh.core.errors import InvalidInputError

# The exit status of a refused load (as for a command-line usage error).
REFUSED = 2


class Command(BaseCommand):
    help = (
        "Case types: load definitions from JSON files (types load) or list them (types list); "
        "log cases in bulk from a CSV file (import)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        types = actions.add_parser("types", help="load or list case types")
        type_actions = types.add_subparsers(dest="types_action", required=True)
        load = type_actions.add_parser(
            "load",
            help="create or change case types from JSON definitions",
            description=(
                "Each FILE holds one case type definition (docs/case-types.md). A type whose "
                "code exists is changed; open cases of it keep their answers and status. If any "
                "file is wrong, every problem in every file is printed as 'FILE: pointer: "
                "problem', none of the files is saved and the exit status is 2."
            ),
        )
        load.add_argument("files", nargs="+", type=Path, metavar="FILE")
        type_actions.add_parser("list", help="list the case types with their team and SLA")
        bulk = actions.add_parser(
            "import",
            help="log cases of one type from a CSV file",
            description=(
                "FILE.csv has a header line naming its columns: any of "
                f"{', '.join(STANDARD_COLUMNS)}, and one column per question of the case type "
                "(its field name). Ticked boxes "
                f"are separated by '{LIST_SEPARATOR}'. received_at is '2026-11-30 14:05' or "
                "'30/11/2026 14:05', UK time. Every row is logged through intake on the bulk "
                "channel. If any row is wrong, every problem is printed as 'FILE, line N, column: "
                "problem', nothing is saved and the exit status is 2."
            ),
        )
        bulk.add_argument("file", type=Path, metavar="FILE.csv")
        bulk.add_argument("--case-type", required=True, metavar="CODE", help="the case type")
        bulk.add_argument("--dry-run", action="store_true", help="check every row, save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options["file"], options["case_type"], dry_run=options["dry_run"])
        elif options["types_action"] == "load":
            self._load(options["files"])
        else:
            self._list()

    def _load(self, paths: list[Path]) -> None:
        # (file, JSON pointer, what is wrong)
        problems: list[tuple[Path, str, str]] = []
        done: list[str] = []
        codes: dict[str, Path] = {}
        acting = context.acting(channel="command", actor_label="burgh cases types load")
        with acting, transaction.atomic():
            for path in paths:
                definition = _definition(path, problems)
                if definition is None:
                    continue
                code = definition.get("code")
                if isinstance(code, str) and code in codes:
                    problems.append((path, "#/code", f"{code!r} is also in {codes[code]}"))
                    continue
                if isinstance(code, str):
                    codes[code] = path
                try:
                    with transaction.atomic():
                        done.append(f"{path.name}: {_save(definition)}")
                except InvalidInputError as refusal:
                    problems += [
                        (path, error.get("pointer", "#"), error.get("detail", ""))
                        for error in refusal.errors
                    ] or [(path, "#", refusal.detail)]
            if problems:
                transaction.set_rollback(True)
        if problems:
            bad = len({path for path, _pointer, _detail in problems})
            lines = [f"{path}: {pointer}: {detail}" for path, pointer, detail in problems]
            summary = f"{bad} of {len(paths)} files cannot be loaded, so none were saved:"
            raise CommandError("\n".join([summary, *lines]), returncode=REFUSED)
        for line in done:
            self.stdout.write(line)

    def _list(self) -> None:
        found = (
            CaseType.objects.select_related("default_team__organisation")
            .annotate(open=Count("cases", filter=~Q(cases__stage=Stage.CLOSED)))
            .order_by("code")
        )
        if not found:
            self.stdout.write(
                "There are no case types yet: load some with `burgh cases types load`."
            )
            return
        width = max(len(case_type.code) for case_type in found)
        for case_type in found:
            policy = policy_of(case_type)
            flags = [
                name
                for name, on in (
                    ("public", case_type.public),
                    ("sensitive", case_type.sensitive),
                    ("inactive", not case_type.active),
                )
                if on
            ]
            self.stdout.write(
                f"{case_type.code:<{width}}  {case_type.name} (version {case_type.version})"
                f"{' [' + ', '.join(flags) + ']' if flags else ''}\n"
                f"{'':<{width}}  to {team_path(case_type.default_team)}; "
                f"SLA {sla.describe_policy(policy) if policy else 'none'}; "
                f"{case_type.open} open cases"
            )

    def _import(self, path: Path, code: str, *, dry_run: bool) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            text = path.read_text("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}: not UTF-8 text ({error.reason})") from error
        with context.acting(channel="command", actor_label="burgh cases import"):
            try:
                report = import_cases(None, code, read_csv(text), dry_run=dry_run)
            except InvalidInputError as refusal:
                lines = [
                    f"{path.name}, line {error['row']}, {error['field']}: {error['detail']}"
                    if "row" in error
                    else f"{path.name}: {error.get('detail', '')}"
                    for error in refusal.errors
                ]
                raise CommandError(
                    "\n".join([refusal.detail, *lines]), returncode=REFUSED
                ) from refusal
        if dry_run:
            self.stdout.write(
                f"{path.name}: all {report.rows} rows can be logged as {report.case_type} "
                "(dry run: nothing was saved). They would go to:"
            )
        else:
            self.stdout.write(
                f"{path.name}: logged {report.logged} {report.case_type} cases "
                f"({report.references[0]} to {report.references[-1]}):"
            )
        width = max(len(team) for team in report.by_team)
        for team, count in report.by_team.items():
            self.stdout.write(f"  {team:<{width}}  {count}")
        if report.possible_duplicates:
            self.stdout.write(
                f"{report.possible_duplicates} of them match an open case of the same type at "
                "the same place: check them for duplicates."
            )


def _definition(path: Path, problems: list[tuple[Path, str, str]]) -> dict[str, Any] | None:
    """The JSON object in `path`, or None with the problem added."""
    try:
        raw = json.loads(path.read_text("utf-8-sig"))
    except FileNotFoundError:
        problems.append((path, "#", "no such file"))
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.append((path, "#", f"cannot be read ({error})"))
        return None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        problems.append((path, "#", f"not valid JSON: {error.msg} at {where}"))
        return None
    if not isinstance(raw, dict):
        problems.append((path, "#", 'a definition is one JSON object, {"code": ...}'))
        return None
    return raw


def _save(definition: dict[str, Any]) -> str:
    """Save one definition (the system acting); what happened, for the report."""
    values = check_definition(definition)
    code = values.pop("code")
    existing = CaseType.objects.filter(code=code).first()
    if existing is not None and all(
        getattr(existing, name) == value for name, value in values.items()
    ):
        return f"{code} unchanged (version {existing.version})"
    case_type, created = save_case_type(None, definition)
    if created:
        return f"{code} created"
    still_open = case_type.cases.exclude(stage=Stage.CLOSED).count()
    return f"{code} changed (now version {case_type.version}; {still_open} open cases)"
