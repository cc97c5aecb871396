"""Linkage rules (联动规则) and the tasks they create."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph.model import LinkageAction, TaskStatus
from graph.rows import LinkageRuleRow, TaskRow
from graph.rules import linkage
from resolvers import tasks
from resolvers.context import Info
from resolvers.pagination import EdgePage
from schema.fields import field
from schema.pagination import PageInfo
from schema.scalars import as_datetime, must
from schema.tag import Tag

if TYPE_CHECKING:
    from schema.customer import Customer

strawberry.enum(LinkageAction, description="What a linkage rule does when its tag is gained.")


@strawberry.input(description="A linkage rule: when a customer gains `whenTagAdded`, act.")
class LinkageRuleInput:
    name: str
    when_tag_added: str
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

    def to_rule(self) -> linkage.LinkageRule:
        return linkage.LinkageRule(
            name=self.name,
            when_tag_added=self.when_tag_added,
            action=self.action.value,
            task_title=self.task_title,
            due_in_days=self.due_in_days,
            owners=self.owners,
        )


@strawberry.type(
    description="Fires once for each customer who gains its tag, whatever the source (a rule "
    "run, assignTags, an import, a merge), and performs its action."
)
class LinkageRule:
    id: strawberry.ID
    name: str
    when_tag_added: Tag
    action: LinkageAction
    task_title: str | None
    due_in_days: int | None
    owners: list[str] | None

    @classmethod
    def from_record(cls, record: LinkageRuleRow) -> LinkageRule:
        return cls(
            id=strawberry.ID(record["id"]),
            name=record["name"],
            when_tag_added=Tag.from_record(record["tag"]),
            action=LinkageAction(record["action"]),
            task_title=record.get("taskTitle"),
            due_in_days=record.get("dueInDays"),
            owners=record.get("owners"),
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
