"""SCIM filters and sortBy as database queries: scim2-models parses, this turns the tree into Q.

Each resource type names its attributes once (`Scalar` for a column, `MultiValued` for values
kept in rows of another table), and the same names serve filtering and sorting, so what a
client can filter on is exactly what it can sort on.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import (
    AttrPath,
    Comparison,
    FilterNode,
    FilterVisitor,
    LogicalExpr,
    Not,
    Present,
    ValuePath,
)
from scim2_models.path.expressions import CompareOperator, LogicalOperator

from burgh.staff.scim.errors import ScimRefusalError

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:user"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"


@dataclass(frozen=True)
class Scalar:
    """An attribute kept in one column (or annotation) of the queried model."""

    field: str
    kind: str = "string"  # string, boolean, datetime, id
    case_exact: bool = False


@dataclass(frozen=True)
class MultiValued:
    """An attribute whose values are rows of another table (emails, members, groups)."""

    rows: Callable[[], QuerySet[Any]]  # already narrowed to the rows that count
    owner: str  # the rows' field pointing at the queried record
    parts: dict[str, Scalar]  # sub-attribute (lower case) -> column of the row
    # For records holding the value themselves instead (staff never provisioned): when
    # `fallback_when` holds, `fallback` names the record's own columns for each part.
    fallback: dict[str, Scalar] = field(default_factory=dict)
    fallback_when: Q | None = None
    sort_field: str | None = None


Attributes = dict[str, Scalar | MultiValued]


def key(attr_path: AttrPath, core: str) -> str:
    uri = (attr_path.uri or core).lower()
    name = attr_path.attr.lower()
    prefix = "" if uri == core else f"{uri}:"
    return prefix + name + (f".{attr_path.sub_attr.lower()}" if attr_path.sub_attr else "")


def _invalid(detail: str) -> ScimRefusalError:
    return ScimRefusalError(400, detail, "invalidFilter")


def _typed(spec: Scalar, value: Any, name: str) -> Any:
    if value is None:
        return None
    if spec.kind == "boolean":
        if not isinstance(value, bool):
            raise _invalid(f"{name} is true or false; {value!r} cannot be compared with it.")
        return value
    if spec.kind == "datetime":
        try:
            return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as error:
            raise _invalid(f"{name} takes a date and time such as 2026-01-31T09:00:00Z.") from error
    if spec.kind == "id":
        try:
            return UUID(str(value))
        except ValueError:
            return None  # Not an id Burgh gives, so it matches nothing.
    if not isinstance(value, str):
        raise _invalid(f"{name} is a string; compare it with a quoted value, not {value!r}.")
    return value


def _compare(spec: Scalar, op: CompareOperator, raw: Any, name: str) -> Q:
    value = _typed(spec, raw, name)
    column = spec.field
    if value is None:
        if spec.kind == "id" and raw is not None:
            return Q(pk__in=[]) if op == CompareOperator.eq else ~Q(pk__in=[])
        present = _present(spec)
        return ~present if op == CompareOperator.eq else present
    if spec.kind in {"boolean", "id"} and op not in {CompareOperator.eq, CompareOperator.ne}:
        raise _invalid(f"{name} can only be compared with eq or ne, not {op.value}.")
    insensitive = spec.kind == "string" and not spec.case_exact
    lookups = {
        CompareOperator.eq: "iexact" if insensitive else "exact",
        CompareOperator.ne: "iexact" if insensitive else "exact",
        CompareOperator.co: "icontains" if insensitive else "contains",
        CompareOperator.sw: "istartswith" if insensitive else "startswith",
        CompareOperator.ew: "iendswith" if insensitive else "endswith",
        CompareOperator.gt: "gt",
        CompareOperator.ge: "gte",
        CompareOperator.lt: "lt",
        CompareOperator.le: "lte",
    }
    if spec.kind == "datetime" and op in {
        CompareOperator.co,
        CompareOperator.sw,
        CompareOperator.ew,
    }:
        raise _invalid(f"{name} is a date and time: use eq, ne, gt, ge, lt or le.")
    matched = Q(**{f"{column}__{lookups[op]}": value})
    if op == CompareOperator.ne:
        return ~matched
    return matched


def _present(spec: Scalar) -> Q:
    present = Q(**{f"{spec.field}__isnull": False})
    if spec.kind == "string":
        present &= ~Q(**{spec.field: ""})
    return present


class QueryBuilder(FilterVisitor[Q]):
    """Turns a parsed SCIM filter into a Q over the records `attributes` describes."""

    def __init__(self, attributes: Attributes, core: str) -> None:
        self.attributes = attributes
        self.core = core

    def _lookup(self, attr_path: AttrPath) -> tuple[Scalar | MultiValued, str | None, str]:
        name = str(attr_path)
        whole = key(attr_path, self.core)
        if whole in self.attributes:
            return self.attributes[whole], None, name
        base = key(AttrPath(attr=attr_path.attr, uri=attr_path.uri), self.core)
        spec = self.attributes.get(base)
        if isinstance(spec, MultiValued) and attr_path.sub_attr:
            part = attr_path.sub_attr.lower()
            if part in spec.parts:
                return spec, part, name
        raise _invalid(f"{name} is not an attribute that can be filtered on here.")

    def visit_comparison(self, node: Comparison) -> Q:
        spec, part, name = self._lookup(node.attr_path)
        if isinstance(spec, Scalar):
            return _compare(spec, node.op, node.value, name)
        part = part or "value"
        return self._any_row(
            spec,
            lambda parts: _compare(parts[part], node.op, node.value, name),
        )

    def visit_present(self, node: Present) -> Q:
        spec, part, _ = self._lookup(node.attr_path)
        if isinstance(spec, Scalar):
            return _present(spec)
        return self._any_row(spec, lambda parts: _present(parts[part]) if part else Q())

    def visit_not(self, node: Not) -> Q:
        return ~self.visit(node.expr)

    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        terms = [self.visit(term) for term in node.terms]
        combined = terms[0]
        for term in terms[1:]:
            combined = combined & term if node.op == LogicalOperator.and_ else combined | term
        return combined

    def visit_value_path(self, node: ValuePath) -> Q:
        spec, part, name = self._lookup(node.attr_path)
        if not isinstance(spec, MultiValued) or part is not None:
            raise _invalid(f"{name}[...] needs a multi-valued attribute such as emails or members.")
        return self._any_row(
            spec, lambda parts: QueryBuilder(dict(parts), self.core).visit(node.val_filter)
        )

    def _any_row(self, spec: MultiValued, condition: Callable[[dict[str, Scalar]], Q]) -> Q:
        rows = spec.rows().filter(**{spec.owner: OuterRef("pk")}).filter(condition(spec.parts))
        found = Q(Exists(rows))
        if spec.fallback and spec.fallback_when is not None:
            found |= spec.fallback_when & condition(spec.fallback)
        return found


def filter_q(expression: str, attributes: Attributes, core: str) -> Q:
    """The Q for a SCIM filter string; a filter that cannot be read is `invalidFilter`."""
    try:
        tree: FilterNode = ScimFilter(expression).ast
    except (InvalidFilterException, ValueError) as error:
        raise _invalid(f"The filter {expression!r} cannot be read: {error}") from error
    return QueryBuilder(attributes, core).visit(tree)


def order_by(sort_by: str, descending: bool, attributes: Attributes, core: str) -> list[str]:
    """Database ordering for sortBy; an attribute that cannot be sorted on is `invalidValue`."""
    try:
        path = AttrPath(*_split_path(sort_by))
        spec = attributes.get(key(path, core))
        if spec is None and path.sub_attr is None:
            spec = attributes.get(key(path, core) + ".value")
    except ValueError:
        spec = None
    column = spec.field if isinstance(spec, Scalar) else getattr(spec, "sort_field", None)
    if column is None:
        raise ScimRefusalError(
            400, f"sortBy {sort_by!r} is not an attribute Burgh can sort by.", "invalidValue"
        )
    sign = "-" if descending else ""
    return [f"{sign}{column}", f"{sign}pk"]


def _split_path(text: str) -> tuple[str, str | None, str | None]:
    uri = None
    if text.lower().startswith("urn:"):
        uri, _, text = text.rpartition(":")
    attr, _, sub = text.partition(".")
    return attr, sub or None, uri
