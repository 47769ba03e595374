"""Links to the policy pages for notifications and to-dos, tolerant of pages not yet routed."""

from django.urls import NoReverseMatch, reverse


def page_link(name: str, *args) -> str:
    """The URL of a named page, or "" when the page is not routed (a message without a link is
    better than a failed write)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
