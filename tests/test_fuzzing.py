"""A bounded schemathesis run over /api/v1/openapi.json, as every role and as nobody (issue 22):
no server error, and every answer as the document describes it (status code documented, content
type, body schema). Run it on PostgreSQL too (TEST_DATABASE_URL): some errors are the database's.

Each generated request is sent once per role, so every role meets the same inputs. Two kinds of
requests per operation: valid ones (at the real records of tests/sample_world.py where the path
names a record) and invalid ones (schemathesis's negative mode). Deterministic (derandomized, no
example database) and bounded: FUZZ_EXAMPLES examples of each kind (3 by default), about a minute
per database on two cores. Raise it locally to look harder: FUZZ_EXAMPLES=25.
"""
from __future__ import annotations

import os
import re
import time
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tests import sample_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])


def test_the_api_answers_every_role_as_its_document_says_and_never_with_a_server_error(
        app, client, make_user, api_token, capsys):
    world = sample_world.build(app, client, make_user, api_token)
    callers = {**world.headers, "anonymous": {}}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    sent: Counter[str] = Counter()
    failures: list[str] = []
    kinds_seen: Counter[str] = Counter()
    started = time.monotonic()

    for result in schema.get_all_operations():
        operation = result.ok()
        names = re.findall(r"{(\w+)}", operation.path)
        # Valid requests: at the real records where the path names one (a generated id only meets a
        # 404, which the invalid requests reach too); then invalid ones.
        real = {name: world.ids[name] for name in names}
        kinds = [operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real or None),
                 operation.as_strategy(GenerationMode.NEGATIVE)]
        for strategy in kinds:
            @SETTINGS
            @given(case=strategy)
            def send_as_everyone(case):
                for caller, headers in callers.items():
                    response = case.call(headers=headers)
                    sent[caller] += 1
                    try:
                        case.validate_response(response, checks=CHECKS, headers=headers)
                    except FailureGroup as group:  # one or more checks failed
                        kinds_seen.update(f"{operation.label} as {caller}: {failure.title}" for failure in group.exceptions)
                        failures.append(f"as {caller}: {group}")

            try:
                send_as_everyone()
            except Unsatisfiable:
                pass  # nothing invalid to send (an operation without parameters or body)

    seconds = time.monotonic() - started
    with capsys.disabled():
        print(f"\nfuzzing: {sum(sent.values())} requests ({dict(sent)}) in {seconds:.0f} s; "
              f"{len(failures)} failures")
    summary = "\n".join(f"{count} × {kind}" for kind, count in kinds_seen.most_common())
    assert not failures, summary + "\n\n" + "\n\n".join(failures[:20])
