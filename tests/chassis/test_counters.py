"""Readable numbers (ORD-2026-000001, CUS-000001) from counter rows: two transactions taking the first
number of a new counter at once (two orders replicas placing the year's first orders) both get one,
never the same and never an error. Found by the fault suite on the cluster (tests/faults_cluster): on
PostgreSQL the second INSERT of the missing row raised UniqueViolation and the checkout answered 500."""
import threading

from sqlalchemy.orm import Session

from services.chassis.database import make_engine
from services.chassis.migrations import upgrade
from services.chassis.tables import next_counter


def test_concurrent_first_numbers_of_a_new_counter_are_distinct_and_no_error(databases):
    url = databases.url("orders")
    upgrade("orders", url)
    engine = make_engine(url)
    for loop in range(10):
        name = f"race-{loop}"
        barrier, numbers, errors = threading.Barrier(2), [], []

        def take():
            try:
                with Session(engine) as session:
                    barrier.wait()
                    numbers.append(next_counter(session, name))
                    session.commit()
            except Exception as exc:  # counted: the test names what went wrong
                errors.append(repr(exc)[:300])

        workers = [threading.Thread(target=take) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
        assert errors == [] and sorted(numbers) == [1, 2], (loop, numbers, errors)
    engine.dispose()
