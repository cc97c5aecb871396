"""Personal data, masked: the shape stays, the content goes (security.md).

alice@example.com  ->  a***@example.com
+8613812345678     ->  +86*******5678
birthDate          ->  null
"""

from __future__ import annotations

from typing import Any

import phonenumbers

PERSONAL_FIELDS = frozenset({"email", "phone", "birthDate", "birth_date"})


def mask_email(email: str | None) -> str | None:
    if email is None:
        return None
    local, at, domain = email.partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str | None) -> str | None:
    """Country code and the last four digits stay; every other digit becomes `*`."""
    if phone is None:
        return None
    digits = [ch for ch in phone if ch.isdigit()]
    prefix = ""
    if phone.startswith("+"):
        try:
            prefix = f"+{phonenumbers.parse(phone).country_code}"
        except phonenumbers.NumberParseException:
            prefix = "+"
        digits = digits[len(prefix) - 1 :]
    kept = digits[-4:] if len(digits) > 4 else []
    return prefix + "*" * (len(digits) - len(kept)) + "".join(kept)


def mask_text(value: str | None) -> str | None:
    """A custom field's value (C360_PERSONAL_FIELDS): an email as emails are masked, anything
    else down to its first character."""
    if value is None:
        return None
    if "@" in value:
        return mask_email(value)
    return f"{value[:1]}***" if value else value


def mask_value(key: str, value: Any) -> Any:
    if key == "email":
        return mask_email(value) if isinstance(value, str) else value
    if key == "phone":
        return mask_phone(value) if isinstance(value, str) else value
    return None  # birthDate


def mask_personal(data: Any) -> Any:
    """A copy of nested dicts/lists with every personal field masked (audit arguments)."""
    if isinstance(data, dict):
        return {
            key: mask_value(key, value) if key in PERSONAL_FIELDS else mask_personal(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [mask_personal(item) for item in data]
    return data
