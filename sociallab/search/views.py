"""The search page: one box in the header, results with facets, 20 per page."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from sociallab.http_input import page_number
from sociallab.search.indexing import query
from sociallab.search.presenting import describe, parse_filters

bp = Blueprint("search", __name__)


@bp.route("/search")
@login_required
def search():
    text = request.args.get("q", "")
    filters = parse_filters(request.args)
    results = query(current_user, text, filters, page_number())
    return render_template("search/results.html", results=results, view=describe(results, filters, request.args),
                           text=text)
