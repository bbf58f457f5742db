"""Person ids that keep their meaning from one linkage run to the next.

A batch run numbers its clusters afresh; `assign_stable_ids` gives each cluster the id its
members held before, so that a relink after a load of new records leaves nearly every person
id where it was. When a cluster splits, the part holding most of the old id's records keeps
it; when clusters merge, the new cluster keeps the id most of its members held.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)


def assign_stable_ids(
    clusters: Mapping[Key, int | str],
    previous: Mapping[Key, str],
    new_id: Callable[[], str],
) -> dict[Key, str]:
    """A person id for every key: its cluster's previous id where it has one, else a new one.

    No id is given to two clusters. Ties go to the cluster and id that sort first, so the same
    inputs always give the same answer; new ids are drawn in the order of each cluster's
    smallest key.
    """
    members: dict[int | str, list[Key]] = defaultdict(list)
    for key, cluster in clusters.items():
        members[cluster].append(key)
    first_key = {cluster: min(keys, key=repr) for cluster, keys in members.items()}

    claims = []
    for cluster, keys in members.items():
        held = Counter(previous[key] for key in keys if key in previous)
        for old_id, count in held.items():
            claims.append((-count, repr(first_key[cluster]), old_id, cluster))
    claims.sort(key=lambda claim: claim[:3])

    chosen: dict[int | str, str] = {}
    taken: set[str] = set()
    for _count, _first, old_id, cluster in claims:
        if cluster in chosen or old_id in taken:
            continue
        chosen[cluster] = old_id
        taken.add(old_id)

    for cluster in sorted(members, key=lambda c: repr(first_key[c])):
        if cluster not in chosen:
            fresh = new_id()
            if fresh in taken:
                raise ValueError(f"new_id() gave {fresh!r}, an id already in use")
            chosen[cluster] = fresh
            taken.add(fresh)
    return {key: chosen[cluster] for key, cluster in clusters.items()}
