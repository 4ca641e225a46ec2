from services.chassis.errors import Conflict


class EmailAlreadyRegistered(Conflict):
    problem = "account-not-created"
    title = "Account not created. If the error repeats, contact the administrator."
