"""Backups: the whole platform in one archive (`flask sociallab backup`), restored onto a fresh install (`restore`)."""


def init_app(app):
    # Imported here, not at the top: importing this package registers nothing.
    from sociallab.backup import commands
    from sociallab.commands import add_commands

    add_commands(app, commands.backup_command, commands.restore_command)
