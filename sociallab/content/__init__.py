"""Shared handling of what people write: Markdown, sanitising and mentions (safeguarding has its own package)."""
from sociallab.content.markdown import render_markdown  # noqa: F401
from sociallab.content.mentions import extract_mentions, highlight_mentions  # noqa: F401
