"""The explorer: one page at `/` that uses the public API only (static HTML, CSS and JavaScript)."""

from __future__ import annotations

from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

index = require_safe(TemplateView.as_view(template_name="explorer/index.html"))
