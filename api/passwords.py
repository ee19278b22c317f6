"""Password rules beyond Django's own validators (settings.AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class NotBlankValidator:
    """A password of spaces (or other whitespace) only is refused, however long."""

    def validate(self, password: str, user: Any = None) -> None:
        if not password.strip():
            raise ValidationError("This password is only whitespace.", code="password_blank")

    def get_help_text(self) -> str:
        return "Your password cannot be only whitespace."
