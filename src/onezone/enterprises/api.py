"""Enterprise API: the enterprises the caller may see."""

from ninja import Router, Schema
from ninja.pagination import paginate

from onezone.core.api import Pagination
from onezone.enterprises import selectors

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    id: int
    uscc: str
    name: str
    zone_code: str

    @staticmethod
    def resolve_zone_code(enterprise) -> str:
        return enterprise.zone.code


@router.get("/enterprises", response=list[EnterpriseOut])
@paginate(Pagination)
def list_enterprises(request, search: str = "", zone: str = ""):
    return selectors.enterprise_list(actor=request.user, search=search, zone_code=zone)


@router.get("/enterprises/{int:enterprise_id}", response=EnterpriseOut)
def get_enterprise(request, enterprise_id: int):
    return selectors.enterprise_get(actor=request.user, pk=enterprise_id)
