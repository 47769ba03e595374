"""Home-page panel of the enterprise app: the signed-in user's enterprise bindings."""

from django.template.loader import render_to_string

from onezone.enterprises.selectors import memberships_of


def bindings_panel(request) -> str:
    memberships = list(memberships_of(user=request.user))
    if not memberships:
        return ""
    return render_to_string(
        "enterprises/_bindings_panel.html", {"memberships": memberships}, request=request
    )


def service_panel(request) -> str:
    """For liaisons and chief representatives: portfolio size and who is not yet visited."""
    from onezone.enterprises.selectors.service import portfolio_summary

    summary = portfolio_summary(actor=request.user)
    if summary is None:
        return ""
    return render_to_string(
        "enterprises/_service_panel.html", {"summary": summary}, request=request
    )
