"""The help centre's FAQ pages, mounted at /help/ with the namespace "faq"."""

from django.urls import path

from . import views

app_name = "faq"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("solved/", views.solved_thanks, name="solved-thanks"),
    path("report/", views.report, name="report"),
    path("topics/<slug:slug>/", views.category, name="category"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/feedback/", views.feedback, name="feedback"),
    path("articles/<slug:slug>/solved/", views.solved, name="solved"),
]
