"""The two matchers Burgh is compared with: a plain fuzzy match, and MoJ's uk_address_matcher.

- fuzzy: rapidfuzz's token_set_ratio of the address against every gazetteer single line that
  shares its rarest words (a plain blocking, so it runs at all on 300,000 lines); the best
  line's UPRN when its ratio reaches the threshold.
- uk_address_matcher (MoJ, on Splink): it needs splink<5 and duckdb<2, which Burgh's own pins
  exclude, so it runs in a virtual environment of its own, made here from the pinned
  uam-requirements.txt beside this file (pip, from PyPI) under $BURGH_VAR_DIR/bench/places/.
  It matches offline against any canonical file (unique_id, address_concat, postcode).
"""

import csv
import subprocess
import sys
import venv
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from burgh.places.matching.text import single_line

HERE = Path(__file__).resolve().parent


class FuzzyBaseline:
    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.uprns = [row["uprn"] for row in rows]
        self.lines = [utils.default_process(single_line(row)) for row in rows]
        self.by_token: dict[str, list[int]] = {}
        for at, line in enumerate(self.lines):
            for token in set(line.split()):
                self.by_token.setdefault(token, []).append(at)

    def best(self, text: str) -> tuple[str | None, float]:
        query = utils.default_process(text)
        known = sorted(
            (token for token in set(query.split()) if token in self.by_token),
            key=lambda token: len(self.by_token[token]),
        )
        ids: set[int] = set()
        for token in known[:2]:
            ids.update(self.by_token[token][:20_000])
        if not ids:
            return None, 0.0
        choices = {at: self.lines[at] for at in ids}
        found = process.extractOne(query, choices, scorer=fuzz.token_set_ratio, processor=None)
        if found is None:
            return None, 0.0
        return self.uprns[found[2]], float(found[1])


def uam_python(root: Path) -> tuple[Path | None, str]:
    """The separate environment's Python, made on first use; or None and why not."""
    home = root / "uam-venv"
    python = home / "bin" / "python"
    marker = home / "installed.txt"
    wanted = (HERE / "uam-requirements.txt").read_text("utf-8")
    if python.exists() and marker.exists() and marker.read_text("utf-8") == wanted:
        return python, ""
    venv.EnvBuilder(with_pip=True, clear=True).create(home)
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(HERE / "uam-requirements.txt"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0:
        last = (install.stderr or install.stdout).strip().splitlines()[-1:]
        return None, f"pip could not install uam-requirements.txt: {' '.join(last)}"
    marker.write_text(wanted, "utf-8")
    return python, ""


def run_uam(
    root: Path, rows: list[dict[str, str]], texts: list[str]
) -> tuple[list[tuple[str | None, float, float]] | None, str, float]:
    """(uprn, match weight, distinguishability) per address, or None and why not; seconds."""
    python, why = uam_python(root)
    if python is None:
        return None, why, 0.0
    canonical, messy, out = root / "uam-canonical.csv", root / "uam-messy.csv", root / "uam-out.csv"
    with canonical.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unique_id", "address_concat", "postcode"])
        for row in rows:
            writer.writerow([row["uprn"], single_line({**row, "postcode": ""}), row["postcode"]])
    with messy.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unique_id", "address_concat", "postcode"])
        for at, text in enumerate(texts):
            writer.writerow([f"m{at}", text, ""])
    done = subprocess.run(
        [str(python), str(HERE / "uam_runner.py"), str(canonical), str(messy), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-3:]
        return None, "uk_address_matcher failed: " + " | ".join(last), 0.0
    seconds = float(done.stdout.split("seconds", 1)[1].split()[0])
    found: dict[str, tuple[str | None, float, float]] = {}
    with out.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            weight = float(row["match_weight"] or "-inf")
            distinct = float(row["distinguishability"] or "inf")
            found[row["unique_id"]] = (row["resolved_canonical_id"] or None, weight, distinct)
    return (
        [found.get(f"m{at}", (None, float("-inf"), 0.0)) for at in range(len(texts))],
        "",
        seconds,
    )


if __name__ == "__main__":
    sys.exit("run through python -m bench places")
