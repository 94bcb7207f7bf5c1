"""Every state change of a data subject request, audited, with its e-mails sent on commit.

The flow: intake (public form, staff entry or API) -> identity (link to the given address, staff
decision with a reason, or an ID copy checked and deleted) -> one task per system and per
recipient -> the answer per kind (package, confirmation or refusal) -> closure, keeping a
minimal record. Art. 12 GDPR throughout: one month from receipt, extensible once by two months.

One module per step; everything is importable from here.
"""

from waarborg.requests.actions.answer import (  # noqa: F401
    _answer_context,
    _routes,
    close_request,
    held_data,
    refuse_request,
    send_answer,
)
from waarborg.requests.actions.calendar import (  # noqa: F401
    calendar_feed,
    make_calendar_link,
    revoke_calendar_link,
)
from waarborg.requests.actions.common import (  # noqa: F401
    AUTOMATIC,
    CHANGING,
    DOWNLOAD_SALT,
    ID_SALT,
    PORTABLE_BASES,
    VERIFY_SALT,
    WORKING_ROLES,
    RequestError,
    _check_handler,
    _clock_start,
    _context,
    _due,
    _email_in,
    _kind_label,
    _mail_person,
    _party_language,
    allow,
    contact_line,
    letter_text,
    local_date,
    settings_for,
)
from waarborg.requests.actions.document_erasure import (  # noqa: F401
    delete_listed_messages,
    erasure_plan,
    erasure_state,
    interrupted_deletions,
    listed_messages,
    listing_token,
    mark_deleted_by_hand,
    recover_deletion,
    set_hold,
    task_source,
)
from waarborg.requests.actions.documents import (  # noqa: F401
    DOCUMENT_KINDS,
    check_documents_reviewed,
    document_sources,
    find_documents,
    hit_copy,
    included_items,
    redact,
    review_hit,
    search_identities,
)
from waarborg.requests.actions.files import (  # noqa: F401
    _store_file,
    build_package,
    download_link,
    open_file,
    package_failure,
    package_from_token,
    package_is_large,
    package_out_of_date,
    prune_links,
    purge_files,
    queue_package,
    record_download,
    record_package_failure,
)
from waarborg.requests.actions.identifiers import (  # noqa: F401
    check_claimed,
    claimed_identities,
    decide_claimed,
    identifier_values,
    known_address,
    pending_decision,
    record_identity_check,
    verified_identities,
)
from waarborg.requests.actions.identity import (  # noqa: F401
    _address_tag,
    _person_link,
    _read,
    check_id_copy,
    link_for,
    link_spent,
    request_from_token,
    request_id_copy,
    spend_link,
    upload_id_copy,
    verify_request,
)
from waarborg.requests.actions.intake import (  # noqa: F401
    _clean_phone,
    _next_reference,
    _send_acknowledgement,
    assign_request,
    create_request,
    email_verified,
    extend_deadline,
    resend_verification,
)
from waarborg.requests.actions.outcomes import (  # noqa: F401
    automatic_outcome,
    unresolved_tasks,
    waive_open_tasks,
    waive_task,
)
from waarborg.requests.actions.reminders import (  # noqa: F401
    attention,
    send_reminders,
)
from waarborg.requests.actions.rights import (  # noqa: F401
    announce_lifting,
    check_refusal,
    lift_restriction,
    liftable,
    record_not_feasible,
    restrict_pending_objection,
    transmit,
)
from waarborg.requests.actions.tasks import (  # noqa: F401
    _complete_task,
    _jsonable_result,
    _person_keys,
    _recipient_context,
    _run_ledger_task,
    _source_of,
    _summary,
    concerned_activities,
    controller_letter,
    create_tasks,
    forward_to_controller,
    notify_recipient,
    open_tasks,
    recipient_letter,
    recipients,
    relevant_systems,
    run_task,
    update_task,
)
from waarborg.requests.actions.wording import (  # noqa: F401
    preview_letter,
    restore_letter,
    save_letter,
    save_settings,
)
