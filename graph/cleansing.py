"""Cleansing shared by every write path (import lines, GraphQL mutations, demo data).

Each function returns the clean value or raises `BadUserInput` naming the field and reason.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime

import phonenumbers

from core.errors import BadUserInput
from graph.model import GENDERS

DEFAULT_PHONE_REGION = "CN"  # numbers without a country code are read as Chinese numbers
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SPACES = re.compile(r"\s+")


def normalize_email(value: str, field: str = "email") -> str:
    email = value.strip().lower()
    if not _EMAIL.match(email):
        raise BadUserInput(field, f"{value!r} is not an email address")
    return email


def normalize_phone(value: str, field: str = "phone") -> str:
    """E.164 (`+8613812345678`) where the number parses; otherwise the trimmed text."""
    text = value.strip()
    if not text:
        raise BadUserInput(field, "must not be empty")
    try:
        number = phonenumbers.parse(text, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalize_gender(value: str, field: str = "gender") -> str:
    gender = value.strip().upper()
    if gender not in GENDERS:
        raise BadUserInput(field, f"{value!r} is not one of F, M, U")
    return gender


def normalize_name(value: str, field: str) -> str:
    """NFKC, trimmed, inner whitespace collapsed: 'VIP' and ' ＶＩＰ ' are the same name."""
    name = _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    if not name:
        raise BadUserInput(field, "must not be empty")
    return name


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise BadUserInput(field, f"{value!r} is not a date like 1990-04-01") from None


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, as the API writes every DateTime (naive counts as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_datetime(value: str, field: str) -> datetime:
    """ISO 8601; a time without an offset is taken as UTC. Always returned in UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise BadUserInput(
            field, f"{value!r} is not an ISO 8601 time like 2025-03-01T08:00:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


MAX_LABEL = 200


def normalize_label(value: str, field: str) -> str:
    """A name people give things (segments, rules): inner whitespace collapsed, non-empty,
    at most MAX_LABEL characters."""
    text = " ".join(value.split())
    if not text:
        raise BadUserInput(field, "must not be empty")
    if len(text) > MAX_LABEL:
        raise BadUserInput(field, f"at most {MAX_LABEL} characters, got {len(text)}")
    return text
