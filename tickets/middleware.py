from django.conf import settings
from django.utils import translation


class ProfileLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's, unless they just picked one
    with the switcher (the language cookie). Goes after AuthenticationMiddleware."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.languages = dict(settings.LANGUAGES)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language in self.languages
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
