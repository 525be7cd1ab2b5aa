"""The contract a searchable model fulfils."""


class SearchableMixin:
    """A model that search indexes.

    A subclass sets `search_type` (e.g. "thread", "post", "initiative", "journal", "resource",
    "minutes") and implements `search_document()`, returning None when the item must not be in
    the index at all, else a dict:

        id          "<search_type>:<pk>" (built by search_id())
        type        search_type
        title       str
        body        str (plain text or Markdown source)
        lang        "fr" | "en" | "es"
        space_id    int
        countries   list of ISO2 codes
        themes      list of theme codes
        created_at  datetime (naive UTC)
        url         path of the page that shows the item
        audience    permissions.audience_tokens_for_item(...): who may find it

    The search package registers SQLAlchemy session hooks that (re)index these objects after
    commit and remove deleted ones (documents are built just before the commit, after a flush,
    so search_document() may load relationships).

    Optional, on any model (searchable or not):
        search_dependents()    searchable objects whose document this object shapes (a
                               resource for its attachment, posts for their thread); they are
                               re-indexed with it. Called before the commit, where loading is safe.
        search_load_options()  (classmethod) loader options used by `flask sociallab reindex`
                               and `check-index`, so that rebuilding does not query per row.
    """

    search_type = None

    def search_id(self):
        return f"{self.search_type}:{self.id}"

    def search_document(self):
        raise NotImplementedError
