"""Search over everything people write, behind one small interface: index, remove, query.

Models opt in with SearchableMixin (see sociallab/search/mixin.py): they describe themselves as
a plain document and are re-indexed after commit. No view imports Whoosh.
"""
