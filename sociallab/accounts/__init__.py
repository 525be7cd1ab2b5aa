"""Accounts: sign-in, invitations, passwords, profiles."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from sociallab.accounts import views  # noqa: F401
