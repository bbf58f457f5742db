"""How the person index reads on a page: field names, source records side by side, explanations.

Shared by the review pages, the person page and the merge pages, so a field, a weight or a
source is described the same way wherever a data steward meets it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from burgh.people.models import SourceRecord

# A source record's attributes in the order the pages compare them, with their labels.
ATTRIBUTE_LABELS = (
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("address", "Address"),
    ("postcode", "Postcode"),
    ("uprn", "UPRN"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("identifier", "National identifier"),
)
FIELD_LABELS = dict(ATTRIBUTE_LABELS)
RULE_LABELS = {
    "most_recent": "most recent",
    "most_trusted": "most trusted source",
    "override": "set by a data steward",
}
LINK_METHOD_LABELS = dict(SourceRecord.LinkMethod.choices)


def uk_date(value: Any) -> str:
    """27 March 1984; a year alone or text that is not a date as given; "" for nothing."""
    if not value:
        return ""
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    text = str(value).strip()
    try:
        return uk_date(date.fromisoformat(text))
    except ValueError:
        return text


def uk_time(moment: Any) -> str:
    """2:05pm on 27 March 2026, in council time."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'} on {uk_date(local.date())}"


def shown_value(name: str, value: Any) -> str:
    """A field's value as a page shows it; "Not recorded" for a blank."""
    if name == "date_of_birth":
        return uk_date(value) or "Not recorded"
    text = str(value).strip() if value is not None else ""
    if name == "sex" and text:
        return text.capitalize()
    return text or "Not recorded"


def _comparable(name: str, value: Any) -> str:
    text = " ".join(str(value or "").split()).casefold()
    if name in ("postcode", "phone"):
        text = text.replace(" ", "")
    return text


@dataclass(frozen=True)
class ComparedField:
    label: str
    left: str
    right: str
    # "same", "different", or "missing" (one side blank, so nothing to compare).
    verdict: str

    @property
    def verdict_text(self) -> str:
        return {"same": "Same", "different": "Different", "missing": "Only one has it"}[
            self.verdict
        ]


def compare_attributes(left: Mapping[str, Any], right: Mapping[str, Any]) -> list[ComparedField]:
    """Each attribute either record has, side by side, with whether they agree.

    Only what a source sent is compared: a field neither record holds is left out.
    """
    rows = []
    for name, label in ATTRIBUTE_LABELS:
        a, b = _comparable(name, left.get(name)), _comparable(name, right.get(name))
        if not a and not b:
            continue
        verdict = "missing" if not (a and b) else ("same" if a == b else "different")
        rows.append(
            ComparedField(
                label,
                shown_value(name, left.get(name)),
                shown_value(name, right.get(name)),
                verdict,
            )
        )
    return rows


@dataclass(frozen=True)
class ExplainedComparison:
    comparison: str
    label: str
    weight: float

    @property
    def weight_text(self) -> str:
        return signed(self.weight)

    @property
    def direction(self) -> str:
        if self.weight > 0:
            return "for"
        return "against" if self.weight < 0 else "neutral"


@dataclass(frozen=True)
class Explanation:
    comparisons: list[ExplainedComparison]
    # What any two records start with before a field is compared (the prior, as a weight).
    starting_weight: float
    total: float
    probability: float

    @property
    def total_text(self) -> str:
        return signed(self.total)

    @property
    def starting_text(self) -> str:
        return signed(self.starting_weight)

    @property
    def probability_text(self) -> str:
        return percent(self.probability)


def explain(levels: Sequence[Mapping[str, Any]], total: float, probability: float) -> Explanation:
    """A stored explanation (the engine's LevelScores as dicts) ready for a page."""
    comparisons = [
        ExplainedComparison(
            comparison=str(level.get("comparison", "")).replace("_", " "),
            label=str(level.get("label", "")),
            weight=float(level.get("weight", 0.0)),
        )
        for level in levels
    ]
    added = sum(item.weight for item in comparisons)
    starting = round(total - added, 6)
    return Explanation(comparisons, starting, total, probability)


def signed(weight: float) -> str:
    """A match weight with its sign spelt out: +4.20, 0.00, and a true minus sign below zero."""
    if abs(weight) < 0.005:
        return "0.00"
    return f"+{weight:.2f}" if weight > 0 else f"\u2212{abs(weight):.2f}"


def percent(probability: float) -> str:
    """A probability as a percentage a reader can trust: never 100% or 0% unless exact."""
    value = probability * 100
    if 99.9 < value < 100:
        return "over 99.9%"
    if 0 < value < 0.1:
        return "under 0.1%"
    return f"{value:.1f}%"


def source_label(source: str, systems: Mapping[str, str]) -> str:
    """`council-tax:CT-1` as "Council tax (CT-1)"; "override" as a data steward's override."""
    if not source or source == "override":
        return "Set by a data steward" if source == "override" else "No source"
    slug, _, source_id = source.partition(":")
    return f"{systems.get(slug, slug)} ({source_id})" if source_id else systems.get(slug, slug)
