"""Linkage rules (联动规则) and the tasks they create."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph.model import LifecycleStageName, LinkageAction, LinkageTrigger, TaskStatus
from graph.rows import LinkageRuleRow, TaskRow
from graph.rules import linkage
from resolvers import linkage as linkage_resolvers
from resolvers import tasks
from resolvers.context import Info
from resolvers.pagination import EdgePage
from schema.fields import field
from schema.pagination import PageInfo
from schema.scalars import as_datetime, must
from schema.tag import Tag

if TYPE_CHECKING:
    from schema.customer import Customer

strawberry.enum(LinkageAction, description="What a linkage rule does when it fires.")
strawberry.enum(LinkageTrigger, description="What fires a linkage rule.")


@strawberry.input(
    description="A linkage rule: when a customer gains (or loses) `tag`, or enters `stage`, "
    "act. `whenTagAdded: X` is `trigger: TAG_ADDED, tag: X`."
)
class LinkageRuleInput:
    name: str
    when_tag_added: str | None = strawberry.field(
        default=None, description="TAG_ADDED: the tag (a name or alias); or give `tag`."
    )
    action: LinkageAction
    task_title: str | None = strawberry.field(
        default=None, description="CREATE_TASK: the task's title."
    )
    due_in_days: int | None = strawberry.field(
        default=None, description="CREATE_TASK: due date = time of firing + N days."
    )
    owners: list[str] | None = strawberry.field(
        default=None, description="ASSIGN_OWNER: round-robin over these names, in order."
    )
    trigger: LinkageTrigger | None = strawberry.field(
        default=None, description="TAG_ADDED when not given."
    )
    tag: str | None = strawberry.field(
        default=None, description="TAG_ADDED, TAG_REMOVED: the tag (a name or alias)."
    )
    stage: LifecycleStageName | None = strawberry.field(
        default=None, description="STAGE_ENTERED: the stage."
    )
    webhook_url: str | None = strawberry.field(
        default=None,
        description="CALL_WEBHOOK: POSTed a JSON event, signed (X-C360-Signature: sha256=HMAC "
        "of the body with C360_WEBHOOK_SECRET); at least once, in order, retried with "
        "back-off for 24 h.",
    )

    def to_rule(self) -> linkage.LinkageRule:
        return linkage.LinkageRule(
            name=self.name,
            action=self.action.value,
            trigger=None if self.trigger is None else self.trigger.value,
            tag=self.tag,
            when_tag_added=self.when_tag_added,
            stage=None if self.stage is None else self.stage.value,
            task_title=self.task_title,
            due_in_days=self.due_in_days,
            owners=self.owners,
            webhook_url=self.webhook_url,
        )


@strawberry.type(
    description="Fires once for each customer who gains or loses its tag, whatever the source "
    "(a rule run, assignTags, an import), or enters its stage, and performs its action."
)
class LinkageRule:
    id: strawberry.ID
    name: str
    trigger: LinkageTrigger
    tag: Tag | None = strawberry.field(description="TAG_ADDED, TAG_REMOVED: the tag.")
    when_tag_added: Tag | None = strawberry.field(
        description="The tag of a TAG_ADDED rule (null for other triggers)."
    )
    stage: LifecycleStageName | None = strawberry.field(description="STAGE_ENTERED: the stage.")
    action: LinkageAction
    enabled: bool = strawberry.field(description="A disabled rule fires for nothing.")
    task_title: str | None
    due_in_days: int | None
    owners: list[str] | None
    url: strawberry.Private[str | None]
    deliveries: int = strawberry.field(description="CALL_WEBHOOK: events delivered (2xx).")
    failures: int = strawberry.field(
        description="CALL_WEBHOOK: failed attempts (each is retried, with back-off)."
    )
    abandoned: int = strawberry.field(
        description="CALL_WEBHOOK: events given up on after 24 h of failures."
    )
    last_error: str | None = strawberry.field(
        description="CALL_WEBHOOK: what the last failed attempt got."
    )

    @field(
        description="CALL_WEBHOOK: where events are POSTed. Roles that may not change linkage "
        "rules see its origin only (an address can carry a token)."
    )
    def webhook_url(self, info: Info) -> str | None:
        return linkage_resolvers.shown_url(info, self.url)

    @classmethod
    def from_record(cls, record: LinkageRuleRow) -> LinkageRule:
        trigger = LinkageTrigger(record.get("trigger") or LinkageTrigger.TAG_ADDED)
        tag_row = record.get("tag")
        tag = None if tag_row is None else Tag.from_record(tag_row)
        stage = record.get("stage")
        return cls(
            id=strawberry.ID(record["id"]),
            name=record["name"],
            trigger=trigger,
            tag=tag,
            when_tag_added=tag if trigger == LinkageTrigger.TAG_ADDED else None,
            stage=None if stage is None else LifecycleStageName(stage),
            action=LinkageAction(record["action"]),
            enabled=record.get("enabled", True),
            task_title=record.get("taskTitle"),
            due_in_days=record.get("dueInDays"),
            owners=record.get("owners"),
            url=record.get("webhookUrl"),
            deliveries=record.get("deliveries", 0),
            failures=record.get("failures", 0),
            abandoned=record.get("abandoned", 0),
            last_error=record.get("lastError"),
        )


strawberry.enum(TaskStatus, description="Where a task stands.")


@strawberry.type(description="A follow-up: made by hand (createTask) or by a linkage rule.")
class Task:
    id: strawberry.ID
    title: str
    due_at: datetime | None
    created_at: datetime
    rule: LinkageRule | None = strawberry.field(description="The linkage rule that made it.")
    status: TaskStatus
    assignee: str | None
    completed_at: datetime | None = strawberry.field(description="When it became DONE.")
    customer_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, record: TaskRow) -> Task:
        rule = record.get("rule")
        return cls(
            id=strawberry.ID(record["id"]),
            title=record["title"],
            due_at=as_datetime(record.get("dueAt")),
            created_at=must(as_datetime(record["createdAt"])),
            rule=None if rule is None else LinkageRule.from_record(rule),
            status=TaskStatus(record.get("status") or "OPEN"),
            assignee=record.get("assignee"),
            completed_at=as_datetime(record.get("completedAt")),
            customer_id=record.get("customerId"),
        )

    @field(description="The customer it is about.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy("schema.customer")]:
        from schema.customer import Customer  # the module that imports this one

        assert self.customer_id is not None
        return Customer.from_record(await tasks.customer(info, self.customer_id))


@strawberry.type
class TaskEdge:
    cursor: str
    node: Task


@strawberry.type(description="A page of tasks: by dueAt (none last), then id.")
class TaskConnection:
    edges: list[TaskEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Tasks that match in all.")

    @classmethod
    def of(cls, page: EdgePage[TaskRow]) -> TaskConnection:
        edges = [TaskEdge(cursor=e.cursor, node=Task.from_record(e.node)) for e in page.edges]
        return cls(edges=edges, page_info=PageInfo.of(page), total_count=page.total_count)
