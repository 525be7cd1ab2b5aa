"""Running the platform in production: its first setup (init), its health check and its logs."""


def init_app(app):
    # Imported here, not at the top: the demo imports this package's structure, and importing it
    # must not load the views.
    from sociallab.commands import add_commands
    from sociallab.ops import commands, logs, views

    logs.init_app(app)  # its hook runs first: everything after it logs with the request id
    app.register_blueprint(views.bp)
    app.before_request_funcs.setdefault(None, []).insert(1, views.answer_health_check_first)
    add_commands(app, commands.init_command)
