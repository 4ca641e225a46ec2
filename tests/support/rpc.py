"""nameko's standalone RPC proxy, as the test's operator, answered by services running as their own users.

A service's broker user may answer only to ``<caller>.reply.<uuid>`` (services/chassis/broker_identities.py),
never to nameko's bare uuid, so the standalone proxy's reply queue is keyed the same way.
"""
from __future__ import annotations

import uuid

from kombu import Queue
from nameko.rpc import RPC_REPLY_QUEUE_TTL, get_rpc_exchange
from nameko.standalone.rpc import ClusterRpcProxy, SingleThreadedReplyListener


class RoleKeyedReplies(SingleThreadedReplyListener):
    """Replies under ``tests.reply.<uuid>``."""

    def setup(self):
        key = uuid.uuid4()
        self.routing_key = f"tests.reply.{key}"
        self.queue = Queue(f"rpc.reply-tests-{key}", exchange=get_rpc_exchange(self.container.config),
                           routing_key=self.routing_key, queue_arguments={"x-expires": RPC_REPLY_QUEUE_TTL})
        self.queue_consumer.register_provider(self)


def operator_rpc(config, context_data=None, timeout=10):
    """A ClusterRpcProxy (use it with ``with``) on the test's operator config."""
    return ClusterRpcProxy(config, context_data=context_data, timeout=timeout, reply_listener_cls=RoleKeyedReplies)
