"""Limits on sign-in attempts, counted before the password is checked.

Each attempt is counted first, atomically (an increment in Redis when RATELIMIT_STORAGE_URI
points there, in this process's memory otherwise), so attempts sent at the same moment cannot
all slip under the limit. There are two counters: the address the attempt comes from, and the
account it names, whatever address it comes from. A successful sign-in gives its count back, so
colleagues signing in behind one office address are not limited; only failures add up. A stranger
can lock an account with a few wrong passwords, so the password-reset e-mail opens it again
(`lift_account_lock`).

When the counter store cannot be reached (Redis restarting), attempts are counted in this
process's memory until it answers again: the limits then hold per server process rather than
for the whole platform, and people can still sign in. Neither failing open (no limit at all) nor
failing closed (nobody can sign in while Redis restarts) is what a partner expects.
"""
import hashlib
import logging
import threading

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from sociallab.errors import ServiceError

_KEY = "sociallab_signin_limits"
_creating = threading.Lock()
log = logging.getLogger(__name__)


class TooManyAttempts(ServiceError):
    """The address or the account has used up its attempts for now."""

    status = 429

    def __init__(self):
        super().__init__(_l("Too many sign-in attempts. Wait a few minutes and try again, or use "
                            "“Forgotten password?”: the link we e-mail you signs you in."))


def _strategies():
    """(the configured counters, this process's memory as their stand-in), per application and
    storage address: a test (or a reconfigured app) pointing elsewhere gets fresh counters."""
    app = current_app._get_current_object()
    uri = app.config["RATELIMIT_STORAGE_URI"]
    made = app.extensions.setdefault(_KEY, {})
    strategies = made.get(uri)
    if strategies is None:
        # Made once even when the first attempts arrive together.
        with _creating:
            strategies = made.get(uri)
            if strategies is None:
                strategies = made[uri] = (FixedWindowRateLimiter(storage_from_string(uri)),
                                          FixedWindowRateLimiter(storage_from_string("memory://")))
    return strategies


def _counted(action):
    """`action(strategy)` on the configured counters, or on this process's memory while they
    cannot be reached."""
    configured, stand_in = _strategies()
    try:
        return action(configured)
    except Exception as error:  # noqa: BLE001 — any failure of the counter store (Redis down, timeout)
        log.warning("sign-in limits counted in this process: the counter store failed (%s)", type(error).__name__)
        return action(stand_in)


def _address_counters(address):
    return [(limit, ("signin-address", address))
            for limit in parse_many(current_app.config["LOGIN_LIMIT_PER_ADDRESS"])]


def _account_counters(email):
    # The account is named by a digest: the counter store does not need to hold e-mail addresses.
    account = hashlib.sha256(email.encode()).hexdigest()
    return [(limit, ("signin-account", account))
            for limit in parse_many(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])]


class Attempt:
    """One counted attempt; `succeeded()` gives its count back."""

    def __init__(self, counters):
        self.counters = counters

    def succeeded(self):
        for limit, ids in self.counters:
            _counted(lambda strategy, limit=limit, ids=ids:
                     strategy.storage.incr(limit.key_for(*ids), limit.get_expiry(), amount=-1))


def count_attempt(email, address):
    """Count a sign-in attempt before its password is checked; TooManyAttempts if over a limit.

    The address is counted first and the first refusal stops the count, so attempts refused at
    an exhausted address do not go on using up the account's own allowance.
    """
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return Attempt([])
    counters = _address_counters(address) + _account_counters(email)
    for limit, ids in counters:
        if not _counted(lambda strategy, limit=limit, ids=ids: strategy.hit(limit, *ids)):
            raise TooManyAttempts
    return Attempt(counters)


def lift_account_lock(email):
    """Forget the failed attempts on this account: its owner has just proved they hold its e-mail."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    for limit, ids in _account_counters(email):
        _counted(lambda strategy, limit=limit, ids=ids: strategy.clear(limit, *ids))
