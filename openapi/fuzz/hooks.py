"""Schemathesis hooks for this API.

`positive_data_acceptance` (built in) expects every request that is valid by the document to be
accepted. Some rules cannot be written in JSON Schema: a referenced record must exist, an end must
follow a start, a cursor must be one the API issued, an `If-Match` must be the current version.
The document names them: `ProblemField.code` carries `x-rule-codes`, and the problem codes below
are listed per operation. This check replaces the built-in one and accepts exactly those
refusals; any other refusal of valid data (a length, a pattern, a type the document allows but
the server refuses) still fails.
"""

import json
import os

import schemathesis
from hypothesis.internal import lambda_sources

# CPython 3.11 before 3.11.8 can fail to parse a large module ("AST constructor recursion depth
# mismatch", python/cpython#106905). Hypothesis parses Schemathesis' own source only to describe a
# lambda in a message; on that failure, describe it plainly instead of stopping the run.
_describe_lambda = lambda_sources._lambda_description


def _describe_lambda_safely(f, *args, **kwargs):
    try:
        return _describe_lambda(f, *args, **kwargs)
    except SystemError:
        return "lambda: <source not parsed>"


lambda_sources._lambda_description = _describe_lambda_safely

_DOCUMENT = os.environ.get("CONTRACT_DOCUMENT", "openapi/openapi.json")
with open(_DOCUMENT, encoding="utf-8") as f:
    _DOC = json.load(f)

RULE_FIELD_CODES = set(
    _DOC["components"]["schemas"]["ProblemField"]["properties"]["code"]["x-rule-codes"]
)
# Problems that depend on state a generator cannot know: an opaque cursor, the current version,
# an idempotency key it happened to use before for another request, whether the caller's local
# authority is among those a workshop it made up is for, whether a resumable upload expired, and
# whether a chunk's bytes have the checksum it sent beside them.
STATE_PROBLEMS = {
    "invalid_cursor",
    "stale_version",
    "version_required",
    "idempotency_key_reused",
    "not_eligible",
    "upload_expired",
    "checksum_mismatch",
}
ACCEPTED = {401, 403, 404, 409, 429}
# What a file is, told from its bytes: a schema cannot say which bytes make a PDF, so an upload of
# bytes that are none of the types taken is refused (415) however valid the request.
FILE_UPLOADS = ("/files", "/files/raw", "/guides", "/photo", "/documents/{id}/versions")


def _problem(response):
    try:
        return json.loads(response.content)
    except ValueError:
        return None


@schemathesis.check
def positive_data_acceptance_by_rules(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status in ACCEPTED or status >= 500:
        return None
    problem = _problem(response)
    if not isinstance(problem, dict):
        raise AssertionError(f"Valid data refused with {status} and no problem document")
    code = problem.get("code")
    if code in STATE_PROBLEMS:
        return None
    if code == "unsupported_media_type" and case.path.endswith(FILE_UPLOADS):
        return None
    if status == 422 and code == "validation_error":
        fields = problem.get("errors") or []
        unknown = sorted({e.get("code") for e in fields} - RULE_FIELD_CODES)
        if fields and not unknown:
            return None
        raise AssertionError(
            f"Valid data refused for rules the document does not state: {unknown}\n"
            f"{json.dumps(problem, ensure_ascii=False)[:2000]}"
        )
    raise AssertionError(
        f"Valid data refused with {status} `{code}`\n{json.dumps(problem, ensure_ascii=False)[:2000]}"
    )
