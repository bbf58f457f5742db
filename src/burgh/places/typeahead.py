"""What the address type-ahead offers for the text typed so far."""

from burgh.places import lookup
from burgh.places.lookup import PlaceChoice
from burgh.places.matching.text import postcode_form

SUGGESTIONS = 10


def suggest(text: str) -> list[PlaceChoice]:
    """A postcode lists its addresses; anything else, the matcher's best candidates for it.

    The candidates are offered whatever their score: a person is choosing, so a weak candidate
    is a suggestion, never a decision (that is what the match threshold is for).
    """
    text = " ".join(text.split())
    if postcode_form(text):
        return lookup.addresses_at_postcode(text)[:SUGGESTIONS]
    from burgh.places.matching import match

    result = match(text)
    return [PlaceChoice(c.uprn, c.address) for c in result.candidates[:SUGGESTIONS]]
