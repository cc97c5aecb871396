"""What searchCustomers looks for: the query as an id, an email, a phone and a name part,
each normalised the way the stored values are (graph/cleansing.py; nameKey in Cypher)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from core.errors import BadUserInput
from graph.cleansing import normalize_phone

MIN_QUERY = 2  # characters, after trimming: one Chinese character matches too much to help


@dataclass(frozen=True)
class SearchTerms:
    query: str  # as an id
    email: str | None  # as an email (trimmed, lower-cased), when it can be one
    phone: str | None  # as a phone (E.164 where it parses), when it can be one
    needle: str  # as a part of a name: NFKC, lower-cased (the stored nameKey's form)

    @classmethod
    def of(cls, query: str, field: str = "query") -> SearchTerms:
        text = query.strip()
        if len(text) < MIN_QUERY:
            raise BadUserInput(
                field, f"at least {MIN_QUERY} characters (after trimming), got {len(text)}"
            )
        email = text.lower() if "@" in text else None
        digits = sum(ch.isdigit() for ch in text)
        phone = normalize_phone(text, field) if digits >= 5 else None
        return cls(text, email, phone, unicodedata.normalize("NFKC", text).lower())

    def without_personal_data(self) -> SearchTerms:
        """By id and name only: for roles that see email and phone masked."""
        return SearchTerms(self.query, None, None, self.needle)
