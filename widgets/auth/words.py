"""Refusals and names of the users' world in the console's language.

`app.auth` carries every refusal in Chinese (``message``) and English (``message_en``); the
console shows the one of its language now (`widgets.runtime.names_language`), so an operator
reads "用户名或密码错误" where an English console reads "wrong user name or password".
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.auth import Role
from app.auth.audit import ACTION_WORDS, RESULT_WORDS, Result
from app.auth.model import ROLE_WORDS
from app.auth.passwords import Reason
from widgets.bridge import describe
from widgets.runtime import names_language


def in_words(exc: BaseException) -> str:
    """A refusal from the source for a person: the auth error's words in the console's language."""
    message, message_en = getattr(exc, "message", None), getattr(exc, "message_en", None)
    if isinstance(message, str) and isinstance(message_en, str):
        return message if names_language() == "zh" else message_en
    return describe(exc)


def role_word(role: Role | str) -> str:
    """A role as people call it ("值班员" / "operator")."""
    try:
        zh, en = ROLE_WORDS[Role(role)]
    except ValueError:
        return str(role)
    return zh if names_language() == "zh" else en


def action_word(action: str) -> str:
    """An audit action in words (unknown kinds of action as recorded)."""
    pair = ACTION_WORDS.get(action)
    if pair is None:
        return action
    return pair[0] if names_language() == "zh" else pair[1]


def result_word(result: Result | str) -> str:
    try:
        return RESULT_WORDS[names_language()][Result(result)]
    except ValueError:
        return str(result)


def reasons_words(reasons: list[Reason]) -> str:
    """What a new password still lacks, one reason a line (empty when the policy accepts it)."""
    zh = names_language() == "zh"
    return "\n".join("• " + (r.message if zh else r.message_en) for r in reasons)


def user_label(display_name: str, name: str, role: Role | str) -> str:
    """How the status bar names the signed-in person: "display name (role)"."""
    return QCoreApplication.translate("Auth", "%1 (%2)").replace("%1", display_name or name).replace(
        "%2", role_word(role))
