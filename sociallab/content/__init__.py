"""Shared handling of what people write: Markdown, sanitising, mentions and safeguarding checks."""
from sociallab.content.markdown import render_markdown  # noqa: F401
from sociallab.content.mentions import extract_mentions, highlight_mentions  # noqa: F401
from sociallab.content.safeguarding import find_identifying_details  # noqa: F401
