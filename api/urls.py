from django.urls import path

from api import views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/token", views.TokenView.as_view(), name="auth-token"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("channels/", views.ChannelListView.as_view(), name="channel-list"),
    path("channels/<int:pk>/", views.ChannelDetailView.as_view(), name="channel-detail"),
    path("channels/<int:pk>/subscription", views.SubscriptionView.as_view(), name="channel-subscription"),
    path("me/subscriptions", views.MySubscriptionsView.as_view(), name="my-subscriptions"),
    path("videos/", views.VideoListView.as_view(), name="video-list"),
    path("videos/<int:pk>/", views.VideoDetailView.as_view(), name="video-detail"),
    path("videos/<int:pk>/reaction", views.ReactionView.as_view(), name="video-reaction"),
    path("videos/<int:pk>/comments/", views.CommentListView.as_view(), name="video-comments"),
    path("comments/<int:pk>/", views.CommentDetailView.as_view(), name="comment-detail"),
]
