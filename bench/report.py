"""What a run of the suite leaves behind: the table, the JSON, the plot and docs/performance.md.

docs/performance.md has two generated parts, one per topology: the SQLite run between
``<!-- bench:begin -->`` and ``<!-- bench:end -->`` (from latest.json), the production
topology's (``--topology cluster``) between ``<!-- bench-cluster:begin -->`` and
``<!-- bench-cluster:end -->`` (from latest-cluster.json). A run rewrites its own part only;
everything outside the markers (the work done, the scale-out note, history) is written by hand
and kept as it is.
"""
from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass, is_dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from bench.harness import ROOT, Figure

RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"
PLOT = ROOT / "docs" / "performance-latency.png"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


@dataclass(frozen=True)
class Section:
    """Where one topology's run goes: its results file, plot, markers and commands."""

    topology: str
    begin: str
    end: str
    latest: str
    plot: Path
    command: str        # the full run
    quick_command: str


SECTIONS = {
    "sqlite": Section("sqlite", BEGIN, END, "latest.json", PLOT, "make bench", "make bench-quick"),
    "cluster": Section("cluster", "<!-- bench-cluster:begin -->", "<!-- bench-cluster:end -->", "latest-cluster.json",
                       ROOT / "docs" / "performance-latency-cluster.png", "make bench-cluster",
                       "make bench-cluster BENCH_ARGS=--quick"),
}

TARGET_CLIENTS = 10
READ_FACTOR, WRITE_FACTOR = 1.5, 2.0
SEARCH_P99_MS, EVENT_P99_MS = 100.0, 250.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Run:
    mode: str
    scale: object
    seconds_per_row: float
    clients: tuple[int, ...]
    figures: list[Figure]
    auth: dict | None
    processes: dict
    scale_out: dict | None
    versions: dict
    data_seconds: dict
    load_before: tuple
    load_after: tuple
    wall_seconds: float
    date: str = ""
    topology: str = "sqlite"

    def __post_init__(self):
        self.date = self.date or datetime.now(timezone.utc).isoformat(timespec="seconds")

    @property
    def section(self) -> Section:
        return SECTIONS[self.topology]


def versions(broker: str) -> dict:
    import sqlite3

    found = {"python": platform.python_version(), "rabbitmq": broker, "sqlite": sqlite3.sqlite_version}
    for package in ("sportello", "nameko", "eventlet", "SQLAlchemy", "marshmallow", "kombu", "werkzeug"):
        try:
            found[package.lower()] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package.lower()] = "?"
    try:
        import subprocess

        found["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                         text=True, timeout=10).stdout.strip() or "?"
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "services", "gateway",
                                  "bench"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        if changed:
            found["commit"] += " with uncommitted changes"
    except OSError:
        found["commit"] = "?"
    return found


def machine() -> dict:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        memory_gb = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        memory_gb = None
    return {"cpus": os.cpu_count(), "cpu": model, "memory_gb": memory_gb, "platform": platform.platform()}


# -- targets -------------------------------------------------------------------------------------
def _at(figures: list[Figure], path: str, clients: int) -> Figure | None:
    return next((f for f in figures if f.path == path and f.clients == clients), None)


def targets(run: Run) -> list[dict]:
    """Every target of issue 9 at 10 clients: met or missed, with the ratio to its limit."""
    from bench.suite import EVENT, FLOOR_READ, READS, WRITES

    found = []
    floor = _at(run.figures, FLOOR_READ, TARGET_CLIENTS)
    if floor is None:
        return [{"target": f"(no measurement at {TARGET_CLIENTS} clients)", "met": False, "ratio": None}]

    def limit(name: str, value: float, bound: float, what: str) -> None:
        found.append({"target": what, "path": name, "value_ms": value, "limit_ms": round(bound, 2),
                      "ratio": round(value / bound, 2) if bound else None, "met": value <= bound})

    for name in READS:
        figure = _at(run.figures, name, TARGET_CLIENTS)
        if figure:
            limit(name, figure.p99_ms, READ_FACTOR * floor.p99_ms, f"{name}: p99 <= {READ_FACTOR} x indexed-read floor")
    for name in WRITES:
        figure = _at(run.figures, name, TARGET_CLIENTS)
        if figure:
            limit(name, figure.p99_ms, WRITE_FACTOR * floor.p99_ms,
                  f"{name}: p99 <= {WRITE_FACTOR} x indexed-read floor")
    search = _at(run.figures, "catalog search", TARGET_CLIENTS)
    if search:
        limit("catalog search", search.p99_ms, SEARCH_P99_MS,
              f"catalog search: p99 <= {SEARCH_P99_MS:g} ms on {run.scale.products:,} products")
    event = _at(run.figures, EVENT, TARGET_CLIENTS)
    if event:
        limit(EVENT, event.p99_ms, EVENT_P99_MS, f"event latency: p99 <= {EVENT_P99_MS:g} ms")
    errors = sum(f.errors for f in run.figures if f.clients == TARGET_CLIENTS)
    found.append({"target": "zero errors", "path": "all", "value": errors, "met": errors == 0,
                  "ratio": None})
    if run.auth:
        if run.auth.get("verified"):
            found.append({"target": "authenticated paths: no extra RPC hop (token checks cached <= 1 s)",
                          "path": "every authenticated path", "value": run.auth["token_checks"],
                          "limit": run.auth["bound"], "met": run.auth["met"],
                          "ratio": run.auth["per_request"]})
        else:
            found.append({"target": "authenticated paths: no extra RPC hop", "path": "-", "met": False,
                          "ratio": None, "note": run.auth.get("note")})
    return found


# -- outputs -------------------------------------------------------------------------------------
def table(figures: list[Figure]) -> str:
    header = f"{'path':42} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'n':>7}"
    lines = [header, "-" * len(header)]
    for f in figures:
        lines.append(f"{f.path:42} {f.clients:>7} {f.rps:>8} {f.p50_ms:>8} {f.p95_ms:>8} {f.p99_ms:>8} "
                     f"{f.errors:>6} {f.requests:>7}")
    return "\n".join(lines)


def _plain(value):
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def as_json(run: Run) -> dict:
    return {"date": run.date, "mode": run.mode, "topology": run.topology, "machine": machine(), "versions": run.versions,
            "scale": asdict(run.scale), "seconds_per_row": run.seconds_per_row, "clients": list(run.clients),
            "load_average_before": [round(v, 2) for v in run.load_before],
            "load_average_after": [round(v, 2) for v in run.load_after],
            "wall_seconds": round(run.wall_seconds, 1), "data_seconds": {k: round(v, 1) for k, v in
                                                                         run.data_seconds.items()},
            "figures": _plain(run.figures), "targets": targets(run), "token_checks": run.auth,
            "processes": run.processes, "scale_out": _plain(run.scale_out)}


def plot(run: Run, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = list(run.clients)
    fig, axes = plt.subplots(1, len(levels), figsize=(6 * len(levels), 6.5), sharey=True, squeeze=False)
    names = list(dict.fromkeys(f.path for f in run.figures))
    for axis, clients in zip(axes[0], levels):
        rows = [_at(run.figures, name, clients) for name in names]
        positions = range(len(names))
        for offset, (attribute, label) in enumerate((("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99"))):
            axis.barh([p + (offset - 1) * 0.27 for p in positions],
                      [getattr(r, attribute) if r else 0 for r in rows], height=0.27, label=label)
        axis.set_xscale("log")
        axis.set_title(f"{clients} client{'s' if clients > 1 else ''}")
        axis.set_xlabel("latency, ms (log)")
        axis.grid(axis="x", which="both", alpha=0.3)
        if clients == TARGET_CLIENTS:
            axis.axvline(SEARCH_P99_MS, color="grey", linestyle="--", linewidth=1)
    axes[0][0].set_yticks(range(len(names)), names)
    axes[0][0].invert_yaxis()
    axes[0][0].legend(loc="lower right")
    where = "PostgreSQL, 3 RabbitMQ nodes, 2 processes each; " if run.topology == "cluster" else ""
    fig.suptitle(f"Sportello latency percentiles by path ({where}{run.mode} run {run.date[:16]}, "
                 f"{run.scale.products:,} products, {os.cpu_count()} cores)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _cluster_lines(run: Run) -> list[str]:
    """What the production topology's section says first: what ran, and what was left out."""
    v = run.versions
    lines = [f"Topology (`make run-cluster`'s, deploy/local/cluster.sh): PostgreSQL {v.get('postgresql')}, one server "
             f"with a database per service; a RabbitMQ {v.get('rabbitmq')} cluster of 3 nodes with quorum queues, "
             f"each process on a ';'-separated failover AMQP URI over the three; {v.get('instances', 2)} processes "
             "of every service (competing consumers of each queue) and one gateway; everything on this machine's "
             "cores. The data set is the SQLite run's (bench/data.py), copied in with COPY and `VACUUM ANALYZE`d."]
    full = (1, 10, 50)
    if tuple(run.clients) != full or run.mode != "full":
        lines[0] += (f" **Subset:** {' / '.join(map(str, run.clients))} clients (the full suite: "
                     f"{' / '.join(map(str, full))}), {run.scale.products:,} products.")
    lines[0] += " No scale-out step: every service already runs two processes."
    return lines + [""]


def markdown(run: Run, result: dict) -> str:
    m, v, section = result["machine"], run.versions, run.section
    command = section.command if run.mode == "full" else section.quick_command
    title = "Production topology, last run" if run.topology == "cluster" else "Last run"
    out = [section.begin, "", f"### {title}: {run.date} ({run.mode}, `{command}`)", ""]
    if run.topology == "cluster":
        out += _cluster_lines(run)
    out += [f"Machine: {m['cpus']} cores ({m['cpu']}), {m['memory_gb']} GB, {m['platform']}. "
            f"Load average before the run {result['load_average_before'][0]}, after "
            f"{result['load_average_after'][0]} (the figure after includes the run's own processes; other work "
            f"on the machine inflates every row, floors included).",
            ""]
    # Only the figure before the run says whether something else was running: the one after is
    # mostly the benchmark's own 50-client rows.
    if result["load_average_before"][0] > 0.5 * (m["cpus"] or 1):
        out += [f"**Busy machine:** the load average was above half the cores when this run started: "
                "other programs took CPU from every row. Read each path against the floors of this run only, "
                f"and re-run `{section.command}` on an otherwise idle machine for figures to keep.", ""]
    databases = (f"RabbitMQ {v.get('rabbitmq')} (3 nodes, quorum queues), PostgreSQL {v.get('postgresql')}, "
                 f"psycopg {v.get('psycopg')}" if run.topology == "cluster" else
                 f"RabbitMQ {v.get('rabbitmq')}, SQLite {v.get('sqlite')}")
    out += [f"Versions: Sportello {v.get('sportello')} (commit {v.get('commit')}), Python {v.get('python')}, "
           f"nameko {v.get('nameko')}, eventlet {v.get('eventlet')}, SQLAlchemy {v.get('sqlalchemy')}, "
           f"{databases}.",
           "",
           f"Data: {run.scale.products:,} products, {run.scale.customers:,} customers, {run.scale.orders:,} orders, "
           f"{run.scale.rmas:,} RMAs, one desk thread per customer, loaded in "
           f"{sum(run.data_seconds.values()):.0f} s. {run.seconds_per_row:g} s per row after a short warm-up; "
           f"whole run {run.wall_seconds / 60:.1f} min.", ""]
    for clients in run.clients:
        out += [f"**{clients} client{'s' if clients > 1 else ''}**", "",
                "| path | req/s | p50 ms | p95 ms | p99 ms | errors |", "|---|---:|---:|---:|---:|---:|"]
        out += [f"| {f.path} | {f.rps} | {f.p50_ms} | {f.p95_ms} | {f.p99_ms} | {f.errors} |"
                for f in run.figures if f.clients == clients]
        out.append("")
    out += [f"**Targets at {TARGET_CLIENTS} clients** (ratio = measured / limit; met when <= 1)", "",
            "| target | measured | limit | ratio | |", "|---|---:|---:|---:|---|"]
    for t in result["targets"]:
        measured = t.get("value_ms", t.get("value", "-"))
        limit = t.get("limit_ms", t.get("limit", "-" if t["target"] != "zero errors" else 0))
        unit = " ms" if "value_ms" in t else ""
        out.append(f"| {t['target']} | {measured}{unit} | {limit}{unit} | {t['ratio'] if t['ratio'] is not None else '-'} "
                   f"| {'met' if t['met'] else '**missed**'} |")
    out.append("")
    if run.auth and run.auth.get("verified"):
        out += [f"Token checks at {run.auth['clients']} clients: {run.auth['token_checks']} `authenticate` calls "
                f"reached accounts while the level's rows ran ({run.auth['seconds']} s, "
                f"{run.auth['requests']} authenticated requests: {run.auth['per_request']} per request; "
                f"bound: one per token per second, {run.auth['bound']}). The gateway's cache answers the rest, "
                "so an authenticated path makes no extra RPC hop.", ""]
    out += ["**Processes after the load** (resident memory, CPU time since start)", "",
            "| process | RSS MB | CPU s |", "|---|---:|---:|"]
    out += [f"| {name} | {p['rss_mb']} | {p['cpu_seconds']} |" for name, p in run.processes.items()]
    out.append("")
    if run.scale_out:
        so = run.scale_out
        out += [f"**Scale-out: {so['instances']} {so['service']} processes** (competing consumers of "
                f"`rpc-{so['service']}`; {so['consumers_seen']} consumers seen), beside the same rows with one "
                "process measured just before", "",
                "| path | clients | req/s (1 -> 2) | p50 ms (1 -> 2) | p99 ms (1 -> 2) |", "|---|---:|---:|---:|---:|"]
        baseline = [b if isinstance(b, Figure) else Figure(**b) for b in so.get("baseline") or []]
        for f in so["figures"]:
            f = f if isinstance(f, dict) else asdict(f)
            # measured just before the second process started; older results files: the main rows
            one = _at(baseline, f["path"], f["clients"]) or _at(run.figures, f["path"], f["clients"])
            if one:
                out.append(f"| {f['path']} | {f['clients']} | {one.rps} -> {f['rps']} | {one.p50_ms} -> {f['p50_ms']} "
                           f"| {one.p99_ms} -> {f['p99_ms']} |")
        out.append("")
    out += [f"![latency percentiles by path]({section.plot.name})", "", section.end]
    return "\n".join(out)


def updated(current: str, text: str, section: Section) -> str:
    """``current`` with ``section``'s generated part replaced by ``text``; the other part and the hand-written
    text stay. A part not there yet goes after the SQLite part (beside it), or at the end."""
    if section.begin in current and section.end in current:
        head, rest = current.split(section.begin, 1)
        return head + text + rest.split(section.end, 1)[1]
    if section.topology != "sqlite" and END in current:
        head, tail = current.split(END, 1)
        return head + END + "\n\n" + text + tail
    return current.rstrip() + "\n\n" + text + "\n"


def update_doc(text: str, section: Section = SECTIONS["sqlite"]) -> None:
    DOC.write_text(updated(DOC.read_text() if DOC.exists() else "# Performance\n\n", text, section))


def emit(run: Run, write_docs: bool) -> dict:
    result = as_json(run)
    print(table(run.figures))
    if run.scale_out:
        print(f"\nscale-out: 1 x {run.scale_out['service']}, then 2 x")
        print(table(run.scale_out.get("baseline", []) + run.scale_out["figures"]))
    print("\nprocesses after the load:")
    for name, p in run.processes.items():
        print(f"  {name:10} RSS {p['rss_mb']:>7} MB  CPU {p['cpu_seconds']:>7} s")
    if run.auth:
        print(f"\ntoken checks: {run.auth}")
    print(f"\ntargets at {TARGET_CLIENTS} clients:")
    for t in result["targets"]:
        print(f"  {'met   ' if t['met'] else 'MISSED'} {t['target']}: "
              f"{t.get('value_ms', t.get('value'))} (ratio {t['ratio']})")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = run.date.replace(":", "").replace("+0000", "Z")
    section, suffix = run.section, "" if run.topology == "sqlite" else f"-{run.topology}"
    named, latest = RESULTS / f"{stamp}-{run.mode}{suffix}.json", RESULTS / section.latest
    for path in (named, latest):
        path.write_text(json.dumps(result, indent=2, default=str))
    plot_path = section.plot if write_docs else latest.with_suffix(".png")
    plot(run, plot_path)
    if write_docs:
        update_doc(markdown(run, result), section)
    print(f"\nsaved {named}, {latest}, {plot_path}" + (f", {DOC}" if write_docs else ""))
    return result


def run_from_json(result: dict) -> Run:
    """The Run a results file was written from (to render docs/performance.md again)."""
    from bench.data import Scale

    def figures(rows):
        return [Figure(**row) for row in rows]

    scale_out = result.get("scale_out")
    if scale_out:
        scale_out = dict(scale_out, figures=figures(scale_out["figures"]),
                         baseline=figures(scale_out.get("baseline") or []))
    return Run(mode=result["mode"], scale=Scale(**result["scale"]), seconds_per_row=result["seconds_per_row"],
               clients=tuple(result["clients"]), figures=figures(result["figures"]), auth=result["token_checks"],
               processes=result["processes"], scale_out=scale_out, versions=result["versions"],
               data_seconds=result["data_seconds"], load_before=tuple(result["load_average_before"]),
               load_after=tuple(result["load_average_after"]), wall_seconds=result["wall_seconds"],
               date=result["date"], topology=result.get("topology", "sqlite"))


if __name__ == "__main__":  # python -m bench.report [RESULTS.json]: render the plot and docs again from a file
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS / "latest.json"
    loaded = json.loads(source.read_text())
    again = run_from_json(loaded)
    plot(again, again.section.plot)
    update_doc(markdown(again, dict(loaded, targets=targets(again))), again.section)
    print(f"rendered {source} into {DOC} and {again.section.plot}")
