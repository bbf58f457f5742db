"""`burgh flows deploy FILE...` and `burgh flows list`: process flows and decision tables from
BPMN and DMN files, as a modeller saves them.

A deploy is all or nothing: one problem in any file and every problem is printed as
'FILE: element: reason', nothing is deployed and the exit status is 2.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from burgh.core import context
from burgh.flows import services

# The exit status of a refused deploy (as for a command-line usage error).
REFUSED = 2


class Command(BaseCommand):
    help = "Process flows: deploy BPMN and DMN files (deploy) or list what is deployed (list)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        deploy = actions.add_parser(
            "deploy",
            help="deploy BPMN processes and DMN decision tables",
            description=(
                "Each FILE is a BPMN 2.0 or DMN file (Camunda Modeler's .bpmn and .dmn files "
                "work as saved). A process or decision whose file changed gets a new version; "
                "running cases keep theirs. If any file is wrong, every problem is printed as "
                "'FILE: element: reason', nothing is deployed and the exit status is 2."
            ),
        )
        deploy.add_argument("files", nargs="+", type=Path, metavar="FILE")
        actions.add_parser("list", help="list deployed processes and decisions, latest versions")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "deploy":
            self._deploy(options["files"])
        else:
            self._list()

    def _deploy(self, paths: list[Path]) -> None:
        files = []
        for path in paths:
            try:
                files.append((path.name, path.read_bytes()))
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}", returncode=REFUSED) from error
        with context.acting(channel="command", actor_label="burgh flows deploy"):
            try:
                result = services.deploy_definitions(None, files, source="command")
            except services.DeploymentRefusedError as refusal:
                lines = [str(problem) for problem in refusal.problems]
                raise CommandError(
                    "\n".join([refusal.detail, *lines]), returncode=REFUSED
                ) from refusal
        for made in result.created:
            self.stdout.write(f"deployed {made.key} version {made.number} ({made.file_name})")
        for same in result.unchanged:
            self.stdout.write(f"unchanged {same.key} version {same.number} ({same.file_name})")

    def _list(self) -> None:
        processes = services.process_summaries()
        decisions = services.decision_summaries()
        if not processes and not decisions:
            self.stdout.write("Nothing is deployed.")
        for process in processes:
            self.stdout.write(
                f"process  {process.key:<32} v{process.number:<4} {process.elements:>4} elements"
                f"  {process.name}"
            )
        for decision in decisions:
            self.stdout.write(f"decision {decision.key:<32} v{decision.number:<4}  {decision.name}")
