"""How the gazetteer and attribute loads report bad rows: every one, by row and field."""

from typing import Any, NoReturn

from burgh.core.errors import InvalidInputError


def row_error(row: int, field: str, detail: str) -> dict[str, Any]:
    return {"pointer": f"#/rows/{row}/{field}", "row": row, "field": field, "detail": detail}


def refuse_rows(errors: list[dict[str, Any]], what: str) -> NoReturn:
    """Raise the refusal of a whole load: `what` is the kind of row ("gazetteer rows")."""
    shown = "; ".join(f"row {e['row']}, {e['field']}: {e['detail']}" for e in errors[:5])
    more = f" (and {len(errors) - 5} more problems)" if len(errors) > 5 else ""
    bad_rows = len({e["row"] for e in errors})
    raise InvalidInputError(
        f"{bad_rows} {what} cannot be loaded, so none were: {shown}{more}.", errors=errors
    )
