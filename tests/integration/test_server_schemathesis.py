"""Schemathesis against the server's own OpenAPI document: generated requests to every operation, as
an administrator, must never get a 5xx, and every answer must fit what the document says (status,
content type, body schema).  The server runs in the test's loop; schemathesis's blocking client
runs in a worker thread beside it.  Examples are limited so the run stays well under a minute.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.server import API_PREFIX
from tests.integration.test_server_rig import served

EXAMPLES = 12
#: Logging out would end the token the run uses for everything after it.
SKIPPED = {("POST", f"{API_PREFIX}/auth/logout")}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def examples(operation: schemathesis.APIOperation, base_url: str, headers: dict[str, str],
             seen: Counter[int]) -> Callable[[], None]:
    """The hypothesis test of one operation: call, count the status, check the answer."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        response = case.call(base_url=base_url, headers={**(case.headers or {}), **headers}, timeout=30)
        seen[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    return run


def fuzz(base_url: str, token: str) -> tuple[dict[str, Counter[int]], list[str]]:
    """Run every operation's examples; the statuses each operation answered, and each failure in words."""
    schema = schemathesis.openapi.from_url(f"{base_url}{API_PREFIX}/openapi.json")
    headers = {"Authorization": f"Bearer {token}"}
    statuses: dict[str, Counter[int]] = {}
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        statuses[label] = Counter()
        try:
            examples(operation, base_url, headers, statuses[label])()
        except (Exception, FailureGroup) as exc:  # the first failing example of this operation, in words
            failures.append(f"{label}: {str(exc)[:1500]}")
    return statuses, failures


@pytest.mark.timeout(300)
async def test_generated_requests_never_get_a_5xx_and_every_answer_fits_the_document(sqlite_url, tmp_path):
    async with served(sqlite_url, tmp_path, simulate=False) as api:
        token = await api.token("admin")
        loop = asyncio.get_running_loop()
        statuses, failures = await loop.run_in_executor(None, fuzz, api.http.url, token)
    assert not failures, "\n\n".join(failures)
    assert len(statuses) == 36 - len(SKIPPED)  # every operation of the contract (5 of them cameras, issue 8)
    # the token held all along: every operation answered something else than "log in" too (except those
    # whose 401 is about the random credentials they were sent)
    credentials = {f"POST {API_PREFIX}/auth/login", f"POST {API_PREFIX}/auth/password"}
    assert all(set(seen) - {401} for label, seen in statuses.items() if label not in credentials), statuses
