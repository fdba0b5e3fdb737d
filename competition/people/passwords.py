"""What a password must be: 10 to 128 characters, and not one of the most common passwords.

``common_passwords.txt`` beside this module holds 21,107 passwords, lower-cased, one a line: the
19,640 of Royce Williams' list of the most common passwords in public breaches (as Django ships
it, BSD licence), most common first, then Indonesian ones ("bismillah123", "merdeka45",
"sayangku", "indonesia2026", ...). Every place that sets a password asks :func:`password_problems`.
"""

from __future__ import annotations

from pathlib import Path

from workflows.messages import t

MIN_PASSWORD_LENGTH = 10
# Long passphrases are welcome; a megabyte-long "password" only costs hashing time.
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


COMMON_PASSWORDS = frozenset(
    line.strip() for line in COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines() if line.strip())


def is_common(password: str) -> bool:
    """Whether ``password`` is on the list, whatever its case and surrounding spaces."""
    return password.strip().lower() in COMMON_PASSWORDS


def password_problems(password: str, field: str | None = None) -> list[str]:
    """What is wrong with ``password`` as a new password, each problem naming the field
    (``field``, by default "password") and the rule; empty when it will do."""
    name = field or t("password")
    if len(password) < MIN_PASSWORD_LENGTH:
        return [t("%(field)s: use at least %(count)s characters", field=name, count=MIN_PASSWORD_LENGTH)]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [t("%(field)s: use at most %(count)s characters", field=name, count=MAX_PASSWORD_LENGTH)]
    if is_common(password):
        return [t("%(field)s: one of the most common passwords; choose one that is harder to guess",
                  field=name)]
    return []
