from services.chassis.migrations import run_env
from services.messaging.adapters.orm import metadata

run_env(metadata)
