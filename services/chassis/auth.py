"""Who is calling: the identity the gateway vouches for, checked by every service.

The gateway authenticates the bearer token (with the accounts service) and
puts the caller's identity, signed with the shared identity secret, in the
worker context as ``identity``; nameko carries context data in the headers
of every RPC call and event. A service reads it through :class:`Caller` and
never trusts an id from a request body. The signature matters because the
context travels in plain AMQP headers: without it, anything that can publish
to the broker could claim to be anyone.

The gateway's clock and a service's are never quite the same: a signature
is good from ``clock_skew`` seconds before the verifier's now (the gateway
ran ahead) to ``MAX_AGE_SECONDS + clock_skew`` after it, and refused outside
that window (``IDENTITY_CLOCK_SKEW``, from ``SPORTELLO_IDENTITY_CLOCK_SKEW``).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from nameko.extensions import DependencyProvider

from services.chassis.errors import Forbidden, Unauthenticated

IDENTITY_CONTEXT_KEY = "identity"
MAX_AGE_SECONDS = 300  # one request's worth of calls; nothing should carry it longer
DEFAULT_CLOCK_SKEW_SECONDS = 30.0


@dataclass(frozen=True)
class Identity:
    customer_id: str
    session_id: str
    kind: str  # private | business | staff
    company_id: str | None = None
    company_role: str | None = None  # admin | buyer | viewer
    staff_role: str | None = None  # staff | staff_admin
    # The profile's language (it, de, pl, uk, en): the gateway answers problems in it.
    language: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.staff_role is not None

    @property
    def is_company_admin(self) -> bool:
        return self.company_id is not None and self.company_role == "admin"


_IDENTITY_FIELDS = frozenset(field.name for field in fields(Identity))


class _ClockedSigner(TimestampSigner):
    """itsdangerous's timestamp signer on an injected clock (whole seconds, as itsdangerous stores them)."""

    def __init__(self, *args, clock: Callable[[], float], **kwargs):
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock())


class IdentitySigner:
    def __init__(self, secret: str, clock_skew: float = DEFAULT_CLOCK_SKEW_SECONDS,
                 clock: Callable[[], float] = time.time):
        if not secret:
            raise ValueError("an identity secret is required")
        self._clock = clock
        self.clock_skew = float(clock_skew)
        self._serializer = URLSafeTimedSerializer(secret, salt="sportello.identity.v1", signer=_ClockedSigner,
                                                  signer_kwargs={"clock": clock})

    def sign(self, identity: Identity) -> str:
        return self._serializer.dumps(asdict(identity))

    def verify(self, token: str) -> Identity:
        try:
            # No max_age here: itsdangerous would refuse any timestamp after its own now, so a
            # gateway one second ahead of this service would be refused. The window is checked below.
            payload, signed_at = self._serializer.loads(token, return_timestamp=True)
            age = self._clock() - signed_at.timestamp()
            if not -self.clock_skew <= age <= MAX_AGE_SECONDS + self.clock_skew:
                raise Unauthenticated("The caller's identity has expired or comes from a clock too far ahead.")
            # Fields a newer gateway signs that this code does not know are left out (a rolling
            # deploy updates the gateway and the services one by one); the known ones stay required.
            return Identity(**{key: value for key, value in payload.items() if key in _IDENTITY_FIELDS})
        except (BadSignature, TypeError, AttributeError) as exc:  # AttributeError: a payload not an object
            raise Unauthenticated("The caller's identity could not be verified.") from exc


class CallerView:
    """The caller of the current worker, as the gateway vouched for it (or nobody)."""

    def __init__(self, signed: str | None, signer: IdentitySigner):
        self._signed = signed
        self._signer = signer
        self._identity: Identity | None = None

    @property
    def identity(self) -> Identity | None:
        if self._identity is None and self._signed:
            self._identity = self._signer.verify(self._signed)
        return self._identity

    def require(self) -> Identity:
        identity = self.identity
        if identity is None:
            raise Unauthenticated("Log in first.")
        return identity

    def refuse_person(self) -> None:
        """For service-to-service methods: a call on anyone's behalf (any identity, signed or not) is refused."""
        if self._signed:
            raise Forbidden("This is not a call made on anyone's behalf.")

    def require_staff(self, role: str | None = None) -> Identity:
        identity = self.require()
        if not identity.is_staff or (role == "staff_admin" and identity.staff_role != "staff_admin"):
            raise Forbidden("This needs a staff account.")
        return identity


class Caller(DependencyProvider):
    def setup(self) -> None:
        config = self.container.config
        self.signer = IdentitySigner(config["IDENTITY_SECRET"],
                                     float(config.get("IDENTITY_CLOCK_SKEW", DEFAULT_CLOCK_SKEW_SECONDS)))

    def get_dependency(self, worker_ctx) -> CallerView:
        return CallerView(worker_ctx.data.get(IDENTITY_CONTEXT_KEY), self.signer)
