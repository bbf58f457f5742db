"""Address matching: free-text UK and Scottish addresses to UPRNs in the gazetteer.

`match(text)` parses the text, finds the gazetteer properties it could mean, scores each with
a calibrated model and gives the UPRN only when the best is likely enough to be right
(BURGH_ADDRESS_MATCH_THRESHOLD). See docs/place-matching.md and ADR 13.
"""

from burgh.places.matching.index import AddressIndex, GazetteerRowError
from burgh.places.matching.matcher import (
    AddressMatch,
    BatchAnswer,
    Candidate,
    Reason,
    current_index,
    forget_index,
    match,
    match_batch,
    match_many,
    match_with,
)
from burgh.places.matching.model import InvalidModelError, Model, shipped_model
from burgh.places.matching.parse import ParsedAddress, parse

__all__ = [
    "AddressIndex",
    "AddressMatch",
    "BatchAnswer",
    "Candidate",
    "GazetteerRowError",
    "InvalidModelError",
    "Model",
    "ParsedAddress",
    "Reason",
    "current_index",
    "forget_index",
    "match",
    "match_batch",
    "match_many",
    "match_with",
    "parse",
    "shipped_model",
]
