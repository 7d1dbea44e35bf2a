"""The scenario registry. `python bench/run.py` runs these modules in order.

A scenario is a module with

    NAME = "places"                      # used by --scenario
    def setup(ctx): ...                   # make sure its data exists (use ctx.once for caching)
    def cases(ctx) -> list[bench.core.Case]

Add your module's dotted path to SCENARIOS. See docs/benchmarks.md.
"""

SCENARIOS = [
    "bench.scenarios.places",
    "bench.scenarios.reuse",
    "bench.scenarios.relocation",
    "bench.scenarios.impact",
    "bench.scenarios.booking",
    "bench.scenarios.participation",
    "bench.scenarios.projects",
    "bench.scenarios.estate",
]
