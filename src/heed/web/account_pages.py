"""User administration (a force administrator, their own force's users) and forces (a national administrator).

Thin: read input, reach the user through the access helper (another force's user is a 404, as is a page the
role may not use), call one service, render. Every change is audited by its service.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from heed.accounts import services
from heed.accounts.access import (
    UserNotFound,
    access_user_by_id,
    actor_of,
    may,
    may_manage_forces,
    restrict_teams,
    restrict_users,
)
from heed.accounts.forms import ForceForm, RoleForm, TeamForm, UserCreateForm, UserTeamForm
from heed.accounts.models import Force, Team, User
from heed.accounts.roles import Action, Role

View = Callable[..., HttpResponse]


def admin_view(view: View) -> View:
    """Only a force administrator reaches these pages; anyone else gets the same 404 as a missing page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request.user, Action.USERS):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapper


def _target(request: HttpRequest, user_id: int) -> User:
    try:
        return access_user_by_id(actor_of(request), user_id)
    except UserNotFound:
        raise Http404("No such user") from None


def _apply(form: forms.Form, exc: services.AccountError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc)[:1].upper() + str(exc)[1:])


@admin_view
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    users = (
        restrict_users(User.objects.select_related("team"), actor)
        .annotate(mfa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("username")
    )
    return render(request, "accounts/users.html", {"users": users, "force": actor.force})


def _link_page(request: HttpRequest, user: User, path: str, created: bool) -> HttpResponse:
    response = render(
        request,
        "accounts/user_link.html",
        {"target": user, "link": request.build_absolute_uri(path), "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


@admin_view
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = UserCreateForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = services.user_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                force_code=actor.force.code if actor.force else "",
                role=form.cleaned_data["role"],
                password=None,
                actor=actor,
            )
            path = services.user_password_link(actor=actor, user_id=user.pk)
        except services.AccountError as exc:
            _apply(form, exc)
        else:
            return _link_page(request, user, path, created=True)
    return render(request, "accounts/user_new.html", {"form": form}, status=400 if form.errors else 200)


def _teams(actor: User) -> list[Team]:
    return list(restrict_teams(Team.objects.all(), actor, Action.USERS).order_by("name", "pk"))


def _detail(
    request: HttpRequest,
    target: User,
    role_form: RoleForm | None = None,
    status: int = 200,
    team_form: UserTeamForm | None = None,
) -> HttpResponse:
    teams = _teams(actor_of(request))
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "team_name": next((t.name for t in teams if t.pk == target.team_id), ""),
            "team_form": team_form or UserTeamForm(initial={"team": str(target.team_id or "")}, teams=teams),
            "role_form": role_form or RoleForm(initial={"role": target.role}),
            "is_self": target.pk == actor_of(request).pk,
            "mfa": TOTPDevice.objects.filter(user=target, confirmed=True).exists(),
        },
        status=status,
    )


@admin_view
@require_GET
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    return _detail(request, _target(request, user_id))


@admin_view
@require_POST
def user_role(request: HttpRequest, user_id: int) -> HttpResponse:
    target = _target(request, user_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.user_role_change(
                actor=actor_of(request), user_id=target.pk, role=form.cleaned_data["role"]
            )
        except services.AccountError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"{target.username} is now: {Role(form.cleaned_data['role']).label}.")
            return redirect("users:detail", user_id=target.pk)
    return _detail(request, target, role_form=form, status=400)


@admin_view
@require_POST
def user_team(request: HttpRequest, user_id: int) -> HttpResponse:
    target = _target(request, user_id)
    actor = actor_of(request)
    form = UserTeamForm(request.POST, teams=_teams(actor))
    if form.is_valid():
        try:
            changed = services.user_team_set(
                actor=actor, user_id=target.pk, team_id=form.cleaned_data["team"]
            )
        except services.AccountError as exc:
            _apply(form, exc)
        else:
            team = changed.team.name if changed.team else "no team"
            messages.success(request, f"{target.username} is now in: {team}.")
            return redirect("users:detail", user_id=target.pk)
    return _detail(request, target, team_form=form, status=400)


@admin_view
@require_http_methods(["GET", "POST"])
def teams(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = TeamForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            team = services.team_create(name=form.cleaned_data["name"], actor=actor)
        except services.AccountError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Team {team.name} made: put users in it from their pages.")
            return redirect("users:teams")
    listing = restrict_teams(Team.objects.all(), actor, Action.USERS).annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )
    return render(
        request,
        "accounts/teams.html",
        {"form": form, "teams": listing.order_by("name", "pk"), "force": actor.force},
        status=400 if form.errors else 200,
    )


def _action(request: HttpRequest, user_id: int, run: Callable[[User, User], str]) -> HttpResponse:
    target = _target(request, user_id)
    try:
        done = run(actor_of(request), target)
    except services.AccountError as exc:
        messages.error(request, str(exc)[:1].upper() + str(exc)[1:] + ".")
    else:
        messages.success(request, done)
    return redirect("users:detail", user_id=target.pk)


@admin_view
@require_POST
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"

    def run(actor: User, target: User) -> str:
        services.user_set_active(actor=actor, user_id=target.pk, active=active)
        if active:
            return f"{target.username} is enabled."
        return f"{target.username} is disabled: their sessions and API tokens stop working."

    return _action(request, user_id, run)


@admin_view
@require_POST
def user_mfa_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    def run(actor: User, target: User) -> str:
        services.user_mfa_reset(actor=actor, user_id=target.pk)
        return (
            f"{target.username}'s authenticator app and recovery codes are removed: "
            "they set up a new app at their next request."
        )

    return _action(request, user_id, run)


@admin_view
@require_POST
def user_password_link(request: HttpRequest, user_id: int) -> HttpResponse:
    target = _target(request, user_id)
    try:
        path = services.user_password_link(actor=actor_of(request), user_id=target.pk)
    except services.AccountError as exc:
        messages.error(request, str(exc)[:1].upper() + str(exc)[1:] + ".")
        return redirect("users:detail", user_id=target.pk)
    return _link_page(request, target, path, created=False)


@login_required
@require_http_methods(["GET", "POST"])
def forces(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not may_manage_forces(actor):
        raise Http404("No such page")
    form = ForceForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            force = services.force_create(
                code=form.cleaned_data["code"], name=form.cleaned_data["name"], actor=actor
            )
        except services.AccountError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request,
                f"Force {force.code} created. Add its first administrator with: "
                f"heed user add NAME --force {force.code} --role force_admin --password-stdin",
            )
            return redirect("forces")
    listing = Force.objects.annotate(
        user_count=Count("users"), admin_count=Count("users", filter=Q(users__role=Role.FORCE_ADMIN))
    ).order_by("code")
    return render(
        request, "accounts/forces.html", {"form": form, "forces": listing}, status=400 if form.errors else 200
    )


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """A new user (or one given a new link) sets their password from the one-time link; audited."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("login")
    form_class = SetPasswordForm
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            services.user_password_set_audit(user=form.user)
        messages.success(self.request, "Your password is set. Sign in with it now.")
        return response


password_set = never_cache(PasswordSetView.as_view())
