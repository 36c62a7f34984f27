"""makemessages without fuzzy matching.

msgmerge's guesses ("ban" for "Ban Tổ chức") are marked fuzzy and so not used; they only hide new
strings from `msgattrib --untranslated` and from scripts/po_fill.py. New strings stay plainly empty.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
