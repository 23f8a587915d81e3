"""Answers about tickets, messages and accounts are the caller's alone."""

from django.utils.cache import patch_cache_control

PRIVATE_PREFIX = "/api/v1/"
PUBLIC_PREFIX = "/api/v1/faq/"


def private_answers(get_response):
    """`Cache-Control: private, no-store` on every API answer but the FAQ's: they carry access
    tokens, ticket contents and personal data that no shared cache or disk may keep."""

    def middleware(request):
        response = get_response(request)
        if request.path.startswith(PRIVATE_PREFIX) and not request.path.startswith(PUBLIC_PREFIX):
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware
