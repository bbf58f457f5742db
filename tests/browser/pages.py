"""The pages the browser tests open: each is checked with axe-core, for CSP reports, without JS.

Add a `Page` for every new page. `state` says who must be signed in, and how far, before the
page can be opened; `error_form` is a form submission that shows the page's error state (the
error summary and field errors are checked too), or None when the page has no form.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from tests.browser import (
    access_data,
    cases_data,
    flows_data,
    index_data,
    people_data,
    places_data,
    staff_data,
)


class State(StrEnum):
    """How far through signing in the browser must be to see the page."""

    ANONYMOUS = "anonymous"  # nobody signed in
    SIGNED_IN = "signed_in"  # a staff user with no second factor owed
    CODE_OWED = "code_owed"  # password done; the user has an authenticator app, code not yet in
    ENROLMENT_OWED = "enrolment_owed"  # password done; a role needs MFA and there is no app yet
    MFA_VERIFIED = "mfa_verified"  # password and code both done
    ADMINISTRATOR = "administrator"  # an is_staff superuser, for the Django admin site


@dataclass(frozen=True)
class Page:
    url_name: str
    state: State
    description: str
    args: tuple[str, ...] = ()
    error_form: dict[str, str | list[str]] | None = None
    # Text that must be on the page, so a test notices if it shows the wrong thing.
    expect_text: tuple[str, ...] = field(default_factory=tuple)
    # Only for pages that cannot work without scripts (the API documentation is drawn by
    # Swagger UI); every page of the service itself must.
    needs_javascript: bool = False
    # Added to the address after the path, e.g. "?show=reviewed".
    query: str = ""
    # Run after signing in, before the page opens: gives the signed-in user the roles the page
    # needs and makes the records it shows (with the fixed ids `args` names).
    given: Callable[[], None] | None = None


PAGES: list[Page] = [
    # core (helper h3a)
    Page(
        "core:home",
        State.SIGNED_IN,
        "Staff home: teams, roles, account",
        expect_text=("Welcome, Ailsa", "Waste and recycling", "Caseworker"),
    ),
    Page(
        "core:home",
        State.MFA_VERIFIED,
        "Staff home after signing in with a security code",
        expect_text=("Welcome, Ailsa", "You entered a security code"),
    ),
    Page(
        "core:accessibility",
        State.ANONYMOUS,
        "Accessibility statement",
        expect_text=("Accessibility statement", "partially compliant"),
    ),
    Page(
        "core:privacy",
        State.ANONYMOUS,
        "Privacy notice for staff users",
        expect_text=("Privacy notice for staff users", "Cookies"),
    ),
    Page(
        "api:openapi-view",
        State.SIGNED_IN,
        "API documentation (Swagger UI)",
        expect_text=("Burgh API",),
        needs_javascript=True,
    ),
    # staff index
    Page(
        "staff:organisation",
        State.SIGNED_IN,
        "Organisation chart: directorates, services, teams, members",
        given=staff_data.organisation,
        expect_text=("Environmental services", "Waste and recycling", "Led by Ailsa MacLeod"),
    ),
    # identity (helper h3b)
    Page(
        "identity:sign-in",
        State.ANONYMOUS,
        "Sign in with email address and password",
        error_form={"email": "", "password": ""},
        expect_text=("Sign in",),
    ),
    Page(
        "identity:mfa-verify",
        State.CODE_OWED,
        "Enter the code from the authenticator app",
        error_form={"code": "12"},
        expect_text=("Enter your security code",),
    ),
    Page(
        "identity:mfa-setup",
        State.ENROLMENT_OWED,
        "Set up an authenticator app (QR code and key)",
        error_form={"code": "12"},
        expect_text=("Set up two-factor authentication",),
    ),
    Page(
        "identity:mfa-setup",
        State.MFA_VERIFIED,
        "Two-factor authentication is set up",
        expect_text=("Two-factor authentication is set up",),
    ),
    Page(
        "identity:sign-out-everywhere",
        State.SIGNED_IN,
        "Confirm signing out on every other device",
        expect_text=("Sign out everywhere",),
    ),
    Page(
        "identity:tokens",
        State.SIGNED_IN,
        "List, create and revoke API tokens",
        error_form={"name": "", "expires_in_days": "0"},
        expect_text=("API tokens",),
    ),
]

# The Django admin site, used by IT administrators (lead; helper h7). Change pages of existing
# records need ids made at test time, so tests/browser/test_admin_pages.py checks those.
# An autocomplete field (select2) can only offer a new choice by asking the server from a
# script, so an add page with a required one is listed as needing JavaScript.
PAGES += [
    Page("admin:index", State.ADMINISTRATOR, "Admin site: index", expect_text=("Identity",)),
    Page(
        "admin:app_list",
        State.ADMINISTRATOR,
        "Admin site: the identity section",
        args=("identity",),
        expect_text=("Identity", "Organisations", "Api tokens"),
    ),
    Page(
        "admin:password_change",
        State.ADMINISTRATOR,
        "Admin site: change your own password",
        expect_text=("Password change",),
    ),
    Page(
        "admin:flows_webhook_add",
        State.ADMINISTRATOR,
        "Admin site: register a webhook processes may call",
        expect_text=("Add webhook",),
    ),
    Page(
        "admin:identity_user_changelist",
        State.ADMINISTRATOR,
        "Admin site: users",
        expect_text=("Select user to change", "ailsa.macleod@kinloch.example"),
    ),
    Page(
        "admin:identity_user_add",
        State.ADMINISTRATOR,
        "Admin site: add a user",
        expect_text=("Add user",),
    ),
    Page(
        "admin:identity_organisation_changelist",
        State.ADMINISTRATOR,
        "Admin site: organisations",
        expect_text=("Select organisation to change",),
    ),
    Page(
        "admin:identity_organisation_add",
        State.ADMINISTRATOR,
        "Admin site: add an organisation",
        expect_text=("Add organisation",),
    ),
    Page(
        "admin:identity_team_changelist",
        State.ADMINISTRATOR,
        "Admin site: teams",
        expect_text=("Select team to change", "Waste and recycling"),
    ),
    Page(
        "admin:identity_team_add",
        State.ADMINISTRATOR,
        "Admin site: add a team",
        expect_text=("Add team",),
        needs_javascript=True,
    ),
    Page(
        "admin:identity_membership_changelist",
        State.ADMINISTRATOR,
        "Admin site: team memberships",
        expect_text=("Select membership to change",),
    ),
    Page(
        "admin:identity_membership_add",
        State.ADMINISTRATOR,
        "Admin site: add a team membership",
        expect_text=("Add membership",),
        needs_javascript=True,
    ),
    Page(
        "admin:identity_role_changelist",
        State.ADMINISTRATOR,
        "Admin site: roles",
        expect_text=("Select role to change", "Caseworker"),
    ),
    Page(
        "admin:identity_role_add",
        State.ADMINISTRATOR,
        "Admin site: add a role",
        expect_text=("Add role", "Sign-in"),
    ),
    Page(
        "admin:identity_roleassignment_changelist",
        State.ADMINISTRATOR,
        "Admin site: role assignments",
        expect_text=("Select role assignment to change",),
    ),
    Page(
        "admin:identity_roleassignment_add",
        State.ADMINISTRATOR,
        "Admin site: give someone a role",
        expect_text=("Add role assignment",),
        needs_javascript=True,
    ),
    Page(
        "admin:identity_apitoken_changelist",
        State.ADMINISTRATOR,
        "Admin site: API tokens (read-only)",
        expect_text=("Select api token to view",),
    ),
    Page(
        "admin:identity_oidcidentity_changelist",
        State.ADMINISTRATOR,
        "Admin site: links to the identity provider (read-only)",
        expect_text=("Select identity provider link to view",),
    ),
    Page(
        "admin:auth_group_changelist",
        State.ADMINISTRATOR,
        "Admin site: permission groups",
        expect_text=("Select group to change",),
    ),
    Page(
        "admin:auth_group_add",
        State.ADMINISTRATOR,
        "Admin site: add a permission group",
        expect_text=("Add group",),
    ),
]

# Information-governance pages (helper: access pages). Ailsa is made an information-governance
# officer, and the register filled, by access_data.governance_records.
_GOVERNANCE = access_data.governance_records
PAGES += [
    Page(
        "access:index",
        State.SIGNED_IN,
        "Governance home: the sections an officer may use",
        expect_text=("Governance", "Data-sharing agreements", "Emergency access"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:agreements",
        State.SIGNED_IN,
        "Data-sharing agreements register",
        expect_text=("DSA-2026-001", "In force", "Review overdue"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:agreement-new",
        State.SIGNED_IN,
        "Add a data-sharing agreement (checkboxes, radios, date inputs, select)",
        error_form={"reference": "", "title": "", "starts_on_day": "31", "starts_on_month": "2"},
        expect_text=("Add a data-sharing agreement", "NHS Kinloch", "Date of birth"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:agreement",
        State.SIGNED_IN,
        "A data-sharing agreement, with its consents",
        args=(access_data.AGREEMENT_ID,),
        expect_text=("Hospital discharge support", "Consents recorded"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:agreement-edit",
        State.SIGNED_IN,
        "Change a data-sharing agreement",
        args=(access_data.AGREEMENT_ID,),
        error_form={"title": "", "review_on_year": "26"},
        expect_text=("Change the agreement", "DSA-2026-001"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:agreement-terminate",
        State.SIGNED_IN,
        "Terminate a data-sharing agreement",
        args=(access_data.AGREEMENT_ID,),
        error_form={"reason": ""},
        expect_text=("NHS Kinloch will lose access",),
        given=_GOVERNANCE,
    ),
    Page(
        "access:restrictions",
        State.SIGNED_IN,
        "Live restrictions, overdue reviews first",
        expect_text=("Restricted records", "Hamish Ross"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:restriction-new",
        State.SIGNED_IN,
        "Restrict a record: which record",
        error_form={"record": "not-an-id"},
        expect_text=("Restrict a record",),
        given=_GOVERNANCE,
    ),
    Page(
        "access:restriction-new",
        State.SIGNED_IN,
        "Restrict a record: category, reason, named people, review period",
        query=f"?kind=people.person&record={access_data.PERSON_ID}",
        error_form={"reason": "", "named_users": "", "review_every_months": "0"},
        expect_text=("Restrict this record", "Eilidh Fraser"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:restriction",
        State.SIGNED_IN,
        "A restriction: named people, review, lift",
        args=(access_data.RESTRICTION_ID,),
        error_form={"reason": ""},
        expect_text=("Restriction on Hamish Ross", "Lift the restriction"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:break-glass",
        State.SIGNED_IN,
        "Emergency access awaiting review",
        expect_text=("Awaiting review (1)", "Duncan Reid", "Active now"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:break-glass",
        State.SIGNED_IN,
        "Emergency access already reviewed",
        query="?show=reviewed",
        expect_text=("Appropriate", "Flooding on the street"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:break-glass-review",
        State.SIGNED_IN,
        "Review one use of emergency access",
        args=(access_data.GRANT_ID,),
        error_form={"notes": "", "outcome": ["inappropriate"]},
        expect_text=("Duncan Reid opened Eilidh Fraser", "Took emergency access"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:records",
        State.SIGNED_IN,
        "Find a record's access log",
        error_form={"record": "12"},
        expect_text=("Who has seen a record",),
        given=_GOVERNANCE,
    ),
    Page(
        "access:record-access",
        State.SIGNED_IN,
        "Who has seen a record, and checking someone's access",
        args=(access_data.PERSON, access_data.PERSON_ID),
        error_form={"check-email": "nobody@kinloch.example"},
        expect_text=("Who has seen this record", "Refused", "See the emergency access"),
        given=_GOVERNANCE,
    ),
    Page(
        "access:record-access",
        State.SIGNED_IN,
        "Why someone may or may not see a record",
        args=(access_data.PERSON, access_data.PERSON_ID),
        query="?check-email=duncan.reid%40kinloch.example&check-purpose=safeguarding"
        "&check-action=view",
        expect_text=("Refused", "No role of theirs allows it"),
        given=_GOVERNANCE,
    ),
]

# People pages (helper: people API and pages). Ailsa is made a social worker, with Morag on her
# team's caseload and Ewan unknown to her, by people_data.social_worker.
_SOCIAL_WORKER = people_data.social_worker
PAGES += [
    Page(
        "people:search",
        State.SIGNED_IN,
        "Find a person: name and date of birth (GOV.UK date input)",
        error_form={"q": "", "born_on_day": "31", "born_on_month": "2", "born_on_year": "1990"},
        expect_text=("Find a person", "Why you are looking"),
        given=_SOCIAL_WORKER,
    ),
    Page(
        "people:search",
        State.SIGNED_IN,
        "Find a person: results, a withheld cell, the export link",
        query="?q=m",
        expect_text=("2 people found", "Not shared with you", "Export these results (CSV)"),
        given=people_data.social_worker_with_directory,
    ),
    Page(
        "people:purpose",
        State.SIGNED_IN,
        "Why are you looking? (the purpose for the session)",
        query="?next=/people/",
        expect_text=("Why are you looking?", "Safeguarding a child or an adult at risk"),
        given=_SOCIAL_WORKER,
    ),
    Page(
        "people:person",
        State.SIGNED_IN,
        "A person's record: summary, involvements, sharing and consent",
        args=(people_data.MORAG_ID,),
        expect_text=("Morag Campbell", "Child protection plan", "Sharing and consent"),
        given=_SOCIAL_WORKER,
    ),
    Page(
        "people:emergency-access",
        State.SIGNED_IN,
        "Take emergency access to a person with no relationship",
        args=(people_data.EWAN_ID,),
        error_form={"reason": ""},
        expect_text=("Emergency access to a person record", "reviews every use"),
        given=_SOCIAL_WORKER,
    ),
    Page(
        "people:consent-new",
        State.SIGNED_IN,
        "Record consent or another lawful basis",
        args=(people_data.MORAG_ID,),
        error_form={"given_by": ""},
        expect_text=("Record consent or another lawful basis", "DSA-2026-001"),
        given=_SOCIAL_WORKER,
    ),
    Page(
        "people:consent-withdraw",
        State.SIGNED_IN,
        "Withdraw consent",
        args=(people_data.MORAG_ID, people_data.CONSENT_ID),
        error_form={"withdrawn_by": ""},
        expect_text=("Withdraw consent", "Hospital discharge support"),
        given=_SOCIAL_WORKER,
    ),
]

# The person index's pages (helper D). Ailsa is made a data steward, and residents sent
# through the index with fixed ids, by index_data.steward_records.
_STEWARD = index_data.steward_records
PAGES += [
    Page(
        "people:reviews",
        State.SIGNED_IN,
        "Matches to review: the pairs waiting, oldest first, with their weight",
        expect_text=("Matches to review", "1 pair is waiting", "I MacKay"),
        given=_STEWARD,
    ),
    Page(
        "people:review",
        State.SIGNED_IN,
        "A review: the two records side by side, the match explanation, the decision",
        args=(index_data.REVIEW_ID,),
        error_form={"note": "Checked the tenancy file"},
        expect_text=("Are these the same person?", "Only one has it", "Total weight"),
        given=_STEWARD,
    ),
    Page(
        "people:person",
        State.SIGNED_IN,
        "A person's golden record: each value's source, the source records, merges",
        args=(index_data.ISLA_ID,),
        expect_text=("Where these details come from", "Source records", "Unmerge"),
        given=_STEWARD,
    ),
    Page(
        "people:person",
        State.SIGNED_IN,
        "An id merged into another person: where it went",
        args=(index_data.RETIRED_ID,),
        expect_text=("This record was merged", "Go to Isla MacKay"),
        given=_STEWARD,
    ),
    Page(
        "people:override",
        State.SIGNED_IN,
        "Set the value of one detail (text) over every source",
        args=(index_data.ISLA_ID, "family_name"),
        error_form={"value": "", "reason": ""},
        expect_text=("Family name: set the value to use",),
        given=_STEWARD,
    ),
    Page(
        "people:override",
        State.SIGNED_IN,
        "Set the date of birth over every source (GOV.UK date input)",
        args=(index_data.ISLA_ID, "date_of_birth"),
        error_form={"value_day": "31", "value_month": "2", "value_year": "1990", "reason": "x"},
        expect_text=("Date of birth: set the value to use", "14 May 1990"),
        given=_STEWARD,
    ),
    Page(
        "people:merge",
        State.SIGNED_IN,
        "Merge: find the other person by name",
        args=(index_data.ISLA_ID,),
        query="?other=Iona+MacKay",
        error_form={"other": ""},
        expect_text=("Merge another person into Isla MacKay", "Compare and merge"),
        given=_STEWARD,
    ),
    Page(
        "people:merge-confirm",
        State.SIGNED_IN,
        "Merge: check the two people side by side, then give the reason",
        args=(index_data.ISLA_ID, index_data.OTHER_ID),
        error_form={"reason": ""},
        expect_text=("Check before you merge", "Do they agree?"),
        given=_STEWARD,
    ),
    Page(
        "people:unmerge",
        State.SIGNED_IN,
        "Unmerge: split a merged person back out",
        args=(index_data.MERGE_ID,),
        error_form={"reason": ""},
        expect_text=("Unmerge person", "Thought to be one person"),
        given=_STEWARD,
    ),
    Page(
        "people:search",
        State.SIGNED_IN,
        "Find a person: best matches for a misspelt name and a postcode",
        query="?q=Ilsa+McKay&postcode=KL1+4QT",
        expect_text=("Best matches", "Isla MacKay"),
        given=_STEWARD,
    ),
]

# The place pages. Ailsa is made the gazetteer custodian, with a tenement street, a resident
# and an address to review, by places_data.custodian.
_CUSTODIAN = places_data.custodian
PAGES += [
    Page(
        "places:find",
        State.SIGNED_IN,
        "Find an address: postcode and building, or type the address",
        error_form={"postcode": "KL2"},
        expect_text=("Find an address", "Building name or number (optional)"),
        given=_CUSTODIAN,
    ),
    Page(
        "places:find",
        State.SIGNED_IN,
        "Select an address: the addresses at a postcode",
        query="?postcode=kl24ab&building=",
        expect_text=("6 addresses found", "Flat 0/1, 14 Burnside Crescent"),
        given=_CUSTODIAN,
    ),
    Page(
        "places:find",
        State.SIGNED_IN,
        "Select an address: the best candidates for a typed address",
        query="?address=2%2F1+14+burnside+cres",
        expect_text=("Addresses like", "Flat 2/1, 14 Burnside Crescent"),
        given=_CUSTODIAN,
    ),
    Page(
        "places:property",
        State.SIGNED_IN,
        "A property: address, services, residents, gazetteer history",
        args=(places_data.FLAT_UPRN,),
        expect_text=("Kinloch Tuesday round 2", "Morven Gillies", "Added"),
        given=_CUSTODIAN,
    ),
    Page(
        "places:reviews",
        State.SIGNED_IN,
        "Addresses to review, oldest first",
        expect_text=("1 address waiting", "flat 3, 14 burnside cres"),
        given=_CUSTODIAN,
    ),
    Page(
        "places:review",
        State.SIGNED_IN,
        "An address to review: candidates with why they scored, or not in the gazetteer",
        args=(places_data.REVIEW_ID,),
        expect_text=("Which property does this address mean?", "It is not in the gazetteer"),
        given=_CUSTODIAN,
    ),
    Page(
        "places:imports",
        State.SIGNED_IN,
        "Gazetteer imports, newest first",
        expect_text=("llpg-extract.csv", "Added"),
        given=_CUSTODIAN,
    ),
]

# cases. Ailsa leads the roads team (a pothole with work on it, a closed pothole) and the
# children's team (a sensitive referral), and administers case types, by cases_data.case_worker.
_CASES = cases_data.case_worker
_POTHOLE = (cases_data.POTHOLE_ID,)
PAGES += [
    Page(
        "cases:my-cases",
        State.SIGNED_IN,
        "My cases: the open cases allocated to me",
        expect_text=("1 open case allocated to you", "Referral from school"),
        given=_CASES,
    ),
    Page(
        "cases:team-queue",
        State.SIGNED_IN,
        "A team queue: filters, the cases, allocating the selected ones",
        args=(cases_data.ROADS_ID,),
        error_form={"reason": "", "owner": ""},
        expect_text=("Roads Maintenance queue", "Pothole outside number 40", "Take next case"),
        given=_CASES,
    ),
    Page(
        "cases:team-queue",
        State.SIGNED_IN,
        "A team queue filtered to nothing",
        args=(cases_data.ROADS_ID,),
        query="?status=inspection",
        expect_text=("There are no open cases matching the filters",),
        given=_CASES,
    ),
    Page(
        "cases:caseloads",
        State.SIGNED_IN,
        "A team's caseloads: each member's cases, where they are, how long they waited",
        args=(cases_data.ROADS_ID,),
        expect_text=("Caseloads", "Shona Walker", "How long they have waited"),
        given=_CASES,
    ),
    Page(
        "cases:case",
        State.SIGNED_IN,
        "A case: summary, actions, chronology, notes, documents, tasks, decisions, people",
        args=_POTHOLE,
        expect_text=(
            "Pothole outside number 40",
            "Actions",
            "Chronology",
            "Large dog; visit in pairs",
            "Book the contractor",
        ),
        given=_CASES,
    ),
    Page(
        "cases:case",
        State.SIGNED_IN,
        "A sensitive case: every view is recorded",
        args=(cases_data.REFERRAL_ID,),
        expect_text=("Referral from school", "Sensitive: every view is recorded"),
        given=_CASES,
    ),
    Page(
        "cases:case",
        State.SIGNED_IN,
        "A closed case",
        args=(cases_data.CLOSED_ID,),
        expect_text=("Pothole on the bridge", "Repaired"),
        given=_CASES,
    ),
    Page(
        "cases:case-status",
        State.SIGNED_IN,
        "Change a case's status",
        args=_POTHOLE,
        error_form={"note": "Booked"},
        expect_text=("Change the status", "Awaiting inspection"),
        given=_CASES,
    ),
    Page(
        "cases:case-allocate",
        State.SIGNED_IN,
        "Allocate a case: each member's caseload",
        args=_POTHOLE,
        error_form={"owner": [cases_data.IAIN_ID], "reason": ""},
        expect_text=("Allocate the case", "It is with Shona Walker"),
        given=_CASES,
    ),
    Page(
        "cases:case-details",
        State.SIGNED_IN,
        "Change a case's details and its type's answers",
        args=_POTHOLE,
        error_form={"title": ""},
        expect_text=("Change the details", "How deep is it?"),
        given=_CASES,
    ),
    Page(
        "cases:case-note",
        State.SIGNED_IN,
        "Add a note or contact",
        args=_POTHOLE,
        error_form={"body": ""},
        expect_text=("Add a note or contact",),
        given=_CASES,
    ),
    Page(
        "cases:case-note-edit",
        State.SIGNED_IN,
        "Change your note",
        args=(cases_data.POTHOLE_ID, cases_data.NOTE_ID),
        error_form={"body": ""},
        expect_text=("Change your note", "the hole is by the bus stop"),
        given=_CASES,
    ),
    Page(
        "cases:case-document",
        State.SIGNED_IN,
        "Upload a document",
        args=_POTHOLE,
        error_form={"title": "Photo"},
        expect_text=("Upload a document", "The largest file you can upload"),
        given=_CASES,
    ),
    Page(
        "cases:case-document-version",
        State.SIGNED_IN,
        "Upload a new version of a document",
        args=(cases_data.POTHOLE_ID, cases_data.DOCUMENT_ID),
        error_form={"note": "Second inspection"},
        expect_text=("New version of inspection.txt",),
        given=_CASES,
    ),
    Page(
        "cases:case-letter",
        State.SIGNED_IN,
        "Write a letter from a template",
        args=_POTHOLE,
        error_form={"template": []},
        expect_text=("Write a letter", "Pothole report received"),
        given=_CASES,
    ),
    Page(
        "cases:case-task",
        State.SIGNED_IN,
        "Add a task",
        args=_POTHOLE,
        error_form={"title": "", "due_on_day": "31", "due_on_month": "2", "due_on_year": "2030"},
        expect_text=("Add a task", "Who will do it?"),
        given=_CASES,
    ),
    Page(
        "cases:case-task-complete",
        State.SIGNED_IN,
        "Complete a task (done, or no longer needed)",
        args=(cases_data.POTHOLE_ID, cases_data.TASK_ID),
        expect_text=("Complete the task: Book the contractor",),
        given=_CASES,
    ),
    Page(
        "cases:case-decision",
        State.SIGNED_IN,
        "Record a decision",
        args=_POTHOLE,
        error_form={"summary": "", "reasons": ""},
        expect_text=("Record a decision", "a manager must authorise it"),
        given=_CASES,
    ),
    Page(
        "cases:case-decision-authorise",
        State.SIGNED_IN,
        "Authorise another worker's decision",
        args=(cases_data.POTHOLE_ID, cases_data.DECISION_ID),
        error_form={"note": ""},
        expect_text=("Authorise a decision", "Pay the tyre claim"),
        given=_CASES,
    ),
    Page(
        "cases:case-person",
        State.SIGNED_IN,
        "Add a person to a case: search the index, or name someone outside it",
        args=_POTHOLE,
        error_form={"name": ""},
        expect_text=("Add a person to the case", "Someone not in the person index"),
        given=_CASES,
    ),
    Page(
        "cases:case-warning",
        State.SIGNED_IN,
        "Raise a warning about someone on the case",
        args=_POTHOLE,
        error_form={"note": ""},
        expect_text=("Raise a warning", "Morag MacLeod"),
        given=_CASES,
    ),
    Page(
        "cases:case-warning-remove",
        State.SIGNED_IN,
        "Remove a warning",
        args=(cases_data.POTHOLE_ID, cases_data.FLAG_ID),
        error_form={"reason": ""},
        expect_text=("Remove a warning", "Large dog; visit in pairs"),
        given=_CASES,
    ),
    Page(
        "cases:case-link",
        State.SIGNED_IN,
        "Link to another case",
        args=_POTHOLE,
        error_form={"reference": ""},
        expect_text=("Link to another case",),
        given=_CASES,
    ),
    Page(
        "cases:case-merge",
        State.SIGNED_IN,
        "Merge into another case",
        args=_POTHOLE,
        error_form={"reference": "", "reason": ""},
        expect_text=("Merge into another case", "Use this for a duplicate"),
        given=_CASES,
    ),
    Page(
        "cases:case-merge-undo",
        State.SIGNED_IN,
        "Undo a merge",
        args=(cases_data.POTHOLE_ID, cases_data.MERGE_ID),
        error_form={"reason": ""},
        expect_text=("Undo the merge of",),
        given=_CASES,
    ),
    Page(
        "cases:case-close",
        State.SIGNED_IN,
        "Close a case: outcome, closing status, note",
        args=_POTHOLE,
        error_form={"note": "Filled"},
        expect_text=("Close the case", "Below the intervention level"),
        given=_CASES,
    ),
    Page(
        "cases:case-reopen",
        State.SIGNED_IN,
        "Reopen a closed case",
        args=(cases_data.CLOSED_ID,),
        error_form={"reason": ""},
        expect_text=("Reopen the case", "Its SLA clock runs on"),
        given=_CASES,
    ),
    Page(
        "people:person",
        State.SIGNED_IN,
        "A person's record with their Cases and Warnings panels",
        args=(cases_data.MORAG_ID,),
        expect_text=(
            "Child protection referral",
            "Lone-worker risk",
            "Log a request for this person",
        ),
        given=_CASES,
    ),
    # Logging a request (the adviser's journey); later steps start from a journey kept in the
    # session, as the pages before them would have left it.
    Page(
        "cases:new",
        State.SIGNED_IN,
        "Log a request: what is the request?",
        error_form={"case_type": []},
        expect_text=("What is the request?", "Pothole", "Child protection referral"),
        given=_CASES,
    ),
    Page(
        "cases:new-for-person",
        State.SIGNED_IN,
        "Log a request from a person's page: the caller's warnings shown",
        args=(cases_data.MORAG_ID,),
        expect_text=("Caller: Morag MacLeod", "Warnings about Morag MacLeod", "Lone-worker risk"),
        given=_CASES,
    ),
    Page(
        "cases:new-caller",
        State.SIGNED_IN,
        "Log a request: who is calling?",
        error_form={"name": "", "postcode": ""},
        expect_text=("Who is calling?", "Morag MacLeod"),
        given=cases_data.logging_a_pothole,
    ),
    Page(
        "cases:new-where",
        State.SIGNED_IN,
        "Log a request: where is it?",
        error_form={"address": ""},
        expect_text=("Where is it?",),
        given=cases_data.logging_a_pothole,
    ),
    Page(
        "cases:new-questions",
        State.SIGNED_IN,
        "Log a request: the case type's questions",
        args=("1",),
        error_form={"description": "By the bus stop"},
        expect_text=("How deep is it?", "Anything else the caller told you"),
        given=cases_data.pothole_located,
    ),
    Page(
        "cases:new-check",
        State.SIGNED_IN,
        "Log a request: check answers, and the open case at the same place",
        error_form={"duplicate": []},
        expect_text=("Check the request before you log it", "It may already have been reported"),
        given=cases_data.pothole_answered,
    ),
    Page(
        "cases:new-done",
        State.SIGNED_IN,
        "Log a request: the reference to give the caller",
        expect_text=("Request logged", "What to tell the caller"),
        given=cases_data.pothole_logged,
    ),
    # Case types and letter templates (administrators)
    Page(
        "cases:types",
        State.SIGNED_IN,
        "Case types",
        expect_text=("Case types", "Pothole", "Child protection referral"),
        given=_CASES,
    ),
    Page(
        "cases:type",
        State.SIGNED_IN,
        "A case type: statuses, questions, outcomes, decisions, routing",
        args=(cases_data.POTHOLE_TYPE_ID,),
        expect_text=("Statuses and transitions", "How deep is it?", "Routing rules"),
        given=_CASES,
    ),
    Page(
        "cases:type-edit",
        State.SIGNED_IN,
        "Edit a case type's definition (JSON)",
        args=(cases_data.REFERRAL_TYPE_ID,),
        error_form={"definition": "{"},
        expect_text=("Edit the definition", "child-protection-referral"),
        given=_CASES,
    ),
    Page(
        "cases:type-new",
        State.SIGNED_IN,
        "Add a case type: paste or upload its definition",
        error_form={"definition": ""},
        expect_text=("Add a case type",),
        given=_CASES,
    ),
    Page(
        "cases:letters",
        State.SIGNED_IN,
        "Letter templates",
        expect_text=("Letter templates", "Pothole report received"),
        given=_CASES,
    ),
    Page(
        "cases:letter-new",
        State.SIGNED_IN,
        "Upload a letter template",
        error_form={"code": "Not A Code", "name": ""},
        expect_text=("Upload a letter template", "What a template may use"),
        given=_CASES,
    ),
    # Process flows (administrators and process analysts)
    Page(
        "flows:processes",
        State.SIGNED_IN,
        "Process flows: deployed processes and decision tables",
        expect_text=("Process flows", "Pothole repair", "pothole_priority"),
        given=flows_data.deployed,
    ),
    Page(
        "flows:deploy",
        State.SIGNED_IN,
        "Deploy BPMN and DMN files, with the actions a service task may call",
        expect_text=("Deploy process flows", "create_task", "request_authorisation"),
        given=flows_data.analyst,
    ),
    Page(
        "flows:task",
        State.SIGNED_IN,
        "A step of a case's process: its form from the BPMN user task",
        args=(flows_data.STEP_ID,),
        error_form={"depth_mm": "deep"},
        expect_text=("Inspect the pothole", "How bad is it?", "Depth in millimetres"),
        given=flows_data.step_waiting,
    ),
    Page(
        "flows:team",
        State.SIGNED_IN,
        "A team leader's view of the team's processes",
        args=(cases_data.ROADS_ID,),
        expect_text=("Processes", "Pothole repair", "Inspect the pothole"),
        given=flows_data.step_waiting,
    ),
    Page(
        "flows:case-diagram",
        State.SIGNED_IN,
        "A case's process diagram (drawn by bpmn-js; the current step in words without it)",
        args=(flows_data.PROCESS_CASE_ID,),
        expect_text=("Pothole repair", "The case is at:", "Inspect the pothole"),
        given=flows_data.step_waiting,
    ),
    Page(
        "flows:move",
        State.SIGNED_IN,
        "Preview moving running cases from one version of a process to another",
        args=("pothole",),
        query="?source=1&target=2",
        expect_text=("What moves where", "Inspect it", "1 can move"),
        given=flows_data.two_versions,
    ),
    Page(
        "flows:process",
        State.SIGNED_IN,
        "A process's versions and files",
        args=("pothole",),
        expect_text=("Pothole repair", "pothole.bpmn"),
        given=flows_data.deployed,
    ),
]
