"""The scale benchmark's own measurements (kg.scale_bench), on a few generated documents.

One size end to end (ingest, validation from the store, the query mix over HTTP against
``budgetkg serve``): each query of the mix has its own median, the whole-mix p50 is one
of the timings between them, and the validation rate per CPU second is at least the rate
per wall second (the validating thread's CPU time cannot pass the time that elapsed).
"""

from __future__ import annotations

from kg.scale_bench import QUERY_MIX, measure
from kg.settings import Settings


def test_measure_reports_each_query_of_the_mix_and_validation_per_cpu_second(tmp_path):
    result = measure(4, tmp_path, Settings(), workers=1, runs=3)

    assert result.documents == 4
    assert result.validation_sample == 4
    assert result.triples > 0
    assert set(result.query_medians_ms) == set(QUERY_MIX)
    assert all(ms > 0 for ms in result.query_medians_ms.values())
    assert min(result.query_medians_ms.values()) <= result.p50_ms <= max(result.query_medians_ms.values())
    assert result.p50_ms <= result.p95_ms
    assert result.validation_cpu_per_second >= result.validation_per_second > 0
    assert result.validation_workers_per_second > 0
