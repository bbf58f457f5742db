"""Realistic records for the engine's tests: one resident and the people most like them."""

from burgh.people.linkage import prepare

LIZ = {
    "given_name": "Elizabeth",
    "family_name": "MacDonald",
    "date_of_birth": "1980-05-12",
    "sex": "F",
    "address": "Flat 2/1, 14 Main Street",
    "postcode": "G12 8QQ",
    "email": "liz.macdonald@example.org",
    "phone": "07700 900123",
}


def person(**changes: str) -> dict[str, str]:
    return {**LIZ, **changes}


def features(**changes: str):
    return prepare(person(**changes))
