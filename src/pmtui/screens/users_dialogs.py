"""Forms of the users and roles screen: add or edit a user, grant or end a role, deactivate a user.

Each calls one checked service (``administer`` group-wide; a refusal is shown here and
kept in the audit trail) through the shared form base of the framework forms.
"""

from __future__ import annotations

from pmtui.screens.framework_dialogs import Field, FrameworkForm
from pmtui.services import people
from pmtui.services import roles, user_admin, users

_DATE = "YYYY-MM-DD (empty: today)"


class AddUserDialog(FrameworkForm):
    """A new user, optionally with a first role."""

    TITLE = "Add a user"
    NOTE = "Login names: letters, digits, '.', '_' or '-'. The role is optional: ROLE, or ROLE@UNIT for one unit."
    SAVE = "Add"

    def __init__(self, role_codes: list[str]) -> None:
        super().__init__()
        self.FIELDS = (
            Field("name", "Login", "e.g. jdoe"),
            Field("display_name", "Name", "e.g. Jane Doe"),
            Field("email", "Email", "optional"),
            Field("role", "Role", "e.g. ANALYST or ANALYST@BU_A", tuple(role_codes)),
            Field("valid_from", "From", _DATE),
        )

    def store(self, conn, values, actor, now) -> dict:
        """Create the user (and the role) in one transaction."""
        held = [user_admin.role_at(values["role"])] if values["role"] else []
        user = people.add_user(conn, values["name"], display_name=values["display_name"] or None,
                           email=values["email"] or None, roles=held,
                           valid_from=user_admin.day(values["valid_from"], "From", now.date()), actor=actor, now=now)
        return {"code": user["name"], "message": f"User {user['name']} added ({' '.join(user['roles']) or 'no role'})."}


class EditUserDialog(FrameworkForm):
    """Change a user's display name or email."""

    FIELDS = (Field("display_name", "Name", ""), Field("email", "Email", "empty: none"))

    def __init__(self, user: user_admin.UserRow) -> None:
        super().__init__({"display_name": user.display_name, "email": user.email or ""}, new=False)
        self.user = user.name
        self.TITLE = f"Edit user {user.name}"

    def store(self, conn, values, actor, now) -> dict:
        """Save the user."""
        people.edit_user(conn, self.user, display_name=values["display_name"], email=values["email"], actor=actor, now=now)
        return {"code": self.user, "message": f"User {self.user} saved."}


class GrantRoleDialog(FrameworkForm):
    """Give a user a role, group-wide or at a unit and the units below it, from a date."""

    TITLE = "Grant a role"
    NOTE = "Empty unit: group-wide. Needs administer for the unit."
    SAVE = "Grant"

    def __init__(self, user: str, role_codes: list[str]) -> None:
        super().__init__({"user": user})
        self.FIELDS = (
            Field("user", "User", "login name"),
            Field("role", "Role", "role code", tuple(role_codes)),
            Field("unit", "Unit", "unit code (empty: group-wide)"),
            Field("valid_from", "From", _DATE),
        )

    def store(self, conn, values, actor, now) -> dict:
        """Assign the role."""
        row = roles.assign(conn, values["user"], values["role"], values["unit"] or None,
                           user_admin.day(values["valid_from"], "From", now.date()), actor=actor, now=now)
        where = f"at {row['unit']}" if row["unit"] else "group-wide"
        return {"code": row["user"], "message": f"{row['user']} holds {row['role']} {where} from {row['valid_from']}."}


class EndRoleDialog(FrameworkForm):
    """End a user's hold of a role; the assignment stays in the history."""

    TITLE = "End a role"
    NOTE = "The last day is the last day the role is held. What the role owns keeps its owner."
    SAVE = "End"

    def __init__(self, user: str, held: str = "") -> None:
        role, unit = user_admin.role_at(held) if held else ("", None)
        super().__init__({"user": user, "role": role, "unit": unit or ""})
        self.FIELDS = (
            Field("user", "User", "login name"),
            Field("role", "Role", "role code"),
            Field("unit", "Unit", "unit code (empty: group-wide)"),
            Field("last_day", "Last day", _DATE),
            Field("reason", "Reason", "optional"),
        )

    def store(self, conn, values, actor, now) -> dict:
        """End the assignment."""
        row = users.end_assignment(conn, values["user"], values["role"], values["unit"] or None,
                                   user_admin.day(values["last_day"], "Last day", now.date()), actor=actor, now=now,
                                   reason=values["reason"] or None)
        return {"code": row["user"], "message": f"{row['user']} held {row['role']} until {row['valid_to']}."}


class DeactivateUserDialog(FrameworkForm):
    """Deactivate a user: their roles end today; their history stays."""

    FIELDS = (Field("reason", "Reason", "optional, e.g. left the company"),)
    SAVE = "Deactivate"

    def __init__(self, user: str) -> None:
        super().__init__(new=False)
        self.user = user
        self.TITLE = f"Deactivate {user}"
        self.NOTE = (f"{user} can no longer act; every role they hold ends today. Nobody deactivates themselves"
                     " or the last administrator.")

    def store(self, conn, values, actor, now) -> dict:
        """Deactivate the user."""
        people.deactivate_user(conn, self.user, actor=actor, now=now, reason=values["reason"] or None)
        return {"code": self.user, "message": f"User {self.user} deactivated."}
