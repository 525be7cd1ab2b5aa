"""Which page of a thread shows a post, and the addresses that land on it without JavaScript."""
from sociallab.extensions import db
from sociallab.forums.models import Post

# A thread is shown POSTS_PER_PAGE rows at a time, by id, counting every row (hidden and removed
# ones too): a post's page is then the same for every reader and never changes once it is written
# (posts are only marked, never taken out), so a link with its page, stored in a notification or
# a search index, stays right. A reader who does not see the hidden posts sees a few less on a page.

POSTS_PER_PAGE = 50


def last_page(thread):
    """The number of the thread's last page (one query)."""
    total = db.session.scalar(db.select(db.func.count(Post.id)).where(Post.thread_id == thread.id)) or 0
    return page_of(max(total - 1, 0))


def page_of(position):
    """The page of the row at `position` (0 = the thread's first post)."""
    return position // POSTS_PER_PAGE + 1


def post_page(post):
    """The page of the thread that shows `post` (one query)."""
    before = db.session.scalar(db.select(db.func.count(Post.id)).where(
        Post.thread_id == post.thread_id, Post.id < post.id)) or 0
    return page_of(before)


def post_pages(posts):
    """{post id: page} for many posts, one query whatever their number (search results, lists)."""
    thread_ids = {post.thread_id for post in posts}
    if not thread_ids:
        return {}
    position = db.func.row_number().over(partition_by=Post.thread_id, order_by=Post.id) - 1
    ranked = db.select(Post.id, position.label("position")).where(Post.thread_id.in_(thread_ids)).subquery()
    rows = db.session.execute(db.select(ranked.c.id, ranked.c.position)
                              .where(ranked.c.id.in_([post.id for post in posts]))).all()
    return {post_id: page_of(at) for post_id, at in rows}


def page_url(thread, page):
    """The address of a thread's page (its first page has the thread's own address)."""
    return thread.url if page <= 1 or thread.is_discussion else f"{thread.url}?page={page}"


def post_url(post, page=None):
    """A post's address with the page that shows it, so a link lands on it without JavaScript."""
    thread = post.thread
    if thread.is_discussion:  # shown whole on its owner's page
        return post.url
    return f"{page_url(thread, page or post_page(post))}#{post.anchor}"
