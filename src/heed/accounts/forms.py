"""Forms of the account pages: they read and shape input; the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from heed import textclean as tc
from heed.accounts.fields import TextField
from heed.accounts.models import Team
from heed.accounts.roles import FORCE_ROLES, Role

ROLE_CHOICES = [(r, Role(r).label) for r in FORCE_ROLES]


class CodeForm(forms.Form):
    code = TextField(
        label="Code",
        noun="The code",
        max_length=64,
        error_messages={"required": "Enter the 6-digit code from your authenticator app, or a recovery code"},
    )


class UserCreateForm(forms.Form):
    username = TextField(
        label="User name",
        noun="The user name",
        max_length=150,
        error_messages={"required": "Enter a user name", "max_length": "Use at most 150 characters"},
    )
    email = forms.EmailField(
        label="E-mail address (optional; used to match single sign-on)",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an e-mail address like name@force.police.uk",
            "max_length": "The e-mail address is too long: at most 254 characters",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *ROLE_CHOICES],
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role from the list"},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=ROLE_CHOICES,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role from the list"},
    )


class TeamForm(forms.Form):
    name = TextField(
        label="Team name",
        noun="The team name",
        max_length=100,
        error_messages={"required": "Enter the team's name, e.g. Blue watch"},
    )


class UserTeamForm(forms.Form):
    """A user's team: one of the force's teams, or none (the choices are the force's teams only)."""

    team = forms.ChoiceField(
        label="Team",
        required=False,
        error_messages={"invalid_choice": "Choose one of your force's teams"},
    )

    def __init__(self, *args: Any, teams: Iterable[Team] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "No team"), *((str(t.pk), t.name) for t in teams)]


class ForceForm(forms.Form):
    code = TextField(
        label="Force code",
        noun="The force code",
        max_length=16,
        error_messages={"required": "Enter the force's code, e.g. WMP"},
    )
    name = TextField(
        label="Force name",
        noun="The force name",
        max_length=tc.NAME,
        error_messages={"required": "Enter the force's name"},
    )
