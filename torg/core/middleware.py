"""Language selection: Norwegian bokmål unless the user has chosen another language.

Django's LocaleMiddleware would follow the browser's Accept-Language; a municipal service in
Norway is Norwegian by default, so only the explicit choice (language cookie set by the
language switcher) changes it.
"""

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
