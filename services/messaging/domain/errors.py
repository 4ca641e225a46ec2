"""Messaging's domain errors (each subclasses a chassis category; the gateway maps categories to HTTP)."""
from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited


class ThreadNotFound(NotFound):
    problem = "thread-not-found"
    title = "No such message thread."


class ThreadClosed(Conflict):
    problem = "thread-closed"
    title = "This thread is closed: write a new message instead."


class MessageInvalid(Invalid):
    problem = "message-invalid"
    title = "The message cannot be sent as it is."


class CustomersOnly(Forbidden):
    problem = "customers-only"
    title = "Only customers write to the desk from the customer area."


class TooManyMessages(RateLimited):
    problem = "too-many-messages"
    title = "Too many messages in a short time. Try again later."
