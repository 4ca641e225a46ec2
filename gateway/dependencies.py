"""What the gateway's workers use: one bounded RPC proxy per downstream service."""
from services.chassis.rpc import ServiceRpc


def service_proxy(name: str) -> ServiceRpc:
    return ServiceRpc(name)
