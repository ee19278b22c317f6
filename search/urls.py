from django.urls import path

from search import views

urlpatterns = [
    path("search/videos", views.VideoSearchView.as_view(), name="search-videos"),
    path("search/channels", views.ChannelSearchView.as_view(), name="search-channels"),
    path("search/suggest", views.SuggestView.as_view(), name="search-suggest"),
    path("videos/<int:pk>/related", views.RelatedVideosView.as_view(), name="video-related"),
    path("analytics/search", views.SearchAnalyticsView.as_view(), name="analytics-search"),
    path("events/search-clicks", views.SearchClicksView.as_view(), name="events-search-clicks"),
    path("search/synonyms", views.SynonymListView.as_view(), name="search-synonyms"),
    path("search/synonyms/<int:pk>", views.SynonymDetailView.as_view(), name="search-synonym"),
]
