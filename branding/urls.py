from django.urls import path

from . import views

urlpatterns = [
    path("brand.css", views.stylesheet, name="brand-stylesheet"),
    path("brand/logo", views.logo, name="brand-logo"),
    path("favicon.ico", views.favicon, name="favicon"),
]
