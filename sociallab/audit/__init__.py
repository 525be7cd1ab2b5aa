"""The audit log: who changed what, when, with the values before and after."""
from sociallab.audit.actions import register_actions

__all__ = ["register_actions"]
