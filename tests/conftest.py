# Monkey-patch before anything imports socket, threading or the database drivers:
# nameko 2.14's pytest plugin no longer does it for us.
import eventlet

eventlet.monkey_patch()

import os  # noqa: E402

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

pytest_plugins = ["tests.support.fixtures"]

# The fault-injection suite restarts brokers and kills processes: it runs on its own
# (`make test-faults`, which sets SPORTELLO_FAULTS=1), not inside `make test`.
collect_ignore = [] if os.environ.get("SPORTELLO_FAULTS") == "1" else ["faults"]
# The same on the production topology (`make test-faults-cluster`, SPORTELLO_FAULTS_CLUSTER=1).
if os.environ.get("SPORTELLO_FAULTS_CLUSTER") != "1":
    collect_ignore.append("faults_cluster")
