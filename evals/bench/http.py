"""HTTP benchmark: start-up, /api/ask under 16, 64 and 1,000 connections, and /healthz and chat under load.

    .venv/bin/python -m evals.bench.http                       # starts `python -m assistant serve`
    .venv/bin/python -m evals.bench.http --url http://127.0.0.1:7860/ --levels 16,64 --per-client 10

Without ``--url`` it starts the real server as a subprocess on a free port (the index must
exist: ``make index``), times how long it takes to listen and to become ready (``/healthz``
200), then runs each level twice (repeated questions, which the answer cache serves, and unique ones,
which it cannot), with a bounded number of requests, so it stops by itself. Loopback only. Reports answered/s,
p50/p95/p99 of answered requests, how many were shed (503 or 429, with Retry-After) and how fast, errors (any
other status or a transport error) and the server's RSS; then /healthz and chat latency while 64 API
connections ask. Writes JSON (``--out``, default reports/bench_http.json). Exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant.evaluate.stats import percentile  # noqa: E402
from assistant.web.background import free_port  # noqa: E402  (the server helper: no gradio import)

QUESTIONS = [
    "Which massage techniques help with tight muscles?",
    "What is sciatica?",
    "How can massage help with sciatica?",
    "Do I need to talk to a doctor before starting massage?",
    "Does massage reduce stress?",
    "What can pinch the sciatic nerve?",
    "Is heat or ice better?",  # not covered
    "I can't control my bladder and my bottom is numb",  # emergency
    "Is massage safe during pregnancy?",  # caution
    "Can massage trigger the body's own painkilling chemicals?",
]


def _ms(values: list[float], p: float) -> float | None:
    value = percentile(values, p)
    return None if value is None else round(value, 1)


def start_server(port: int, timeout: float) -> tuple[subprocess.Popen, dict]:
    env = {**os.environ, "ASSISTANT_PORT": str(port)}
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    listening = ready = None
    url = f"http://127.0.0.1:{port}/healthz"
    with httpx.Client(timeout=2) as client:
        while time.monotonic() - t0 < timeout:
            if proc.poll() is not None:
                raise SystemExit(f"server exited early:\n{proc.stderr.read()[-2000:]}")
            try:
                status = client.get(url).status_code
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            if listening is None:
                listening = time.monotonic() - t0
            if status == 200:
                ready = time.monotonic() - t0
                break
            time.sleep(0.05)
    if ready is None:
        proc.terminate()
        raise SystemExit(f"server not ready after {timeout} s")
    return proc, {"listening_s": round(listening, 2), "ready_s": round(ready, 2)}


async def run_load(base: str, clients: int, total: int, timeout: float, unique: bool = False) -> dict:
    """``total`` POSTs to /api/ask from ``clients`` concurrent connections. A 503 or 429 is *shed* (the server
    said "come back later" at once), anything else not 200 or a transport error is an *error*. ``unique`` makes
    every question distinct, so the answer cache cannot help."""
    latencies: list[float] = []
    shed_latencies: list[float] = []
    errors: list[str] = []
    outcomes: dict[str, int] = {}
    shed = {"503": 0, "429": 0}
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        # one warm-up request, not counted
        await client.post("/api/ask", json={"question": QUESTIONS[0]})

        async def worker() -> None:
            for i in counter:
                body: dict = {"question": QUESTIONS[i % len(QUESTIONS)]}
                if unique:  # a distinct earlier turn: the cache misses, the question and its work stay the same
                    body["history"] = [{"role": "user", "content": f"hello {i}"}]
                t = time.perf_counter()
                try:
                    resp = await client.post("/api/ask", json=body)
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                    continue
                ms = (time.perf_counter() - t) * 1000
                if resp.status_code in (429, 503):
                    shed[str(resp.status_code)] += 1
                    shed_latencies.append(ms)
                elif resp.status_code != 200:
                    errors.append(f"HTTP {resp.status_code}: {resp.text[:120]}")
                else:
                    latencies.append(ms)
                    outcome = resp.json()["outcome"]
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - t0

    return {
        "clients": clients, "requests": total, "unique_questions": unique, "wall_s": round(wall, 2),
        "answered_per_s": round(len(latencies) / wall, 1),
        "p50_ms": _ms(latencies, 50), "p95_ms": _ms(latencies, 95), "p99_ms": _ms(latencies, 99),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "answered": len(latencies), "shed_503": shed["503"], "shed_429": shed["429"],
        "shed_p99_ms": _ms(shed_latencies, 99),
        "errors": len(errors), "error_samples": sorted(set(errors))[:5], "outcomes": outcomes,
    }


async def probe_while_loaded(base: str, clients: int, total: int, chat_turns: int) -> dict:
    """/healthz latency (every 50 ms) and chat turns (the Gradio ``/answer`` endpoint, as a browser's chat goes
    through Gradio's queue) while ``clients`` API connections run."""
    from gradio_client import Client

    health_ms: list[float] = []
    chat_ms: list[float] = []
    done = asyncio.Event()

    async def health() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while not done.is_set():
                t = time.perf_counter()
                await client.get("/healthz")
                health_ms.append((time.perf_counter() - t) * 1000)
                await asyncio.sleep(0.05)

    def chat() -> None:
        c = Client(base, verbose=False, analytics_enabled=False)
        try:
            for i in range(chat_turns):
                t = time.perf_counter()
                c.predict(f"{QUESTIONS[i % 6]} (chat turn {i})", [], api_name="/answer")
                chat_ms.append((time.perf_counter() - t) * 1000)
        finally:
            c.close()

    # let the server finish closing the previous level's connections (1,000 at once take the event loop a moment),
    # then let this level's connections open, so the probes measure the load they name
    await asyncio.sleep(2.0)
    if shutil.which("wrk"):  # the load from another process, so this one only measures
        load = asyncio.create_task(asyncio.to_thread(run_wrk, base, clients, 20, True))
    else:
        load = asyncio.create_task(run_load(base, clients, total, 120.0, unique=True))
    await asyncio.sleep(1.0)
    prober = asyncio.create_task(health())
    await asyncio.sleep(0.5)
    await asyncio.to_thread(chat)
    done.set()
    await prober
    result = await load
    return {"api": result, "healthz_p50_ms": _ms(health_ms, 50), "healthz_p99_ms": _ms(health_ms, 99),
            "healthz_probes": len(health_ms), "chat_p50_ms": _ms(chat_ms, 50), "chat_p95_ms": _ms(chat_ms, 95),
            "chat_turns": len(chat_ms)}


WRK_SCRIPT = Path(__file__).with_name("ask.lua")


def run_wrk(base: str, clients: int, seconds: int, unique: bool) -> dict | None:
    """The same load from wrk (C, event-driven), which can hold 1,000 connections without being the bottleneck
    itself; None if wrk is not installed (``apt-get install wrk``). A request counts as failed after 2 s."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    command = [wrk, f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds}s", "--timeout", "2s", "--latency",
               "-s", str(WRK_SCRIPT), base.rstrip("/") + "/api/ask"]
    env = {**os.environ, "UNIQUE": "1" if unique else "0"}
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=seconds + 60).stdout
    parsed = {key: json.loads(line.split(" ", 1)[1]) for line in out.splitlines()
              for key in ("STATUS", "LATENCY_MS", "ERRORS") if line.startswith(key + " ")}
    status = parsed.get("STATUS", {})
    total = sum(status.values()) + parsed.get("ERRORS", {}).get("timeout", 0)
    return {"tool": "wrk", "clients": clients, "seconds": seconds, "unique_questions": unique, "requests": total,
            "answered": status.get("200", 0), "shed_503": status.get("503", 0), "shed_429": status.get("429", 0),
            "other_status": {k: v for k, v in status.items() if k not in ("200", "503", "429")},
            "answered_per_s": round(status.get("200", 0) / seconds, 1), "replies_per_s": round(total / seconds, 1),
            "latency_ms_all_replies": parsed.get("LATENCY_MS"), "errors": parsed.get("ERRORS")}


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="benchmark a running server instead of starting one")
    ap.add_argument("--levels", default="16,64,1000", help="connection counts, comma-separated")
    ap.add_argument("--seconds", type=int, default=10, help="seconds per level with wrk")
    ap.add_argument("--no-wrk", action="store_true", help="use the Python load generator even if wrk is installed")
    ap.add_argument("--per-client", type=int, default=4, help="requests per connection at each level (no wrk)")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, seconds")
    ap.add_argument("--startup-timeout", type=float, default=180.0)
    ap.add_argument("--out", default=str(ROOT / "reports" / "bench_http.json"))
    args = ap.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    proc = None
    startup: dict = {}
    base = args.url
    if not base:
        port = free_port()
        proc, startup = start_server(port, args.startup_timeout)
        base = f"http://127.0.0.1:{port}/"
        print(f"server listening after {startup['listening_s']} s, ready after {startup['ready_s']} s")
    levels = [int(n) for n in args.levels.split(",") if n.strip()]
    results: list[dict] = []
    try:
        health = httpx.get(base.rstrip("/") + "/healthz", timeout=10).json()
        for clients in levels:
            for unique in (False, True):
                kind = "unique" if unique else "repeated"
                result = run_wrk(base, clients, args.seconds, unique) if not args.no_wrk else None
                if result is not None:
                    result["server_rss_mb"] = rss_mb(proc.pid) if proc else None
                    results.append(result)
                    lat, err = result["latency_ms_all_replies"] or {}, result["errors"] or {}
                    print(f"{clients:5} connections (wrk, {kind} questions): {result['answered_per_s']} answered/s, "
                          f"{result['replies_per_s']} replies/s, shed {result['shed_503']}x503 {result['shed_429']}x429, "
                          f"all replies p50 {lat.get('p50')} ms p95 {lat.get('p95')} ms p99 {lat.get('p99')} ms, "
                          f"over 2 s {err.get('timeout')}, RSS {result['server_rss_mb']} MB")
                    continue
                total = max(100, clients * args.per_client)
                result = asyncio.run(run_load(base, clients, total, args.timeout, unique=unique))
                result["server_rss_mb"] = rss_mb(proc.pid) if proc else None
                results.append(result)
                print(f"{clients:5} connections (httpx, {kind} questions): "
                      f"{result['answered_per_s']} answered/s, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
                      f"p99 {result['p99_ms']} ms, shed {result['shed_503']}x503 {result['shed_429']}x429 "
                      f"(shed p99 {result['shed_p99_ms']} ms), errors {result['errors']}, RSS {result['server_rss_mb']} MB")
        probe = asyncio.run(probe_while_loaded(base, 64, 64 * args.per_client * 2, 10))
        print(f"while 64 API connections ask: /healthz p50 {probe['healthz_p50_ms']} ms, p99 {probe['healthz_p99_ms']} ms; "
              f"chat p50 {probe['chat_p50_ms']} ms, p95 {probe['chat_p95_ms']} ms")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()

    report = {"url": base, "startup": startup, "passage_count": health.get("passage_count"),
              "cpus": os.cpu_count(), "levels": results, "under_64_clients": probe}
    errors = sum(r["errors"] for r in results + [probe["api"]] if isinstance(r["errors"], int))
    errors += sum(sum(r["other_status"].values()) for r in results if "other_status" in r)
    # wrk's timeouts: at each 2-second check, the connections whose request is older than 2 s
    errors += sum((r["errors"] or {}).get("timeout", 0) for r in results if r.get("tool") == "wrk")
    if errors:
        print("error samples:", *sorted({e for r in results for e in r.get("error_samples", [])}), sep="\n  ")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
