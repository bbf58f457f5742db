"""The person-matching engine: features, a Fellegi-Sunter model trained with Splink, guards,
batch linkage with constrained clustering, and stable person ids. Pure Python: no Django."""

from burgh.people.linkage.batch import LinkResult, ReviewPair, link_features, link_records
from burgh.people.linkage.blocking import blocking_keys
from burgh.people.linkage.features import FIELDS, Features, InvalidRecord, prepare
from burgh.people.linkage.guards import conflict
from burgh.people.linkage.model import InvalidModelError, LevelScore, Model, Score
from burgh.people.linkage.stable_ids import assign_stable_ids
from burgh.people.linkage.training import train

__all__ = [
    "FIELDS",
    "Features",
    "InvalidModelError",
    "InvalidRecord",
    "LevelScore",
    "LinkResult",
    "Model",
    "ReviewPair",
    "Score",
    "assign_stable_ids",
    "blocking_keys",
    "conflict",
    "link_features",
    "link_records",
    "prepare",
    "train",
]
