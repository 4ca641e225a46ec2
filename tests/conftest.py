# Monkey-patch before anything imports socket, threading or the database drivers:
# nameko 2.14's pytest plugin no longer does it for us.
import eventlet

eventlet.monkey_patch()

import os  # noqa: E402

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

pytest_plugins = ["tests.support.fixtures"]
