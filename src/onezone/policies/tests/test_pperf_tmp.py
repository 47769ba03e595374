from onezone.core.models import Notification
from onezone.policies.services.matching import rematch, _stored
from onezone.policies.tests.conftest import IC_RD_POLICY


def test_dbg(policy_world, load_policy):
    version = load_policy(IC_RD_POLICY)
    s = rematch()
    print("STATS1", s)
    print("STORED", _stored(version, None))
    s = rematch()
    print("STATS2", s)
    print(list(Notification.objects.values_list("title", "recipient__username")))
    assert False
