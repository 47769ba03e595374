"""The shared personas build through the real services."""

from onezone.core.audit import audit_verify
from onezone.enterprises.choices import MembershipStatus


def test_it_builds_the_personas_with_an_intact_audit_chain(world):
    membership = world.enterprise_user.enterprise_memberships.get()
    assert membership.status == MembershipStatus.CONFIRMED
    assert membership.enterprise == world.enterprise
    result = audit_verify()
    assert result.is_intact
    assert result.checked > 10
