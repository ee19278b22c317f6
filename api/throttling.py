"""Request throttling (API.md: 429 `throttled` with `Retry-After`).

A view opts in with `throttle_scope = "search"`; the rate comes from `<scope>_user` for a signed-in caller
(one bucket per user) or `<scope>_anon` otherwise (one bucket per client address, X-Forwarded-For read as
far as NUM_PROXIES allows). A scope without a rate in settings is not throttled.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class ScopedUserOrAnonThrottle(SimpleRateThrottle):
    def __init__(self):  # the rate depends on the view and the caller, so it is read in allow_request
        pass

    def allow_request(self, request, view):
        scope = getattr(view, "throttle_scope", None)
        if not scope:
            return True
        kind = "user" if request.user and request.user.is_authenticated else "anon"
        self.scope = f"{scope}_{kind}"
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
