"""A paper application a resident handed in at the counter, typed in by a clerk through the same
ApplicationForm and stored marked as received on paper; the mark goes to central with it."""

from __future__ import annotations

from kiosk.applications.channels import PAPER
from kiosk.applications.form import Submitter
from kiosk.environment import Env


def paper_submitter(env: Env) -> Submitter:
    """Like kiosk.applications.form.submitter_for, with the application marked 纸质申请."""
    from kiosk.applications.receipt import receipt_data
    from kiosk.applications.records import submit_application

    return lambda values: receipt_data(env, submit_application(env, values, channel=PAPER).tracking)
