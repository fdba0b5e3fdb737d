"""The test suite. Before any of the app is imported, passwords are set to be hashed with scrypt at
a cost of N = 2**10 instead of werkzeug's 2**15: the same algorithm, format and checks, at 1/32
of the work. Every sign-in of the suite checks a hash (about 0.15 s each at full cost, hundreds of
them), and no test measures the cost itself. The app served outside the test process (gunicorn,
``flask`` commands run as programs) keeps the full cost."""

from __future__ import annotations

from werkzeug import security

TEST_PASSWORD_HASH_METHOD = "scrypt:1024:8:1"

# werkzeug's own default, which the app uses by calling generate_password_hash(password).
assert security.generate_password_hash.__defaults__ == ("scrypt", 16), "werkzeug changed its defaults"
security.generate_password_hash.__defaults__ = (TEST_PASSWORD_HASH_METHOD, 16)
