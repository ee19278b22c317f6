"""The explorer: one page at `/` that uses the public API only (static HTML, CSS and JavaScript)."""

from __future__ import annotations

from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

# Everything the page loads or calls is on this origin; no inline script or style is needed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class ExplorerView(TemplateView):
    template_name = "explorer/index.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


index = require_safe(ExplorerView.as_view())
