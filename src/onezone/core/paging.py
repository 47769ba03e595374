"""List pages: pagination that keeps filters, and one view for page and htmx fragment."""

from django.core.paginator import Paginator
from django.shortcuts import render

PER_PAGE = 25


def paginate(request, items, per_page: int = PER_PAGE) -> dict:
    page_obj = Paginator(items, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {"page_obj": page_obj, "querystring_without_page": f"{encoded}&" if encoded else ""}


def render_list(request, page_template: str, fragment_template: str, context: dict):
    """Full page on a normal request; only the results fragment on an htmx request."""
    is_fragment = getattr(request, "htmx", False) and not request.htmx.boosted
    return render(request, fragment_template if is_fragment else page_template, context)
