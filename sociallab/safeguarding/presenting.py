"""How findings look: the author's text with each passage marked and its reason said."""
from flask import g, render_template
from markupsafe import Markup, escape

from sociallab.safeguarding import detector


def highlighted(text, findings):
    """`text` (escaped) with each finding in <mark>, its reason after it for screen readers too."""
    text = text or ""
    pieces, position = [], 0
    for finding in findings:
        if isinstance(finding, dict):
            finding = detector.Finding.from_dict(finding)
        if finding.start < position or finding.end > len(text):
            continue
        pieces.append(escape(text[position:finding.start]))
        pieces.append(Markup('<mark class="identifying">{}</mark><span class="identifying-reason"> ({})</span>')
                      .format(text[finding.start:finding.end], finding.reason))
        position = finding.end
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)


def safeguarding_warning():
    """Inside a form shown again after IdentifyingDetails: the passages and the author's choices.
    The buttons submit the same form, so nothing typed is lost."""
    error = g.get("safeguarding_error")
    if error is None:
        return ""
    return Markup(render_template("safeguarding/_warning.html", error=error))  # noqa: S704 # nosec B704 # autoescaped
