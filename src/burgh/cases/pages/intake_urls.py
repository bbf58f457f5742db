"""Intake and case type routes: logging a request (/cases/new/), case types and letter
templates for administrators (/cases/types/)."""

from django.urls import path

from burgh.cases.pages import casetypes, intake

urlpatterns = [
    path("new/", intake.choose_request, name="new"),
    path("new/person/<uuid:person_id>/", intake.for_person, name="new-for-person"),
    path("new/caller/", intake.caller, name="new-caller"),
    path("new/where/", intake.where, name="new-where"),
    path("new/questions/<int:page>/", intake.questions, name="new-questions"),
    path("new/check/", intake.check, name="new-check"),
    path("new/done/", intake.done, name="new-done"),
    path("types/", casetypes.case_types, name="types"),
    path("types/new/", casetypes.new_case_type, name="type-new"),
    path("types/letters/", casetypes.letter_templates, name="letters"),
    path("types/letters/new/", casetypes.new_letter_template, name="letter-new"),
    path("types/<uuid:type_id>/", casetypes.case_type, name="type"),
    path("types/<uuid:type_id>/edit/", casetypes.edit_case_type, name="type-edit"),
]
