from gateway.http import route
from gateway.schemas.accounts import Accepted, LoginRequest
from services.accounts import schemas
from services.chassis.rpc import call

RESET_ACCEPTED = {"status": "accepted", "detail": "If the address is registered, a message with a link is on its way."}


class AuthRoutes:
    @route("POST", "/api/v1/auth/login", body=LoginRequest, response=schemas.LoginResult,
           summary="Log in with e-mail or customer number", tags=("auth",), problem_statuses=(401, 429),
           idempotent=False)  # its answer is a token: never stored for a replay
    def login(self, request, body):
        return call(self.accounts, "login", dict(body, client_address=request.remote_addr))

    @route("POST", "/api/v1/auth/logout", auth="user", status=204, summary="End this session now", tags=("auth",))
    def logout(self, request):
        call(self.accounts, "logout", self.auth.token)
        self.auth.forget()

    @route("POST", "/api/v1/auth/password-reset", body=schemas.PasswordResetRequest, response=Accepted, status=202,
           summary="Send a reset link by e-mail or SMS (the answer is the same either way)", tags=("auth",),
           problem_statuses=(429,))
    def request_password_reset(self, request, body):
        call(self.accounts, "request_password_reset", body, client_address=request.remote_addr)
        return RESET_ACCEPTED

    @route("POST", "/api/v1/auth/password-reset/confirm", body=schemas.PasswordResetConfirm, status=204,
           summary="Set a new password with the link's token; ends every session", tags=("auth",))
    def confirm_password_reset(self, request, body):
        call(self.accounts, "confirm_password_reset", body)

    @route("POST", "/api/v1/auth/activate", body=schemas.Activation, response=schemas.Customer,
           summary="Activate an invited representative", tags=("auth",))
    def activate_account(self, request, body):
        return call(self.accounts, "activate", body)
