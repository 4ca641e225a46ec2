"""Staff routes of the accounts service: the desk resolves a disputed company tax id (REVIEW R17)."""
from gateway.http import route
from services.accounts import schemas
from services.chassis.rpc import call

STAFF_TAGS = ("staff", "accounts")


class StaffAccountRoutes:
    @route("GET", "/api/v1/staff/companies/tax-ids/<tax_id>", auth="staff", response=schemas.StaffCompany,
           summary="The company that holds a tax id (however it is written) and its representatives",
           tags=STAFF_TAGS, problem_statuses=(404,))
    def staff_find_company(self, request, tax_id):
        return call(self.accounts, "staff_find_company", tax_id)

    @route("POST", "/api/v1/staff/companies/<company_id>/release-tax-id", auth="staff",
           response=schemas.StaffCompany, tags=STAFF_TAGS, problem_statuses=(404,),
           summary="Free a company's tax id for its real owner (staff administrators; the company stays)")
    def staff_release_tax_id(self, request, company_id):
        return call(self.accounts, "staff_release_tax_id", company_id)
