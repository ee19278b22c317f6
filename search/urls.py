from django.urls import path

from search import views

urlpatterns = [
    path("search/videos", views.VideoSearchView.as_view(), name="search-videos"),
    path("search/channels", views.ChannelSearchView.as_view(), name="search-channels"),
    path("search/suggest", views.SuggestView.as_view(), name="search-suggest"),
    path("videos/<int:pk>/related", views.RelatedVideosView.as_view(), name="video-related"),
    path("search/synonyms", views.SynonymListView.as_view(), name="search-synonyms"),
    path("search/synonyms/<int:pk>", views.SynonymDetailView.as_view(), name="search-synonym"),
]
