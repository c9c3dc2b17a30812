"""Sign-ins their person ended with Sign out (access.Actor.sign_in). Streamlit reads the identity cookie when a tab
opens and never again, so a tab left open stayed signed in after a sign-out in another, and saved and deleted quotes
in that person's name (a walkthrough). A sign-out is recorded here; the app treats an ended sign-in as not signed in
on every run (ui/identity.py) and the store refuses it on every read and write (audit.require), on every replica."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Optional

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .tables import EndedSignInRow


def ended_at(engine: Engine, sign_in: str) -> Optional[datetime]:
    """When the sign-in was ended; None while it stands (and for no sign-in: the local user, anyone)."""
    if not sign_in:
        return None
    with Session(engine) as session:
        row = session.get(EndedSignInRow, sign_in)
        if row is None:
            return None
        return row.ended_at if row.ended_at.tzinfo else row.ended_at.replace(tzinfo=UTC)


def end(session: Session, sign_in: str, at: datetime) -> None:
    """Add the sign-in's end to the session's transaction; a second sign-out of it (another tab's) keeps the first."""
    if session.get(EndedSignInRow, sign_in) is None:
        session.add(EndedSignInRow(sign_in=sign_in, ended_at=at))
