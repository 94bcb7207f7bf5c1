from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


def _drop_index(sender, instance, **kwargs):
    # a source deleted with its system or organisation, not only by disconnect_source: its
    # items leave the index as soon as the deletion is committed
    from waarborg.documents import index

    source_id = instance.pk
    transaction.on_commit(lambda: index.drop_source(source_id))


class DocumentsConfig(AppConfig):
    name = "waarborg.documents"
    label = "documents"
    verbose_name = _("Mail and documents")

    def ready(self):
        post_delete.connect(
            _drop_index, sender="documents.DocumentSource", dispatch_uid="documents-drop-index"
        )
