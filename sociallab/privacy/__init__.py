"""Personal data: each person's export of everything kept about them, and the deletion of their account."""
from sociallab.privacy.registry import register

__all__ = ["init_app", "register"]


def init_app(app):
    # Imported here, not at the top: each domain's privacy.py imports the registry, which runs this
    # file, and must not load these views.
    from sociallab import permissions
    from sociallab.commands import add_commands
    from sociallab.privacy import auditlog, commands, views

    app.register_blueprint(views.bp)
    app.add_template_global(permissions.can_request_deletion)
    add_commands(app, commands.export_user_command, commands.delete_user_command)
    # The audit log is written by every domain: its part runs last, after theirs.
    register(app, "audit", export=auditlog.export, erase=auditlog.erase)
