"""docs/performance.md keeps one generated part per topology (bench/report.py): a SQLite run
rewrites the SQLite part only, a production-topology run (``--topology cluster``) its own part
beside it, and neither erases the other or the hand-written text around them."""
from bench import report
from bench.data import Scale
from bench.harness import Figure
from bench.suite import FLOOR_READ

MACHINE = {"cpus": 2, "cpu": "test cpu", "memory_gb": 8.0, "platform": "Linux"}


def run_of(topology: str, p99: float, clients=(1, 10)) -> report.Run:
    versions = {"sportello": "0.1.0", "commit": "abc1234", "python": "3.11.7", "nameko": "2.14.1",
                "eventlet": "0.41.3", "sqlalchemy": "2.0.58", "rabbitmq": "3.10.8"}
    versions.update({"postgresql": "15.10", "psycopg": "3.2.1", "instances": 2} if topology == "cluster" else
                    {"sqlite": "3.40.1"})
    figures = [Figure(path, n, 100, 0, 8.0, 12.5, p99 / 2, p99 * 0.9, p99)
               for n in clients for path in (FLOOR_READ, "catalog search")]
    return report.Run(mode="full", scale=Scale.full(), seconds_per_row=8.0, clients=clients, figures=figures,
                      auth=None, processes={"catalog": {"pid": 1, "rss_mb": 90.0, "cpu_seconds": 9.0}},
                      scale_out=None, versions=versions, data_seconds={"orders": 3.0}, load_before=(0.2, 0, 0),
                      load_after=(1.5, 0, 0), wall_seconds=600.0, date="2026-12-03T08:00:00+00:00",
                      topology=topology)


def rendered(run: report.Run) -> str:
    result = dict(report.as_json(run), machine=MACHINE)
    return report.markdown(run, result)


def test_each_topology_rewrites_its_own_part_and_keeps_the_other():
    page = "# Performance\n\nHand-written intro.\n\n" + rendered(run_of("sqlite", 44.39)) + "\n\n## Targets\n\nBy hand.\n"

    page = report.updated(page, rendered(run_of("cluster", 61.25)), report.SECTIONS["cluster"])
    assert page.index("<!-- bench:end -->") < page.index("<!-- bench-cluster:begin -->") < page.index("## Targets")
    assert "| 44.39 |" in page and "| 61.25 |" in page
    cluster_part = page.split("<!-- bench-cluster:begin -->")[1].split("<!-- bench-cluster:end -->")[0]
    assert "### Production topology, last run: 2026-12-03T08:00:00+00:00 (full, `make bench-cluster`)" in cluster_part
    assert "PostgreSQL 15.10" in cluster_part and "3 nodes with quorum queues" in cluster_part
    assert "2 processes of every service" in cluster_part and "SQLite 3.40.1" not in cluster_part
    assert "**Subset:** 1 / 10 clients (the full suite: 1 / 10 / 50), 100,000 products." in cluster_part
    assert "performance-latency-cluster.png" in cluster_part

    # A later SQLite run: its part changes, the cluster part and the hand-written text do not.
    page = report.updated(page, rendered(run_of("sqlite", 50.07)), report.SECTIONS["sqlite"])
    assert "| 44.39 |" not in page and "| 50.07 |" in page and "| 61.25 |" in page
    assert page.split("<!-- bench-cluster:begin -->")[1].split("<!-- bench-cluster:end -->")[0] == cluster_part
    sqlite_part = page.split("<!-- bench:begin -->")[1].split("<!-- bench:end -->")[0]
    assert "### Last run:" in sqlite_part and "SQLite 3.40.1" in sqlite_part and "PostgreSQL" not in sqlite_part
    assert page.startswith("# Performance\n\nHand-written intro.\n\n") and page.endswith("## Targets\n\nBy hand.\n")

    # And a cluster run again replaces its part in place.
    again = report.updated(page, rendered(run_of("cluster", 70.5)), report.SECTIONS["cluster"])
    assert again.count("<!-- bench-cluster:begin -->") == 1 and "| 70.5 |" in again and "| 61.25 |" not in again


def test_a_results_file_names_its_topology_and_renders_into_its_part():
    result = report.as_json(run_of("cluster", 61.25))
    assert result["topology"] == "cluster" and result["versions"]["postgresql"] == "15.10"
    again = report.run_from_json(result)
    assert again.topology == "cluster" and again.section.latest == "latest-cluster.json"
    # results files from before there were two topologies are SQLite runs
    assert report.run_from_json({k: v for k, v in result.items() if k != "topology"}).topology == "sqlite"
