"""Who takes part, from the request: the one place the public pages and the public API turn a
session (an anonymous browser's random key, an invite code remembered from an invite link) or a
logged-in user into the participant key of `services.participant_key`."""

import secrets

from . import services

BROWSER_KEY = "torg_participant"


def invite_session_key(process):
    return f"torg_invite_{process.pk}"


def participant(request, process, *, create=False, invite_code=""):
    """(participant key, invite) of this visitor for the process. An anonymous browser gets a random
    key in its session the first time it writes (`create`). Raises PermissionDenied when the
    process's identity setting does not let them take part."""
    browser = request.session.get(BROWSER_KEY, "")
    if not browser and create:
        browser = request.session[BROWSER_KEY] = secrets.token_urlsafe(24)
    return services.participant_key(process=process, user=request.user, browser=browser,
                                    invite_code=invite_code or request.session.get(invite_session_key(process), ""))
