"""A space's library, resource pages, uploads and downloads."""
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from sociallab import permissions
from sociallab.errors import ServiceError, checked, refuse
from sociallab.extensions import db
from sociallab.http_input import id_argument, page_number
from sociallab.knowledge import checks, services, storage
from sociallab.knowledge.checks import KnowledgeError
from sociallab.knowledge.forms import (
    LinkTranslationForm,
    ModerationForm,
    ResourceForm,
    UploadForm,
)
from sociallab.knowledge.library import PAGE_SIZE as LIBRARY_PAGE_SIZE
from sociallab.knowledge.library import library_page
from sociallab.knowledge.models import Resource
from sociallab.knowledge.safeguarding import IdentifyingFile, file_excerpts
from sociallab.permissions import get_attachment_or_404, get_resource_or_404, get_space_or_404

bp = Blueprint("knowledge", __name__)


@bp.route("/spaces/<slug>/library")
@login_required
def library(slug):
    space = get_space_or_404(slug)
    page = library_page(space, current_user, type=request.args.get("type") or None,
                        theme=request.args.get("theme") or None, lang=request.args.get("lang") or None,
                        page=page_number())
    return render_template("knowledge/library.html", space=space, page=page)


def _read_upload(field):
    storage = field.data
    if not storage or not getattr(storage, "filename", ""):
        return None
    return storage.filename, storage.read()


def _refused(error):
    """A change the service refused: its status page for a refusal of access, else the reason
    flashed (passages that may identify a child are shown in the form instead); returns the
    status the page shown again answers with."""
    db.session.rollback()
    refuse(error, "error")
    return error.status


def _file_refusal(error):
    """What the page shows of a file refused for the passages in its text, else nothing."""
    if not isinstance(error, IdentifyingFile):
        return {}
    return {"file_refusal": error, "file_excerpts": file_excerpts(error)}


@bp.route("/spaces/<slug>/library/new", methods=["GET", "POST"])
@login_required
def new_resource(slug):
    space = get_space_or_404(slug)
    checked(checks.check_add, space)
    original = None
    if id_argument("translation_of", request.values):
        original = get_resource_or_404(id_argument("translation_of", request.values))
        if original.space_id != space.id:
            abort(404)
    form = ResourceForm()
    if request.method == "GET" and original is not None:
        form.type.data = original.type
        form.themes.data = [t.code for t in original.themes]
        form.countries.data = [c.iso2 for c in original.countries]
        taken = {r.lang for r in services.versions_of(original)}
        form.lang.data = next((code for code in services.LANGUAGES if code not in taken), None)
    status, refusal = 200, {}
    if form.validate_on_submit():
        try:
            resource = services.create_resource(
                space, current_user, form.type.data, form.title.data, form.summary.data, form.body.data,
                form.lang.data, themes=form.themes.data, countries=form.countries.data,
                status=form.status.data, translation_of=original, file=_read_upload(form.file),
                **form.people_answer())
        except ServiceError as error:
            status, refusal = _refused(error), _file_refusal(error)
        else:
            flash(_("The resource has been added to the library."), "success")
            return redirect(url_for("knowledge.resource", resource_id=resource.id))
    elif request.method == "POST":
        status = 400
    return render_template("knowledge/edit.html", space=space, form=form, resource=None,
                           original=original, **refusal), status


@bp.route("/resources/<int:resource_id>")
@login_required
def resource(resource_id):
    return _resource_page(get_resource_or_404(resource_id))


def _resource_page(item, status=200, **refusal):
    """The resource page; after a refused upload, under its status with the refusal shown."""
    translations = [r for r in services.versions_of(item) if permissions.can_read_resource(r)]
    link_form = None
    if permissions.can_edit_resource(item):
        link_form = LinkTranslationForm()
        link_form.other.choices = [(r.id, f"{r.title} ({r.lang})") for r in services.translation_candidates(item)]
    return render_template("knowledge/resource.html", resource=item, space=item.space,
                           translations=translations, upload_form=UploadForm(), link_form=link_form,
                           moderation_form=ModerationForm(), **refusal), status


@bp.route("/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@login_required
def edit_resource(resource_id):
    item = get_resource_or_404(resource_id)
    checked(checks.check_edit, item)
    form = ResourceForm(obj=item)
    del form.file
    if request.method == "GET":
        form.themes.data = [t.code for t in item.themes]
        form.countries.data = [c.iso2 for c in item.countries]
        form.status.data = item.status if item.status != Resource.HIDDEN else Resource.PUBLISHED
    status = 200
    if form.validate_on_submit():
        try:
            services.update_resource(item, form.type.data, form.title.data, form.summary.data, form.body.data,
                                     form.lang.data, themes=form.themes.data, countries=form.countries.data,
                                     status=form.status.data, editor=current_user)
        except ServiceError as error:
            status = _refused(error)
        else:
            flash(_("The resource has been saved."), "success")
            return redirect(url_for("knowledge.resource", resource_id=item.id))
    elif request.method == "POST":
        status = 400
    return render_template("knowledge/edit.html", space=item.space, form=form, resource=item,
                           original=None), status


@bp.route("/resources/<int:resource_id>/files", methods=["POST"])
@bp.route("/resources/<int:resource_id>/files/<int:attachment_id>", methods=["POST"])
@login_required
def upload(resource_id, attachment_id=None):
    """A new attachment, or (with attachment_id) a new version of one."""
    item = get_resource_or_404(resource_id)
    checked(checks.check_edit, item)
    attachment = get_attachment_or_404(attachment_id, item) if attachment_id is not None else None
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to send."), "error")
        return redirect(url_for("knowledge.resource", resource_id=item.id))
    filename, data = _read_upload(form.file)
    try:
        services.add_file(item, filename, data, current_user, attachment=attachment, **form.people_answer())
    except ServiceError as error:
        return _resource_page(item, _refused(error), **_file_refusal(error))
    flash(_("The file has been added.") if attachment is None else _("The new version has been added; "
          "earlier versions stay listed."), "success")
    return redirect(url_for("knowledge.resource", resource_id=item.id))


@bp.route("/resources/<int:resource_id>/translations", methods=["POST"])
@login_required
def link_translation(resource_id):
    item = get_resource_or_404(resource_id)
    checked(checks.check_edit, item)
    form = LinkTranslationForm()
    form.other.choices = [(r.id, r.title) for r in services.translation_candidates(item)]
    if not form.validate_on_submit():
        flash(_("Choose a resource from the list."), "error")
        return redirect(url_for("knowledge.resource", resource_id=item.id))
    other = get_resource_or_404(form.other.data)
    try:
        services.link_translation(item, other, current_user)
    except KnowledgeError as error:
        _refused(error)
    else:
        flash(_("The two resources are now linked as translations."), "success")
    return redirect(url_for("knowledge.resource", resource_id=item.id))


@bp.route("/resources/<int:resource_id>/visibility", methods=["POST"])
@login_required
def set_visibility(resource_id):
    item = get_resource_or_404(resource_id)
    checked(checks.check_moderate, item)
    form = ModerationForm()
    if form.validate_on_submit():
        hidden = request.form.get("action") == "hide"
        services.set_hidden(item, hidden, current_user)
        flash(_("The resource is now hidden from the space's members.") if hidden
              else _("The resource is visible again."), "success")
    return redirect(url_for("knowledge.resource", resource_id=item.id))


@bp.route("/files/<int:version_id>/download")
@login_required
def download(version_id):
    version = permissions.get_file_version_or_404(version_id)
    # Images open in the browser (inline, still named); documents download.
    try:
        response = storage.backend().send(version.stored_name, version.size, etag=version.stored_name,
                                          last_modified=version.created_at, mimetype=version.mimetype,
                                          as_attachment=version.kind not in ("png", "jpeg"),
                                          download_name=version.filename)
    except FileNotFoundError:  # its bytes lost (a restored backup without them): no file to give
        abort(404)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/library")
@login_required
def all_libraries():
    """The header's library: one list of what the person may read in every space, newest first."""
    query = permissions.readable_resources_everywhere_query()
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // LIBRARY_PAGE_SIZE))
    page = min(page_number(), pages)
    resources = db.session.scalars(
        query.options(selectinload(Resource.space), selectinload(Resource.author))
        .order_by(Resource.created_at.desc(), Resource.id.desc())
        .offset((page - 1) * LIBRARY_PAGE_SIZE).limit(LIBRARY_PAGE_SIZE)).all()
    return render_template("knowledge/libraries.html", resources=resources, total=total, page=page, pages=pages)
