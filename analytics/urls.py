from django.urls import path

from analytics import views

urlpatterns = [
    path("events/views", views.ViewEventsView.as_view(), name="events-views"),
    path("trending/videos", views.TrendingView.as_view(), name="trending-videos"),
    path("analytics/videos/<int:pk>", views.VideoReportView.as_view(), name="analytics-video"),
    path("analytics/channels/<int:pk>", views.ChannelReportView.as_view(), name="analytics-channel"),
    path("analytics/top", views.TopReportView.as_view(), name="analytics-top"),
    path("analytics/report", views.CatalogueReportView.as_view(), name="analytics-report"),
    path("analytics/realtime", views.RealtimeView.as_view(), name="analytics-realtime"),
]
