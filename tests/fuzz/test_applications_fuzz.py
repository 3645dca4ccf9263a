"""Fuzzing application validation and submission: whatever arrives (any JSON value, any string in
any field, any bytes as a file), the answer is a typed error or a stored application, never a
traceback, and nothing is stored for refused input."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from kiosk.applications.records import (
    InvalidApplication,
    check_application,
    list_applications,
    masked_view,
    parse_application,
    submit_application,
)
from kiosk.applications.validation import FIELDS, validate_application
from kiosk.errors import KioskError
from tests.applications.samples import person

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
# Text with what people and scripts actually send: Chinese, digits, separators, controls, surrogates.
hostile_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=())
    | st.sampled_from("\u2028\u2029\ufeff\u200b\x00 -+()0１３８"),
    max_size=60,
)


def _assert_typed(errors) -> None:
    for error in errors:
        assert error.message_zh and error.message_en and error.code


@given(raw=json_values)
def test_any_json_value_as_an_application_is_answered_with_field_errors(env, raw):
    cleaned, errors = check_application(env, raw)
    _assert_typed(errors)
    assert errors or isinstance(raw, dict)


@given(field=st.sampled_from(FIELDS), value=json_values | hostile_text)
def test_any_value_in_any_field_validates_without_a_traceback(env, field, value):
    cleaned, errors = validate_application(person(**{field: value}), today=env.now().date())
    _assert_typed(errors)
    if not errors:
        # What passes is clean text: no control, format or separator characters survive.
        for key, text in cleaned.items():
            if isinstance(text, str):
                assert "\u2028" not in text and "\u2029" not in text and "\x00" not in text, key


@given(field=st.sampled_from(FIELDS), value=json_values | hostile_text)
def test_a_refused_submission_stores_nothing_and_an_accepted_one_lists_masked(env, field, value):
    before = len(list_applications(env))
    try:
        app = submit_application(env, person(**{field: value}))
    except InvalidApplication as exc:
        assert exc.errors and len(list_applications(env)) == before
        return
    view = masked_view(env, app)
    assert len(list_applications(env)) == before + 1
    assert person()["id_number"] not in json.dumps(view, ensure_ascii=False)


@given(data=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_any_bytes_as_an_application_file_give_a_typed_error_or_a_value(data):
    try:
        parse_application(data, "fuzz.json")
    except KioskError as exc:
        assert exc.message_zh and exc.message_en


@given(depth=st.integers(min_value=1, max_value=50_000), opener=st.sampled_from("[{"))
def test_nesting_of_any_depth_is_a_typed_error_or_a_value(depth, opener):
    closer = "]" if opener == "[" else "}"
    body = (opener + '"a":') * depth if opener == "{" else opener * depth
    data = (body + "1" + closer * depth).encode() if opener == "{" else (body + closer * depth).encode()
    try:
        parse_application(data, "deep.json")
    except KioskError as exc:
        assert exc.message_zh
