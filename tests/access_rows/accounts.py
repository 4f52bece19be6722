"""Access-matrix rows of sign-in and accounts: the organisation's sign-in, passwords and the
second factor (trustplan/accounts/). The suite runs without a provider configured (the sign-in
URLs answer 404 to everyone) and with MFA_REQUIRED_FOR_ADMINS off (tests/test_mfa.py turns it on);
every role is a local account with a password and no authenticator."""

from tests.access_rows.base import LOGIN, Row

EVERYONE = {"*": 200}
LOGGED_IN = {"anonymous": LOGIN, "*": 200}
NOT_POST = {"anonymous": LOGIN, "*": 405}

ROWS = [
    # OpenID Connect: open to anonymous users (they are signing in); 404 while not configured.
    Row("oidc-start", GET={"*": 404}, POST={"*": 405}),
    Row("oidc-callback", GET={"*": 404}, POST={"*": 405}),
    # Passwords: change for a logged-in user (an empty POST shows the form's errors).
    Row("password_change", GET=LOGGED_IN, POST=LOGGED_IN),
    Row("password_change_done", GET=LOGGED_IN, POST=NOT_POST),
    # Reset: open to everyone, the same answer whether or not the address has an account.
    Row("password_reset", GET=EVERYONE, POST=EVERYONE),
    Row("password_reset_done", GET=EVERYONE, POST={"*": 405}),
    # a link that is not valid: the page says so, for GET and POST alike
    Row("password_reset_confirm", args=lambda w: ["MQ", "not-a-valid-token"], GET=EVERYONE, POST=EVERYONE),
    Row("password_reset_complete", GET=EVERYONE, POST={"*": 405}),
    # Second factor: every logged-in user may add one. An empty code is refused (400).
    Row("mfa", GET=LOGGED_IN, POST=NOT_POST),
    Row("mfa-setup", GET=LOGGED_IN, POST={"anonymous": LOGIN, "*": 400}),
    # no authenticator, nothing to verify: on to the next page
    Row("mfa-verify", GET={"anonymous": LOGIN, "*": 302}, POST={"anonymous": LOGIN, "*": 302}),
    # a session not verified by a device may not replace codes or remove the device: back to /mfa
    Row("mfa-recovery-codes", GET=NOT_POST, POST={"anonymous": LOGIN, "*": 302}),
    Row("mfa-remove", GET=NOT_POST, POST={"anonymous": LOGIN, "*": 302}),
]
