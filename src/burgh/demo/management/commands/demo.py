"""`burgh demo`: generate the Kinloch demo council and load it, or export its gazetteer."""

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from burgh.demo.generator import build_council, sign_ins
from burgh.demo.services import (
    export_gazetteer,
    load_demo_council,
    report_lines,
    sign_in_table,
)
from burgh.identity.models import User


class Command(BaseCommand):
    help = (
        "Load the invented Kinloch demo council (staff, teams, roles, gazetteer, residents) "
        "into an empty database, or export its gazetteer as CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--residents", type=int, default=2000, help="residents (default 2000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the database already has any user (used by `burgh run`)",
        )
        parser.add_argument(
            "--export-gazetteer",
            type=Path,
            metavar="PATH.csv",
            help="write the generated gazetteer to this CSV file instead of loading anything",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if str(settings.SETTINGS_MODULE).endswith(".production"):
            raise CommandError(
                "The demo council is invented data: it is never loaded in production."
            )
        if options["residents"] < 1:
            raise CommandError("--residents must be at least 1.")
        started = time.monotonic()
        if options["export_gazetteer"]:
            council = build_council(
                options["residents"], options["seed"], name=settings.COUNCIL_NAME
            )
            written = export_gazetteer(council, options["export_gazetteer"])
            self.stdout.write(
                f"Wrote {written} gazetteer rows to {options['export_gazetteer']} "
                f"in {time.monotonic() - started:.1f} s."
            )
            return
        if User.objects.exists():
            if options["if_empty"]:
                self.stdout.write(
                    "The database already has users; the demo council was not loaded."
                )
                return
            raise CommandError(
                "The database already has users, so the demo council was not loaded. "
                "Load it only into an empty database (a new BURGH_VAR_DIR, or a new DATABASE_URL)."
            )
        council = build_council(options["residents"], options["seed"], name=settings.COUNCIL_NAME)
        report = load_demo_council(council)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Loaded {council.name} (seed {council.seed}):"))
        for line in report_lines(report):
            self.stdout.write(f"  {line}")
        self.stdout.write(f"Took {elapsed:.1f} s.")
        self.stdout.write("")
        self.stdout.write(sign_in_table(sign_ins(council)))
