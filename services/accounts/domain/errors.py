"""Accounts' domain errors: each subclasses a chassis category (the gateway maps categories to HTTP)."""
from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, Unauthenticated

NOT_CREATED_TITLE = "Account not created. If the error repeats, contact the administrator."


class AccountNotCreated(Conflict):
    problem = "account-not-created"
    title = NOT_CREATED_TITLE


class InvalidCredentials(Unauthenticated):
    problem = "invalid-credentials"
    title = "The e-mail or customer number and password do not match."


class SessionInvalid(Unauthenticated):
    problem = "unauthenticated"
    title = "Log in first."


class TooManyAttempts(RateLimited):
    problem = "too-many-attempts"
    title = "Too many failed attempts. Try again later."


class PasswordRejected(Invalid):
    problem = "validation-failed"
    title = "The request has invalid fields."


class PasswordConfirmationFailed(Forbidden):
    problem = "password-confirmation-failed"
    title = "The current password is needed for this change, and it did not match."


class TokenInvalid(Invalid):
    problem = "token-invalid"
    title = "This link is invalid, expired or already used."


class NotCompanyAdmin(Forbidden):
    problem = "not-company-admin"
    title = "Only the company's administrator may do this."


class EmployeeNotFound(NotFound):
    problem = "employee-not-found"
    title = "No such representative in your company."


class CompanyNotFound(NotFound):
    problem = "company-not-found"
    title = "No such company."


class LastAdmin(Conflict):
    problem = "last-admin"
    title = "A company needs at least one active administrator."


class LinkUnavailable(Conflict):
    """Asked by messaging for a link it is about to send: there is none to send any more."""

    problem = "link-unavailable"
    title = "The link can no longer be sent."
