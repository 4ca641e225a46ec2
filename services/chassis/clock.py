"""The clock as a dependency, so that tests can inject a fixed one."""
from nameko.extensions import DependencyProvider

from services.chassis.domain import utcnow


class Clock(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return utcnow
