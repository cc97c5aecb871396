"""TagHealth: what in the taxonomy needs attention; TagPair: two tags held by nearly the same
customers."""

from __future__ import annotations

import strawberry

from graph.tags import health as graph_tag_health
from resolvers import tag_health
from resolvers.context import Info
from schema.fields import field
from schema.tag import Tag


@strawberry.type(
    description="Two active tags whose direct holder sets overlap: jaccard = |A ∩ B| / |A ∪ B|."
)
class TagPair:
    a: Tag = strawberry.field(description="The tag with the smaller name.")
    b: Tag = strawberry.field(description="The tag with the larger name.")
    jaccard: float

    @classmethod
    def from_pair(cls, pair: graph_tag_health.TagPair) -> TagPair:
        return cls(a=Tag.from_record(pair.a), b=Tag.from_record(pair.b), jaccard=pair.jaccard)


@strawberry.type(
    description="Tags that need attention; deprecated tags are left out of every list. Each "
    "field is one query, whatever the number of tags."
)
class TagHealth:
    @field(
        description="Active tags held by no customer, directly or through any tag below them, "
        "ordered by name."
    )
    async def unused(self, info: Info) -> list[Tag]:
        return [Tag.from_record(record) for record in await tag_health.unused(info)]

    @field(description="Active tags whose description is missing or blank, ordered by name.")
    async def undescribed(self, info: Info) -> list[Tag]:
        return [Tag.from_record(record) for record in await tag_health.undescribed(info)]

    @field(
        description="Pairs of active tags whose direct holder sets have a Jaccard index of at "
        "least minJaccard (in (0, 1], else BAD_USER_INPUT); a.name < b.name; ordered by "
        "jaccard descending, then a.name, then b.name."
    )
    async def redundant(
        self, info: Info, min_jaccard: float | None = graph_tag_health.DEFAULT_MIN_JACCARD
    ) -> list[TagPair]:
        return [TagPair.from_pair(pair) for pair in await tag_health.redundant(info, min_jaccard)]
