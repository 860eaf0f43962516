#!/usr/bin/env python3
"""Latency of `recall` and `search` through `lore mcp`, with the official MCP Python SDK as client.

    .build/venv-mcp/bin/python Tests/Bench/mcp_latency.py --lore .build/release/lore --repo CORPUS [--runs 20]

CORPUS is a generated repository (python3 /work/shared/bench/gen_corpus.py DIR --entries 10000).
Prints the first (cold: caches built) call and the median and 90th percentile of the warm ones.
"""
import argparse
import asyncio
import json
import os
import pathlib
import statistics
import time

from mcp import Client, StdioServerParameters


async def measure(client, name, arguments, runs):
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        result = await client.call_tool(name, arguments)
        times.append((time.perf_counter() - start) * 1000)
        assert not result.is_error, result.content
    warm = sorted(times[1:])
    return times[0], statistics.median(warm), warm[int(0.9 * (len(warm) - 1))], result.structured_content


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lore", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    repo = pathlib.Path(args.repo)
    src = sorted(str(p.relative_to(repo)) for p in (repo / "src").rglob("*") if p.is_file())[:5]
    env = dict(os.environ, LORE_MCP_POLL_SECONDS="0")
    params = StdioServerParameters(command=args.lore, args=["mcp"], cwd=str(repo), env=env)
    async with Client(params, cache=None, read_timeout_seconds=600) as client:
        for name, arguments in [("recall", {"paths": src}), ("recall", {"rev": "HEAD~20..HEAD"}),
                                ("search", {"query": "connection pool timeout"}), ("search", {"query": "certificate", "kind": "lesson"})]:
            cold, median, p90, result = await measure(client, name, arguments, args.runs)
            size = len(result.get("entries", result.get("hits", [])))
            print(f"{name:7} {json.dumps(arguments)[:60]:60}  first {cold:8.1f} ms  warm median {median:7.1f} ms  p90 {p90:7.1f} ms  ({size} results)")


asyncio.run(main())
