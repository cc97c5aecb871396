"""Mutation: the writes. A failed mutation writes nothing (see resolvers.mutations)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from graph.model import LifecycleStageName, TaskStatus
from resolvers import linkage, mutations, segments, tag_rules, tasks, tickets
from resolvers.context import Info
from schema.args import given, given_only
from schema.customer import Customer, CustomerInput
from schema.fields import mutation
from schema.interaction import Interaction, InteractionInput, TicketUpdate
from schema.linkage import LinkageRule, LinkageRuleInput, Task
from schema.segment import Segment, SegmentDefinition, SegmentSnapshot
from schema.tag import Tag
from schema.tag_rule import TagRule, TagRuleRun


@strawberry.type
class Mutation:
    @mutation(description="Create a customer, or update the fields given.")
    async def upsert_customer(self, info: Info, input: CustomerInput) -> Customer:
        return Customer.from_record(await mutations.upsert_customer(info, input.given()))

    @mutation(
        description="Assign tags by name (source MANUAL); unknown or deprecated tags are an "
        "error and nothing is assigned. Tags already held are left as they are."
    )
    async def assign_tags(
        self, info: Info, customer_id: strawberry.ID, tags: list[str]
    ) -> Customer:
        return Customer.from_record(await mutations.assign_tags(info, customer_id, tags))

    @mutation(description="Remove tags by name; unknown tags are an error.")
    async def remove_tags(
        self, info: Info, customer_id: strawberry.ID, tags: list[str]
    ) -> Customer:
        return Customer.from_record(await mutations.remove_tags(info, customer_id, tags))

    @mutation(description="A new ACTIVE tag, below `parent` when given.")
    async def create_tag(
        self,
        info: Info,
        name: str,
        category: str | None = strawberry.UNSET,
        description: str | None = strawberry.UNSET,
        parent: str | None = strawberry.UNSET,
    ) -> Tag:
        record = await mutations.create_tag(
            info, name, given(category), given(description), given(parent)
        )
        return Tag.from_record(record)

    @mutation(
        description="Rename a tag (by name or alias); the old name becomes an alias, so "
        "definitions, scripts and files using it keep working. A name taken by another tag "
        "or alias is BAD_USER_INPUT."
    )
    async def rename_tag(self, info: Info, name: str, new_name: str) -> Tag:
        return Tag.from_record(await mutations.rename_tag(info, name, new_name))

    @mutation(description="An OPEN task for the customer (by id, or a merged id).")
    async def create_task(
        self,
        info: Info,
        customer_id: strawberry.ID,
        title: str,
        due_at: datetime | None = None,
        assignee: str | None = None,
    ) -> Task:
        return Task.from_record(await tasks.create(info, customer_id, title, due_at, assignee))

    @mutation(
        description="Record a call, email, meeting, ticket, feedback, purchase or view as it "
        "happens: checked and written as an import line is (the customer's purchase figures "
        "stay exact). An unknown customer or product is NOT_FOUND, nothing written."
    )
    async def record_interaction(self, info: Info, input: InteractionInput) -> Interaction:
        return Interaction.from_record(await tickets.record(info, input.given()))

    @mutation(
        description="Change a ticket where given (a null assignee clears it). The first update "
        "out of OPEN stamps firstResponseAt; RESOLVED or CLOSED stamps resolvedAt, reopening "
        "clears it."
    )
    async def update_ticket(
        self, info: Info, id: strawberry.ID, input: TicketUpdate
    ) -> Interaction:
        return Interaction.from_record(await tickets.update(info, id, input.given()))

    @mutation(
        description="Change a task where given (a null assignee or dueAt clears it). DONE "
        "stamps completedAt; leaving DONE clears it. An unknown id is NOT_FOUND."
    )
    async def update_task(
        self,
        info: Info,
        id: strawberry.ID,
        status: TaskStatus | None = strawberry.UNSET,
        assignee: str | None = strawberry.UNSET,
        due_at: datetime | None = strawberry.UNSET,
        title: str | None = strawberry.UNSET,
    ) -> Task:
        changes = given_only(
            {"status": status, "assignee": assignee, "dueAt": due_at, "title": title}
        )
        return Task.from_record(await tasks.update(info, id, changes))

    @mutation(
        description="Everything of each `from` customer moves to `into`: interactions, tag "
        "assignments (one per tag: the earliest, with its source), stage history, tasks, "
        "owner and every field `into` lacks; the `from` customers disappear and their ids "
        "resolve to `into` in customer(id:) and the customer mutations. One audit entry, a "
        "MERGED item on the timeline; linkage rules do not fire again. Merging a customer "
        "into itself: BAD_USER_INPUT; an unknown id: NOT_FOUND; nothing written either way."
    )
    async def merge_customers(
        self,
        info: Info,
        into: strawberry.ID,
        from_: Annotated[list[strawberry.ID], strawberry.argument(name="from")],
    ) -> Customer:
        return Customer.from_record(await mutations.merge_customers(info, into, list(from_)))

    @mutation(
        description="The right to erasure (PIPL art. 47, GDPR art. 17), admin only: the "
        "customer, its interactions, tag assignments, tasks and history are deleted, its "
        "personal data removed from audit entries (the id stays); its id no longer resolves. "
        "An unknown (or already erased) id is NOT_FOUND."
    )
    async def erase_customer(self, info: Info, id: strawberry.ID) -> bool:
        return await mutations.erase_customer(info, id)

    @mutation(
        description="Describe, categorise or move a tag (by name or alias): the fields given "
        "change, null clears one (a null parent makes it a root). A parent that is the tag or "
        "below it would make a cycle: BAD_USER_INPUT, nothing written."
    )
    async def update_tag(
        self,
        info: Info,
        name: str,
        description: str | None = strawberry.UNSET,
        category: str | None = strawberry.UNSET,
        parent: str | None = strawberry.UNSET,
    ) -> Tag:
        changes = given_only({"description": description, "category": category, "parent": parent})
        return Tag.from_record(await mutations.update_tag(info, name, changes))

    @mutation(
        description="Every assignment and child of the sources moves to `into` (one "
        "assignment per customer, provenance kept), the sources disappear and their names "
        "become aliases of `into`. A source above `into` is BAD_USER_INPUT."
    )
    async def merge_tags(self, info: Info, sources: list[str], into: str) -> Tag:
        return Tag.from_record(await mutations.merge_tags(info, sources, into))

    @mutation(
        description="Deprecate a tag: left out of tags() unless includeDeprecated, no longer "
        "assignable (BAD_USER_INPUT); holders keep it and segment definitions still use it."
    )
    async def deprecate_tag(self, info: Info, name: str) -> Tag:
        return Tag.from_record(await mutations.deprecate_tag(info, name))

    @mutation(
        description="A new enabled rule keeping `tag` (a name or alias) equal to the "
        "definition; it changes nothing until runTagRules. Rule names are unique."
    )
    async def create_tag_rule(
        self, info: Info, name: str, tag: str, definition: SegmentDefinition
    ) -> TagRule:
        record = await tag_rules.create(info, name, tag, definition.to_raw())
        return TagRule.from_record(record)

    @mutation(
        description="Edit a rule: a new name and/or definition (checked like createTagRule). "
        "Its assignments change at the next run."
    )
    async def update_tag_rule(
        self,
        info: Info,
        id: strawberry.ID,
        name: str | None = strawberry.UNSET,
        definition: SegmentDefinition | None = strawberry.UNSET,
    ) -> TagRule:
        raw = definition.to_raw() if isinstance(definition, SegmentDefinition) else None
        record = await tag_rules.update(info, id, given(name), raw)
        return TagRule.from_record(record)

    @mutation(description="Enable or disable a rule; a disabled rule's assignments stay.")
    async def set_tag_rule_enabled(self, info: Info, id: strawberry.ID, enabled: bool) -> TagRule:
        return TagRule.from_record(await tag_rules.set_enabled(info, id, enabled))

    @mutation(
        description="Run every enabled rule at asOf (default now), in creation order, one "
        "transaction per rule. Running twice changes nothing."
    )
    async def run_tag_rules(
        self, info: Info, as_of: datetime | None = strawberry.UNSET
    ) -> list[TagRuleRun]:
        return [TagRuleRun.from_run(run) for run in await tag_rules.run(info, given(as_of))]

    @mutation(
        description="A new linkage rule: its trigger (TAG_ADDED with `tag` or `whenTagAdded`, "
        "TAG_REMOVED with `tag`, STAGE_ENTERED with `stage`) and its action (CREATE_TASK "
        "needs taskTitle, dueInDays optional; ASSIGN_OWNER needs owners; CALL_WEBHOOK needs "
        "webhookUrl). It fires for changes from now on, once each."
    )
    async def create_linkage_rule(self, info: Info, input: LinkageRuleInput) -> LinkageRule:
        return LinkageRule.from_record(await linkage.create(info, input.to_rule()))

    @mutation(
        description="Redefine a linkage rule (the whole input, checked as for "
        "createLinkageRule). A new trigger fires for changes from now on; a webhook's pending "
        "deliveries go to its new address."
    )
    async def update_linkage_rule(
        self, info: Info, id: strawberry.ID, input: LinkageRuleInput
    ) -> LinkageRule:
        return LinkageRule.from_record(await linkage.update(info, id, input.to_rule()))

    @mutation(
        description="A disabled rule fires for nothing; enabled again, it fires for changes "
        "from then on (not for those made while it was off)."
    )
    async def set_linkage_rule_enabled(
        self, info: Info, id: strawberry.ID, enabled: bool
    ) -> LinkageRule:
        return LinkageRule.from_record(await linkage.set_enabled(info, id, enabled))

    @mutation(
        description="Delete a linkage rule and its webhook deliveries; the tasks it made stay."
    )
    async def delete_linkage_rule(self, info: Info, id: strawberry.ID) -> bool:
        return await linkage.delete(info, id)

    @mutation(
        description="Save a definition under a new name (names are unique: a taken name is "
        "BAD_USER_INPUT); checked like segmentPreview, stored as JSON text."
    )
    async def save_segment(self, info: Info, name: str, definition: SegmentDefinition) -> Segment:
        return Segment.from_record(await segments.save(info, name, definition.to_raw()))

    @mutation(
        description="Freeze the saved segment's members at asOf (default: now) for a campaign "
        "or an audit; written in batches, so any size takes seconds, not a transaction's memory."
    )
    async def snapshot_segment(
        self, info: Info, id: strawberry.ID, as_of: datetime | None = strawberry.UNSET
    ) -> SegmentSnapshot:
        record = await segments.snapshot_segment(info, id, given(as_of))
        return SegmentSnapshot.from_record(record)

    @mutation(description="Delete a saved segment (and its snapshots): true; an unknown id is "
              "NOT_FOUND.")  # fmt: skip
    async def delete_segment(self, info: Info, id: strawberry.ID) -> bool:
        return await segments.delete(info, id)

    @mutation(
        description="Move the customer to a stage; the previous one goes into the history "
        "(WAS_IN_STAGE). Setting the current stage again changes nothing."
    )
    async def set_stage(
        self, info: Info, customer_id: strawberry.ID, stage: LifecycleStageName
    ) -> Customer:
        return Customer.from_record(await mutations.set_stage(info, customer_id, stage))
