"""Knowledge base: a space's library of resources, their translations and attached files."""


def init_app(app):
    # Imported here, not at the top: importing any of this package's models runs this file, and
    # must not load its views (they import the access rules, which import the models).
    from sociallab import audit, permissions, spaces
    from sociallab.commands import add_commands, at_serve
    from sociallab.knowledge import audit_actions, commands, privacy, safeguarding, search, storage, views
    from sociallab.knowledge.forms import STATUS_LABELS, TYPE_LABELS

    storage.check_backend(app)
    rules = (permissions.can_read_resource, permissions.can_add_resource, permissions.can_edit_resource)
    app.register_blueprint(views.bp)
    for rule in rules:
        app.add_template_global(rule)
    app.add_template_global(TYPE_LABELS, "RESOURCE_TYPE_LABELS")
    app.add_template_global(STATUS_LABELS, "RESOURCE_STATUS_LABELS")
    spaces.add_section(app, "knowledge/_space_section.html", order=30)
    audit.register_actions(app, audit_actions.ACTIONS)
    search.init_app(app)
    safeguarding.init_app(app)
    privacy.init_app(app)
    add_commands(app, commands.move_files_command)
    at_serve(app, storage.sweep_unreferenced)
