"""The one table of the activity log's actions in words: the Activity page, the employee page's changes, the replay
page and ``audit replay STORE`` all say an action with it. A new action is one new row here."""

from __future__ import annotations

ACTION_WORDS = {
    "login": "signed in", "login.failed": "sign-in failed", "login.throttled": "sign-in throttled",
    "logout": "signed out", "account.create": "account added", "account.disable": "account disabled",
    "account.invite": "invitation link made", "account.password": "password set from an invitation",
    "account settings": "digest settings changed", "token.create": "API token made",
    "token.revoke": "API token revoked",
    "roster.import": "roster imported", "employee.replace": "record saved", "employee.patch": "record changed",
    "employee.restore": "earlier version restored", "employee.separate": "marked separated",
    "endorsement.create": "endorsement recorded", "endorsement.paper": "paper endorsement entered",
    "endorsement.withdraw": "endorsement withdrawn", "endorsement.declined": "endorsement declined",
    "endorsement.sent_back": "sent back for more", "endorsement.asked": "endorsement asked for",
    "employee.supervisor": "supervisor changed", "mapping.save": "import mapping saved",
    "rules.import": "rules imported", "rules.propose": "rules version proposed", "rules.approve": "rules version approved",
    "rules.reject": "rules version rejected", "rules.withdraw": "rules version withdrawn",
    "position.create": "position added", "position.update": "position changed",
    "calendar feed created": "calendar feed made", "calendar feed ended": "calendar feed ended",
    "digest sent": "digest sent",
}


def action_words(action: str) -> str:
    """An action in words (one not in the table yet: its name with the dots and underscores as spaces)."""
    return ACTION_WORDS.get(action) or action.replace(".", " ").replace("_", " ")


__all__ = ["ACTION_WORDS", "action_words"]
