"""Blocking keys: which records are compared at all, in Python (online) and in SQL (batch).

Each key is a conjunction of a few features, so a true match shares at least one key even
when a name is misspelt or written the wrong way round, a family name changed, a date
slipped or the person moved. The online index stores `blocking_keys` of every record; the
batch run makes the same keys in DuckDB with BLOCKING_KEYS_SQL (tests/people/linkage/
test_blocking.py holds the two to the same keys).
"""

from burgh.people.linkage.features import Features

MAX_KEY_LENGTH = 80
# Batch runs skip a key shared by more records than this: it says little (a family email, a
# care home's phone, "John Smith" with no date of birth) and would cost its square in pairs.
MAX_BLOCK_SIZE = 60
# A name with nothing else ("m:" keys) is the weakest key and the commonest: in a town of a
# million records its big blocks ("John Smith") are mostly different people, and the true
# pairs among them nearly all share another key too. bench/people/batch.py prints the pairs
# scored and the F1 this cap gives.
MAX_NAME_BLOCK_SIZE = 20


def _date_key(dob: str) -> str:
    # The same for a date and its day/month swap: 1980-05-12 and 1980-12-05 share blocks.
    month, day = dob[5:7], dob[8:10]
    return f"{dob[:4]}-{min(month, day)}-{max(month, day)}"


def blocking_keys(f: Features) -> list[str]:
    """The keys under which a record's candidate matches are found (at most ten, each at most
    80 characters)."""
    given, family, dob, postcode = f["given_key"], f["family"], f["dob"], f["postcode"]
    day = _date_key(dob) if len(dob) == 10 else ""
    keys = []
    if family and given:
        # Either way round: "Lucy Fitzpatrick" and "Fitzpatrick Lucy" share it.
        first, second = sorted((given, family))
        keys.append(f"m:{first}|{second}")
    if day:
        for name in sorted({f["given_sound"], f["family_sound"]} - {""}):
            keys.append(f"f:{name}|{day}")
    if postcode:
        for name in sorted({given, family} - {""}):
            keys.append(f"p:{postcode}|{name}")
        if day:
            keys.append(f"d:{postcode}|{day}")
    if f["building"] and f["street"] and f["given"]:
        keys.append(f"a:{f['building']}|{f['street']}|{f['given'][0]}")
    if f["email"]:
        keys.append(f"e:{f['email']}")
    if f["phone"]:
        keys.append(f"t:{f['phone']}")
    if f["identifier"]:
        keys.append(f"i:{f['identifier']}")
    if f["uprn"] and given and not postcode:
        keys.append(f"u:{f['uprn']}|{given}")
    return [key[:MAX_KEY_LENGTH] for key in keys]


# The same keys from a table of features (blank features as NULL), one row per (rid, key).
_DAY = (
    "CASE WHEN length(dob) = 10 THEN substr(dob, 1, 4) || '-' || "
    "least(substr(dob, 6, 2), substr(dob, 9, 2)) || '-' || "
    "greatest(substr(dob, 6, 2), substr(dob, 9, 2)) END"
)
# Constants only; {table} is the engine's own table.
BLOCKING_KEYS_SQL = f"""
WITH f AS (SELECT *, {_DAY} AS day FROM {{table}})
SELECT DISTINCT rid, left(key, {MAX_KEY_LENGTH}) AS key FROM (
    SELECT rid, 'm:' || least(given_key, family) || '|' || greatest(given_key, family) AS key
    FROM f WHERE given_key IS NOT NULL AND family IS NOT NULL
    UNION ALL SELECT rid, 'f:' || given_sound || '|' || day FROM f
    UNION ALL SELECT rid, 'f:' || family_sound || '|' || day FROM f
    UNION ALL SELECT rid, 'p:' || postcode || '|' || given_key FROM f
    UNION ALL SELECT rid, 'p:' || postcode || '|' || family FROM f
    UNION ALL SELECT rid, 'd:' || postcode || '|' || day FROM f
    UNION ALL SELECT rid, 'a:' || building || '|' || street || '|' || substr(given, 1, 1) FROM f
    UNION ALL SELECT rid, 'e:' || email FROM f
    UNION ALL SELECT rid, 't:' || phone FROM f
    UNION ALL SELECT rid, 'i:' || identifier FROM f
    UNION ALL SELECT rid, 'u:' || uprn || '|' || given_key FROM f WHERE postcode IS NULL
) WHERE key IS NOT NULL
"""  # noqa: S608
