"""Libraries for a measurement: a fresh in-memory database, or a large synthetic one. No Qt."""

from __future__ import annotations

import random
from collections.abc import Sequence

from sqlite_utils import Database

from desktop.store import migrations
from desktop.store.canned import CannedRepository, CannedResponse


def memory_repository(responses: Sequence[CannedResponse]) -> CannedRepository:
    db = Database(memory=True)
    migrations.apply(db)
    repo = CannedRepository(db)
    repo.add_many(responses)
    return repo


def synthetic_library(
    base: Sequence[CannedResponse], size: int, seed: int = 0
) -> list[CannedResponse]:
    """`size` responses made from `base`: words dropped, swapped in from other responses."""
    rng = random.Random(seed)
    vocabulary = [w for r in base for w in r.body.split()]
    made = []
    for number in range(size):
        source = base[number % len(base)]
        body = [w for w in source.body.split() if rng.random() > 0.1]
        for _ in range(5):
            body.insert(rng.randrange(len(body) + 1), rng.choice(vocabulary))
        made.append(
            CannedResponse(
                title=f"{source.title} #{number}",
                body=" ".join(body),
                category=source.category,
                tags=source.tags,
                source="synthetic",
                source_id=str(number),
            )
        )
    return made
