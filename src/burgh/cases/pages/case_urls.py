"""The queue pages and the case page with its actions, under /cases/ (`cases:case` is the case
page other contexts link to)."""

from django.urls import URLPattern, path

from burgh.cases.pages import case, case_actions, case_work, queues

urlpatterns: list[URLPattern] = [
    path("", queues.my_cases, name="my-cases"),
    path("export", queues.export, name="export"),
    path("teams/<uuid:team_id>/", queues.team_queue, name="team-queue"),
    path("teams/<uuid:team_id>/take-next/", queues.take_next, name="take-next"),
    path("teams/<uuid:team_id>/caseloads/", queues.caseloads, name="caseloads"),
    path("<uuid:case_id>/", case.case, name="case"),
    path("<uuid:case_id>/chronology.pdf", case.chronology_pdf, name="case-chronology-pdf"),
    path(
        "<uuid:case_id>/documents/<int:version_id>/download/",
        case.download,
        name="case-download",
    ),
    path("<uuid:case_id>/status/", case_actions.change_status, name="case-status"),
    path("<uuid:case_id>/allocate/", case_actions.allocate, name="case-allocate"),
    path("<uuid:case_id>/details/", case_actions.details, name="case-details"),
    path("<uuid:case_id>/close/", case_actions.close, name="case-close"),
    path("<uuid:case_id>/reopen/", case_actions.reopen, name="case-reopen"),
    path("<uuid:case_id>/links/new/", case_actions.link, name="case-link"),
    path("<uuid:case_id>/merge/", case_actions.merge, name="case-merge"),
    path(
        "<uuid:case_id>/merges/<uuid:merge_id>/undo/",
        case_actions.undo_merge,
        name="case-merge-undo",
    ),
    path(
        "<uuid:case_id>/chronology/<int:entry_id>/significant/",
        case_actions.significant,
        name="case-significant",
    ),
    path("<uuid:case_id>/notes/new/", case_work.add_note, name="case-note"),
    path("<uuid:case_id>/notes/<uuid:note_id>/edit/", case_work.edit_note, name="case-note-edit"),
    path("<uuid:case_id>/documents/new/", case_work.add_document, name="case-document"),
    path(
        "<uuid:case_id>/documents/<uuid:document_id>/versions/new/",
        case_work.add_version,
        name="case-document-version",
    ),
    path("<uuid:case_id>/letters/new/", case_work.write_letter, name="case-letter"),
    path("<uuid:case_id>/tasks/new/", case_work.add_task, name="case-task"),
    path(
        "<uuid:case_id>/tasks/<uuid:task_id>/complete/",
        case_work.finish_task,
        name="case-task-complete",
    ),
    path("<uuid:case_id>/decisions/new/", case_work.record_decision, name="case-decision"),
    path(
        "<uuid:case_id>/decisions/<uuid:decision_id>/authorise/",
        case_work.authorise_decision,
        name="case-decision-authorise",
    ),
    path("<uuid:case_id>/people/new/", case_work.add_person, name="case-person"),
    path("<uuid:case_id>/warnings/new/", case_work.raise_warning, name="case-warning"),
    path(
        "<uuid:case_id>/warnings/<uuid:flag_id>/remove/",
        case_work.remove_warning,
        name="case-warning-remove",
    ),
]
