from django.urls import include, path
from django.views.decorators.cache import cache_page
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import observability
from api import views as api_views
from explorer.views import index as explorer_index

urlpatterns = [
    path("", explorer_index, name="explorer"),
    path("healthz", api_views.healthz, name="healthz"),
    path("readyz", api_views.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
    # the same for everyone and costly to make (about a second of CPU): made once an hour per cache, not
    # counted against a client's read rate (no database behind it)
    path("api/schema/", cache_page(3600)(SpectacularAPIView.as_view(throttle_classes=[])), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema", throttle_classes=[]), name="docs"),
    path("api/v1/", include("api.urls")),
    path("api/v1/", include("search.urls")),
    path("api/v1/", include("analytics.urls")),
]

handler400 = "api.errors.handler400"
handler403 = "api.errors.handler403"
handler404 = "api.errors.handler404"
handler500 = "api.errors.handler500"
