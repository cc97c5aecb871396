"""A SegmentDefinition, validated: plain JSON-like input in, a frozen `Definition` out.

Input is a mapping with the contract's camelCase keys (GraphQL input, or the JSON text of a
saved segment); `null` means "not given". Every problem is a `BadUserInput` whose field is the
path to the bad value, e.g. `definition.or[1].minAge`. Bounds: nesting depth `MAX_DEPTH`, list
sizes `MAX_ITEMS`, `MAX_DEFINITIONS` definitions in all.

Choices the contract leaves open (documented in docs/schema.graphql too):
- An empty list (`anyTags: []`, `or: []`) is an error rather than "nothing" or "everything".
- `interactionTypes` without `minInteractions` means at least one such interaction.
- `withinDays` alone is an error: it only shapes the purchase/interaction counts and sums.
- `minAge > maxAge` and `minTotalSpend > maxTotalSpend` are errors (they could match no one).

Extensions (documented in docs/tags.md with their formulas): `firstPurchaseWithinDays`,
`minRfmScore`/`maxRfmScore` (0..15), `viewedCategories` with `minCategoryViews` (default 1),
shaped by `withinDays` like the interaction counts.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

from core.errors import BadUserInput
from graph.cleansing import normalize_gender, normalize_name
from graph.model import CUSTOMER_PROPERTIES, FIELD_KEY, InteractionType, LifecycleStageName

MAX_DEPTH = 8
MAX_ITEMS = 1000
MAX_DEFINITIONS = 1000
MAX_INT = 1_000_000_000
MAX_DAYS = 36_600  # a century
MAX_AGE = 200
MAX_RFM = 15


@dataclass(frozen=True)
class FieldCondition:
    """A custom field condition: the customer's field `key`, as text, is one of `values`."""

    key: str
    values: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "in": list(self.values)}


@dataclass(frozen=True)
class Definition:
    """One SegmentDefinition; None = not given. Lists are deduplicated, in the given order."""

    all_tags: tuple[str, ...] | None = None
    any_tags: tuple[str, ...] | None = None
    none_tags: tuple[str, ...] | None = None
    stages: tuple[LifecycleStageName, ...] | None = None
    cities: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    genders: tuple[str, ...] | None = None
    min_age: int | None = None
    max_age: int | None = None
    purchased_any_products: tuple[str, ...] | None = None
    purchased_all_products: tuple[str, ...] | None = None
    within_days: int | None = None
    min_purchase_count: int | None = None
    min_total_spend: float | None = None
    max_total_spend: float | None = None
    interaction_types: tuple[InteractionType, ...] | None = None
    min_interactions: int | None = None
    no_purchase_within_days: int | None = None
    # Extensions beyond the contract (docs/tags.md, for the default tag rules):
    first_purchase_within_days: int | None = None
    min_rfm_score: int | None = None
    max_rfm_score: int | None = None
    viewed_categories: tuple[str, ...] | None = None
    min_category_views: int | None = None
    fields: tuple[FieldCondition, ...] | None = None  # custom fields, every one must hold
    and_: tuple[Definition, ...] | None = None
    or_: tuple[Definition, ...] | None = None
    not_: Definition | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract's shape (camelCase keys, given fields only): saved as the JSON text."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            key = KEYS[f.name]
            if isinstance(value, Definition):
                out[key] = value.to_json()
            elif isinstance(value, tuple):
                # str() of a StrEnum member is its value
                out[key] = [
                    v.to_json() if isinstance(v, Definition | FieldCondition) else str(v)
                    for v in value
                ]
            else:
                out[key] = value
        return out


def _camel(name: str) -> str:
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part.title() for part in rest)


KEYS = {f.name: _camel(f.name) for f in fields(Definition)}  # attribute -> contract key
ATTRIBUTES = {key: name for name, key in KEYS.items()}


def _list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise BadUserInput(path, "must be a list")
    if not value:
        raise BadUserInput(path, "must not be empty (leave the field out instead)")
    if len(value) > MAX_ITEMS:
        raise BadUserInput(path, f"at most {MAX_ITEMS} items, got {len(value)}")
    return list(value)


def _strings(value: object, path: str, clean: Callable[[str, str], str]) -> tuple[str, ...]:
    out: list[str] = []
    for i, item in enumerate(_list(value, path)):
        where = f"{path}[{i}]"
        if not isinstance(item, str):
            raise BadUserInput(where, "must be a string")
        out.append(clean(item, where))
    return tuple(dict.fromkeys(out))


def _text(value: str, path: str) -> str:
    text = value.strip()
    if not text:
        raise BadUserInput(path, "must not be empty")
    return text


def _stages(value: object, path: str) -> tuple[LifecycleStageName, ...]:
    return tuple(LifecycleStageName(s) for s in _strings(value, path, _enum(LifecycleStageName)))


def _types(value: object, path: str) -> tuple[InteractionType, ...]:
    return tuple(InteractionType(t) for t in _strings(value, path, _enum(InteractionType)))


def _enum(kind: type[LifecycleStageName] | type[InteractionType]) -> Callable[[str, str], str]:
    names = [member.value for member in kind]

    def clean(value: str, path: str) -> str:
        if value not in names:
            raise BadUserInput(path, f"{value!r} is not one of {', '.join(names)}")
        return value

    return clean


def _int(value: object, path: str, low: int, high: int) -> int:
    if type(value) is not int:
        raise BadUserInput(path, "must be an integer")
    if not low <= value <= high:
        raise BadUserInput(path, f"must be between {low} and {high}, got {value}")
    return value


def _float(value: object, path: str) -> float:
    if type(value) not in (int, float):
        raise BadUserInput(path, "must be a number")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or abs(number) > 1e15:
        raise BadUserInput(path, f"must be a finite amount, got {value}")
    return number


@dataclass
class _Budget:
    definitions: int = 0


def parse_definition(raw: object, path: str = "definition") -> Definition:
    """Validate `raw` (the contract's SegmentDefinition as plain data) into a `Definition`."""
    return _parse(raw, path, 1, _Budget())


def _parse(raw: object, path: str, depth: int, budget: _Budget) -> Definition:
    if not isinstance(raw, Mapping):
        raise BadUserInput(path, "must be a SegmentDefinition object")
    if depth > MAX_DEPTH:
        raise BadUserInput(path, f"definitions nest at most {MAX_DEPTH} deep")
    budget.definitions += 1
    if budget.definitions > MAX_DEFINITIONS:
        raise BadUserInput(path, f"at most {MAX_DEFINITIONS} definitions in all")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{path}.{key}"
        if key not in ATTRIBUTES:
            raise BadUserInput(where, "is not a SegmentDefinition field")
        if value is None:
            continue
        values[ATTRIBUTES[key]] = _value(key, value, where, depth, budget)
    definition = Definition(**values)
    _check_combinations(definition, path)
    return definition


def _value(key: str, value: object, path: str, depth: int, budget: _Budget) -> object:
    if key in ("allTags", "anyTags", "noneTags"):
        return _strings(value, path, normalize_name)
    if key in ("cities", "regions", "purchasedAnyProducts", "purchasedAllProducts",
               "viewedCategories"):  # fmt: skip
        return _strings(value, path, _text)
    if key == "genders":
        return _strings(value, path, normalize_gender)
    if key == "stages":
        return _stages(value, path)
    if key == "interactionTypes":
        return _types(value, path)
    if key in ("minAge", "maxAge"):
        return _int(value, path, 0, MAX_AGE)
    if key in ("withinDays", "noPurchaseWithinDays", "firstPurchaseWithinDays"):
        return _int(value, path, 1, MAX_DAYS)
    if key in ("minPurchaseCount", "minInteractions"):
        return _int(value, path, 0, MAX_INT)
    if key == "minCategoryViews":
        return _int(value, path, 1, MAX_INT)
    if key in ("minRfmScore", "maxRfmScore"):
        return _int(value, path, 0, MAX_RFM)
    if key in ("minTotalSpend", "maxTotalSpend"):
        return _float(value, path)
    if key == "fields":
        return _field_conditions(value, path)
    if key == "not":
        return _parse(value, path, depth + 1, budget)
    assert key in ("and", "or"), key
    items = _list(value, path)
    return tuple(_parse(item, f"{path}[{i}]", depth + 1, budget) for i, item in enumerate(items))


def _field_conditions(value: object, path: str) -> tuple[FieldCondition, ...]:
    """`[{key, equals}|{key, in}]`: a custom field's key (not one of the model's properties)
    and the text it must equal, or the texts it must be one of."""
    out = []
    for i, item in enumerate(_list(value, path)):
        where = f"{path}[{i}]"
        if not isinstance(item, Mapping):
            raise BadUserInput(where, "must be a CustomFieldCondition object")
        unknown = sorted(set(item) - {"key", "equals", "in"})
        if unknown:
            raise BadUserInput(f"{where}.{unknown[0]}", "is not a CustomFieldCondition field")
        key = item.get("key")
        if not isinstance(key, str) or not re.match(FIELD_KEY, key):
            raise BadUserInput(f"{where}.key", "must be a property name (letters, digits, _)")
        if key in CUSTOMER_PROPERTIES:
            raise BadUserInput(
                f"{where}.key", f"{key!r} is not a custom field (use its own condition)"
            )
        equals, among = item.get("equals"), item.get("in")
        if (equals is None) == (among is None):
            raise BadUserInput(where, "give exactly one of equals and in")
        if equals is not None:
            if not isinstance(equals, str):
                raise BadUserInput(f"{where}.equals", "must be a string")
            values: tuple[str, ...] = (equals,)
        else:
            values = _strings(among, f"{where}.in", lambda text, _: text)
        out.append(FieldCondition(key, values))
    return tuple(out)


def uses_fields(definition: Definition, keys: frozenset[str]) -> str | None:
    """The path of the first condition on a custom field among `keys`, or None."""
    for path, d in walk(definition):
        for i, condition in enumerate(d.fields or ()):
            if condition.key in keys:
                return f"{path}.fields[{i}]"
    return None


def _check_combinations(d: Definition, path: str) -> None:
    if d.min_age is not None and d.max_age is not None and d.min_age > d.max_age:
        raise BadUserInput(f"{path}.maxAge", f"must not be below minAge ({d.min_age})")
    low, high = d.min_total_spend, d.max_total_spend
    if low is not None and high is not None and low > high:
        raise BadUserInput(f"{path}.maxTotalSpend", f"must not be below minTotalSpend ({low})")
    low_rfm, high_rfm = d.min_rfm_score, d.max_rfm_score
    if low_rfm is not None and high_rfm is not None and low_rfm > high_rfm:
        raise BadUserInput(f"{path}.maxRfmScore", f"must not be below minRfmScore ({low_rfm})")
    if d.min_category_views is not None and d.viewed_categories is None:
        raise BadUserInput(f"{path}.minCategoryViews", "applies to viewedCategories; give them")
    windowed = (d.min_purchase_count, d.min_total_spend, d.max_total_spend, d.min_interactions)
    shaped = d.interaction_types or d.viewed_categories
    if d.within_days is not None and all(v is None for v in windowed) and not shaped:
        raise BadUserInput(
            f"{path}.withinDays",
            "applies to minPurchaseCount, minTotalSpend, maxTotalSpend or minInteractions; "
            "give one of them",
        )


def walk(definition: Definition, path: str = "definition") -> Iterator[tuple[str, Definition]]:
    """Every definition with its path, outermost first (depth-first, in field order)."""
    yield path, definition
    for i, child in enumerate(definition.and_ or ()):
        yield from walk(child, f"{path}.and[{i}]")
    for i, child in enumerate(definition.or_ or ()):
        yield from walk(child, f"{path}.or[{i}]")
    if definition.not_ is not None:
        yield from walk(definition.not_, f"{path}.not")


def uses_age(definition: Definition) -> bool:
    """Whether any part of the definition has an age condition (minAge, maxAge)."""
    return any(d.min_age is not None or d.max_age is not None for _, d in walk(definition))


def tag_names(definition: Definition) -> dict[str, str]:
    """Each tag name used, with the path of its first use (to name it when unknown)."""
    found: dict[str, str] = {}
    for path, d in walk(definition):
        uses = (("allTags", d.all_tags), ("anyTags", d.any_tags), ("noneTags", d.none_tags))
        for key, names in uses:
            for name in names or ():
                found.setdefault(name, f"{path}.{key}")
    return found


def product_ids(definition: Definition) -> dict[str, str]:
    """Each product id used, with the path of its first use."""
    found: dict[str, str] = {}
    for path, d in walk(definition):
        for key, ids in (
            ("purchasedAnyProducts", d.purchased_any_products),
            ("purchasedAllProducts", d.purchased_all_products),
        ):
            for product_id in ids or ():
                found.setdefault(product_id, f"{path}.{key}")
    return found


def rename_tags(definition: Definition, names: Mapping[str, str]) -> Definition:
    """The same definition with tag names replaced by `names` (aliases by the tags they mean);
    names not in the mapping stay. A list that then names one tag twice keeps it once."""

    def renamed(tags: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if tags is None:
            return None
        return tuple(dict.fromkeys(names.get(name, name) for name in tags))

    def children(items: tuple[Definition, ...] | None) -> tuple[Definition, ...] | None:
        return None if items is None else tuple(rename_tags(d, names) for d in items)

    return replace(
        definition,
        all_tags=renamed(definition.all_tags),
        any_tags=renamed(definition.any_tags),
        none_tags=renamed(definition.none_tags),
        and_=children(definition.and_),
        or_=children(definition.or_),
        not_=None if definition.not_ is None else rename_tags(definition.not_, names),
    )


def definition_text(definition: Definition) -> str:
    """The canonical JSON text of a definition, as saved segments and tag rules store it."""
    return json.dumps(definition.to_json(), ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=1024)
def load_definition(text: str, path: str = "definition") -> Definition:
    """A stored definition, validated again (the rules may have tightened since); parsed once
    per text (a `Definition` is immutable, so sharing it is safe)."""
    try:
        raw = json.loads(text)
    except ValueError:
        raise BadUserInput(path, "is not JSON text of a SegmentDefinition") from None
    return parse_definition(raw, path)
