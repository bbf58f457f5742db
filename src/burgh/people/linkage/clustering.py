"""Constrained clustering: link the strongest pairs first, never across a conflict.

Plain connected components let one bad link chain two people together (the father linked to
the son through a record that looks like both). Here edges are taken strongest first, and
two clusters join only when no record of one conflicts with any record of the other and no
steward has said any two of them are different people. Pairs a steward has said are one
person are joined before anything else.
"""

from collections.abc import Callable, Iterable, Sequence

Edge = tuple[int, int, float]


class ConstrainedClusters:
    """Union-find over record positions that refuses a union across a bar.

    With `previous` (the person each record was in last time, None for a new record), it also
    refuses to let an edge through a new record join two clusters holding records of
    different earlier people: a new record alone never merges two people in use, online
    (resolve sends that to review) or in a relink.
    """

    def __init__(
        self,
        size: int,
        barred: Callable[[int, int], bool],
        cannot_link: Iterable[tuple[int, int]] = (),
        previous: Sequence[object] | None = None,
    ) -> None:
        self._previous = previous
        self._parent = list(range(size))
        self._members: dict[int, list[int]] = {}
        self._barred = barred
        self._cannot: dict[int, set[int]] = {}
        # Roots of clusters found barred from each other. Clusters only grow, so a bar
        # between two stays, and the next edge between them need not look for it again.
        self._refused: set[tuple[int, int]] = set()
        for a, b in cannot_link:
            self._cannot.setdefault(a, set()).add(b)
            self._cannot.setdefault(b, set()).add(a)
        self.refused = 0

    def root(self, item: int) -> int:
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def members(self, root: int) -> list[int]:
        return self._members.get(root) or [root]

    def _forbidden(self, left: list[int], right: list[int], *, check_guards: bool) -> bool:
        cannot = self._cannot
        for a in left:
            told = cannot.get(a)
            if told and not told.isdisjoint(right):
                return True
        if check_guards:
            return any(self._barred(a, b) for a in left for b in right)
        return False

    def join(self, a: int, b: int, *, check_guards: bool = True) -> bool:
        """Put a and b in one cluster unless that would join records that must stay apart."""
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return True
        left, right = self.members(ra), self.members(rb)
        known = (ra, rb) if ra < rb else (rb, ra)
        if known in self._refused or self._forbidden(left, right, check_guards=check_guards):
            self._refused.add(known)
            self.refused += 1
            return False
        if check_guards and self._merges_people(a, b, left, right):
            self.refused += 1  # not remembered: an edge between two earlier records may join
            return False
        if len(left) < len(right):
            ra, rb, left, right = rb, ra, right, left
        self._parent[rb] = ra
        if ra not in self._members:
            self._members[ra] = left  # a fresh [ra] from members()
        left.extend(right)  # the larger cluster's list grows: linear overall
        self._members.pop(rb, None)
        return True

    def _merges_people(self, a: int, b: int, left: list[int], right: list[int]) -> bool:
        previous = self._previous
        if previous is None or (previous[a] is not None and previous[b] is not None):
            return False
        before_left = {previous[i] for i in left} - {None}
        before_right = {previous[i] for i in right} - {None}
        return bool(before_left and before_right and before_left.isdisjoint(before_right))

    def labels(self) -> list[int]:
        return [self.root(i) for i in range(len(self._parent))]


# Components larger than this go straight to the careful path rather than checking every
# pair of their records for a bar.
CHECKED_COMPONENT = 40


def cluster(
    size: int,
    edges: Sequence[Edge],
    barred: Callable[[int, int], bool],
    *,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    previous: Sequence[object] | None = None,
) -> tuple[list[int], int]:
    """A cluster label per record, and how many joins a bar refused.

    Must-links first, then edges strongest first, never joining across a bar. Nearly every
    connected component holds no bar at all, and then the careful order cannot change the
    outcome; so components are found plainly first and only those holding a bar (or too big
    to check pair by pair) are clustered edge by edge. previous: the person each record was
    in last time (None for a new record), so that a relink does not unsettle people in use.
    """
    must = list(must_link)
    cannot = list(cannot_link)
    plain = ConstrainedClusters(size, lambda a, b: False)
    for a, b in must:
        plain.join(a, b, check_guards=False)
    for a, b, _weight in edges:
        plain.join(a, b, check_guards=False)
    told_apart: dict[int, set[int]] = {}
    for a, b in cannot:
        told_apart.setdefault(a, set()).add(b)
        told_apart.setdefault(b, set()).add(a)

    def contested(members: list[int]) -> bool:
        if len(members) > CHECKED_COMPONENT:
            return True
        if previous is not None:
            earlier = [previous[i] for i in members]
            if None in earlier and len(set(earlier) - {None}) > 1:
                return True  # new records among two earlier people's: join edge by edge
        for i, a in enumerate(members):
            apart = told_apart.get(a)
            for b in members[i + 1 :]:
                if (apart and b in apart) or barred(a, b):
                    return True
        return False

    labels = plain.labels()
    roots = {label for i, label in enumerate(labels) if label != i}
    careful = {root for root in roots if contested(plain.members(root))}
    if not careful:
        return labels, 0
    clusters = ConstrainedClusters(size, barred, cannot, previous)
    for a, b in must:
        if labels[a] in careful:
            clusters.join(a, b, check_guards=False)
    # Ties broken by position so the result never depends on the order edges arrived in.
    held_edges = [edge for edge in edges if labels[edge[0]] in careful]
    for a, b, _weight in sorted(held_edges, key=lambda edge: (-edge[2], edge[0], edge[1])):
        clusters.join(a, b)
    refined = clusters.labels()
    held = {i for i, label in enumerate(labels) if label in careful}
    _detach(refined, _ambiguous(refined, edges, held, must, previous), held)
    return [refined[i] if label in careful else label for i, label in enumerate(labels)], (
        clusters.refused
    )


def _detach(labels: list[int], items: list[int], held: set[int]) -> None:
    """Give each of `items` a cluster of its own; a cluster labelled by one takes a new label."""
    if not items:
        return
    groups: dict[int, list[int]] = {}
    for item in held:
        groups.setdefault(labels[item], []).append(item)
    for item in items:
        label = labels[item]
        rest = [other for other in groups.get(label, ()) if other != item]
        groups[label] = rest
        if label == item and rest:
            relabelled = min(rest)
            for other in rest:
                labels[other] = relabelled
            groups[relabelled] = rest
        labels[item] = item
        groups[item] = [item]


# A record whose link to another cluster is within this many match-weight points (a Bayes
# factor of 16) of its best link into its own fits both about equally well.
AMBIGUITY_MARGIN = 4.0


def _ambiguous(
    labels: list[int],
    edges: Sequence[Edge],
    held: set[int],
    must: list[tuple[int, int]],
    previous: Sequence[object] | None = None,
) -> list[int]:
    """Records that fit two clusters kept apart by a bar about equally well.

    A council-tax "C MacLeod" with no date of birth at the address of a father and son of that
    name links as strongly to either; whichever edge came first would decide. Such a record is
    left on its own (its pairs go to review) rather than guessed into one of them. A record a
    steward tied to its cluster stays, and so does one still with a record it was one person
    with last time (its doubt goes to review all the same).
    """
    tied = {item for pair in must for item in pair}
    if previous is not None:
        # A record still with a record it was one person with last time stays: a rival that
        # appears later goes to review rather than unsettling a person already in use.
        seen: dict[tuple[int, object], list[int]] = {}
        for item in held:
            if previous[item] is not None:
                seen.setdefault((labels[item], previous[item]), []).append(item)
        tied.update(item for items in seen.values() if len(items) > 1 for item in items)
    best: dict[int, dict[int, float]] = {}
    for a, b, weight in edges:
        if a not in held:
            continue
        for item, other in ((a, b), (b, a)):
            into = best.setdefault(item, {})
            cluster_of_other = labels[other]
            if weight > into.get(cluster_of_other, float("-inf")):
                into[cluster_of_other] = weight
    ambiguous = []
    for item, into in best.items():
        own = into.get(labels[item])
        if own is None or item in tied:
            continue
        rivals = [w for label, w in into.items() if label != labels[item]]
        if rivals and max(rivals) >= own - AMBIGUITY_MARGIN:
            ambiguous.append(item)
    return ambiguous
