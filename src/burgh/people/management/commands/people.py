"""`burgh people link|train|relink`: link any export of people from the command line; retrain
the model; relink the person index.

`link` and `train` read and write files only: they run on a fresh checkout with no database
set up. `relink` works on the person index in the database.
"""

import logging
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from burgh.people.linkage import InvalidModelError, Model, train
from burgh.people.linkage.csvlink import InputError, LinkReport, link_csv, read_rows


class Command(BaseCommand):
    help = (
        "Link an export of people to person ids (link), train the matching model (train), or "
        "relink the person index (relink)."
    )
    # link and train never touch the database, so nothing needs to be set up or checked.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        link = actions.add_parser(
            "link",
            help="give every record of a CSV export a person id",
            description=(
                "INPUT.csv has the header source_system,source_id,given_name,family_name,"
                "date_of_birth,sex,address,postcode,email,phone (dates yyyy-mm-dd or yyyy; "
                "any column but the first two may be blank). OUT.csv gets "
                "source_system,source_id,person_id for every valid row. Bad rows are "
                "reported on stderr as 'line N: field: reason'; the exit status is 1 if any."
            ),
        )
        link.add_argument("input", type=Path, metavar="INPUT.csv")
        link.add_argument("--out", type=Path, required=True, metavar="OUT.csv")
        link.add_argument("--model", type=Path, help="a model JSON file (default: shipped)")
        learn = actions.add_parser(
            "train",
            help="train the matching model on a CSV export (or on generated residents)",
            description=(
                "Trains without labels (Splink on DuckDB: u by random sampling, m by EM) on "
                "INPUT.csv, in the format of 'link', or with --synthetic on generated "
                "residents, the way the shipped model is made. Writes the model JSON to --out."
            ),
        )
        learn.add_argument("input", type=Path, nargs="?", metavar="INPUT.csv")
        learn.add_argument("--out", type=Path, required=True, metavar="MODEL.json")
        learn.add_argument(
            "--synthetic",
            type=int,
            metavar="PEOPLE",
            help="train on this many generated residents instead of a file",
        )
        learn.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        again = actions.add_parser(
            "relink",
            help="run the batch engine over every source record in the person index",
            description=(
                "Links every source record in the index again (after a retrain, or to settle "
                "chains that online resolve sent to review). People keep their ids; stewards' "
                "decisions hold; doubtful pairs go to the review queue. Audited as the system."
            ),
        )
        again.add_argument("--model", type=Path, help="a model JSON file (default: the index's)")

    def handle(self, *args: Any, **options: Any) -> None:
        # stderr is for the rows that need fixing; the engine's progress notes would bury them.
        for name in ("burgh.people.linkage", "splink", "sqlglot"):
            logging.getLogger(name).setLevel(logging.WARNING)
        if options["action"] == "link":
            self._link(options["input"], options["out"], options["model"])
        elif options["action"] == "relink":
            self._relink(options["model"])
        else:
            self._train(options["input"], options["out"], options["synthetic"], options["seed"])

    def _model(self, path: Path | None) -> Model | None:
        if path is None:
            return None
        try:
            return Model.from_json(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, InvalidModelError) as error:
            raise CommandError(f"{path}: cannot use this model: {error}") from error

    def _link(self, source: Path, out: Path, model_path: Path | None) -> None:
        model = self._model(model_path)
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        if not out.parent.is_dir():
            raise CommandError(f"{out.parent}: no such directory for the output")
        try:
            report = link_csv(source, out, model=model)
        except InputError as error:
            self.stderr.write(str(error))
            sys.exit(1)
        self._problems(report)
        self.stdout.write(
            f"Linked {report.records:,} records to {report.people:,} people: {out}"
            + (f" ({len(report.problems):,} problems, listed above)" if report.problems else "")
        )
        if report.problems:
            sys.exit(1)

    def _problems(self, report: LinkReport) -> None:
        for problem in report.problems:
            self.stderr.write(problem)

    def _train(self, source: Path | None, out: Path, people: int | None, seed: int) -> None:
        from burgh.people.linkage import retrain_default

        if (source is None) == (people is None):
            raise CommandError("give either INPUT.csv or --synthetic PEOPLE")
        if people is not None:
            model = retrain_default.train_default(people=people, seed=seed)
        else:
            assert source is not None
            if not source.is_file():
                raise CommandError(f"{source}: no such file")
            report = LinkReport()
            try:
                rows = read_rows(source.read_bytes(), report)
            except InputError as error:
                self.stderr.write(str(error))
                sys.exit(1)
            self._problems(report)
            if len(rows) < 2:
                raise CommandError("training needs at least two valid records")
            model = train(rows, seed=seed)
        out.write_text(model.to_json(), "utf-8")
        self.stdout.write(
            f"Trained model {model.version}: match weight {model.match_weight:.2f}, "
            f"review weight {model.review_weight:.2f}, written to {out}"
        )

    def _relink(self, model_path: Path | None) -> None:
        from burgh.people.services import relink

        report = relink(model=self._model(model_path))
        self.stdout.write(
            f"Relinked {report.records:,} source records ({report.pairs_scored:,} pairs scored): "
            f"{report.kept:,} of {report.people_before:,} people kept their id "
            f"({report.kept_share:.2%}), {report.created:,} new, {report.retired:,} merged "
            f"away, {report.moved:,} records moved, {report.reviews_opened:,} pairs sent to "
            "review."
        )
