"""Pages of the organisation app."""

from django.http import HttpResponse


def zone_list(request):
    return HttpResponse("zones")


body_list = person_list = user_list = zone_list
