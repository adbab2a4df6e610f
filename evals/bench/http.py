"""HTTP benchmark: start-up time and /api/ask latency/throughput under concurrent clients.

    .venv/bin/python -m evals.bench.http                       # starts `python -m assistant serve`
    .venv/bin/python -m evals.bench.http --url http://127.0.0.1:7860/ --clients 16 --requests 400

Without ``--url`` it starts the real server as a subprocess on a free port (the index must
exist: ``make index``), times how long it takes to listen and to become ready (``/healthz``
200), then runs the load. Reports p50/p95/p99 latency, requests/s and errors (any non-200 or
transport error counts), prints a table and writes JSON (``--out``, default
reports/bench_http.json). Exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant.evaluate.stats import percentile  # noqa: E402
from assistant.web.server import free_port  # noqa: E402  (the server helper: no gradio import)

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


async def run_load(base: str, clients: int, total: int, timeout: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    outcomes: dict[str, int] = {}
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        # one warm-up request, not counted
        await client.post("/api/ask", json={"question": QUESTIONS[0]})

        async def worker() -> None:
            for i in counter:
                q = QUESTIONS[i % len(QUESTIONS)]
                t = time.perf_counter()
                try:
                    resp = await client.post("/api/ask", json={"question": q})
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                    continue
                latencies.append((time.perf_counter() - t) * 1000)
                if resp.status_code != 200:
                    errors.append(f"HTTP {resp.status_code}: {resp.text[:120]}")
                else:
                    outcome = resp.json()["outcome"]
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - t0

    return {
        "clients": clients, "requests": total, "wall_s": round(wall, 2),
        "requests_per_s": round(total / wall, 1),
        "p50_ms": _ms(latencies, 50), "p95_ms": _ms(latencies, 95),
        "p99_ms": _ms(latencies, 99),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "errors": len(errors), "error_samples": sorted(set(errors))[:5], "outcomes": outcomes,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="benchmark a running server instead of starting one")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--timeout", type=float, default=120.0, help="per-request timeout, seconds")
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
    try:
        health = httpx.get(base.rstrip("/") + "/healthz", timeout=10).json()
        result = asyncio.run(run_load(base, args.clients, args.requests, args.timeout))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()

    report = {"url": base, "startup": startup, "passage_count": health.get("passage_count"),
              "cpus": os.cpu_count(), "load": result}
    print(f"{result['clients']} clients, {result['requests']} requests in {result['wall_s']} s: "
          f"{result['requests_per_s']} req/s, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
          f"p99 {result['p99_ms']} ms, errors {result['errors']}")
    if result["error_samples"]:
        print("error samples:", *result["error_samples"], sep="\n  ")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
