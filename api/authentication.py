"""Token authentication whose tokens expire (TOKEN_MAX_AGE_DAYS) and can be revoked (DELETE /auth/token)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


def token_expired(token: Any) -> bool:
    return bool(token.created < timezone.now() - timedelta(days=settings.TOKEN_MAX_AGE_DAYS))


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise AuthenticationFailed("The token has expired; sign in again for a new one.")
        return user, token
