"""Language selection: Chinese unless the user chose English with the switcher.

Django's LocaleMiddleware follows the browser's Accept-Language; a government platform shows
Simplified Chinese by default whatever the browser says, and English only on request (the
switcher sets the language cookie).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
