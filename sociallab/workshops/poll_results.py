"""A poll's results, as the live room announces them and the minutes record them."""
from sqlalchemy import func

from sociallab.extensions import db
from sociallab.workshops.models import PollVote


def poll_counts(poll):
    """Votes per option id (as strings: JSON object keys)."""
    counts = dict(db.session.execute(db.select(PollVote.option_id, func.count(PollVote.id))
                                     .where(PollVote.poll_id == poll.id).group_by(PollVote.option_id)).all())
    return {str(o.id): counts.get(o.id, 0) for o in poll.options}


def poll_voters(poll):
    """How many people voted (a person choosing several options counts once)."""
    return db.session.scalar(db.select(func.count(func.distinct(PollVote.user_id)))
                             .where(PollVote.poll_id == poll.id))
