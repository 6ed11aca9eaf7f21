"""The training pages' forms: every text a trainee or trainer types is a TextField under heed.textclean's rule
(the same rule the API's schemas and the services hold it to)."""

from __future__ import annotations

from django import forms

from heed import textclean as tc
from heed.accounts.fields import TextField


class AskForm(forms.Form):
    """A question for the simulated caller: in the trainee's own words, or a guided question chosen."""

    question = TextField(max_length=tc.RATIONALE, noun="The question", required=False)
    guided = TextField(max_length=tc.CODE, noun="The guided question", required=False)


class ScenarioForm(forms.Form):
    """A trainer's scenario, typed or uploaded (its YAML kept exactly as written)."""

    text = TextField(
        max_length=tc.SCENARIO, single_line=False, strip=False, noun="The scenario", required=False
    )
