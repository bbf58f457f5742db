"""Case types and letter templates as an administrator sees them, under /cases/types/."""

import io
import json
import re
from html import unescape

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from burgh.cases.models import CaseType, LetterTemplate
from tests.cases.setting import pothole_definition
from tests.cases.test_intake_pages import back_link, error_summary, h1, html_of, text, title
from tests.clients import page_client

TYPES = "/cases/types/"
LETTERS = "/cases/types/letters/"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def admin(cases):
    return page_client(cases.administrator)


def textarea(html: str) -> str:
    match = re.search(r'<textarea[^>]*id="definition"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no definition box"
    return unescape(match.group(1))


def table_rows(html: str) -> list[list[str]]:
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, re.S)
    assert body, "no table"
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    ]


def word_file(*paragraphs: str, name: str = "reminder.docx") -> SimpleUploadedFile:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=DOCX)


def test_every_page_needs_the_permission(cases):
    adviser = page_client(cases.adviser)
    paths = [
        TYPES,
        f"{TYPES}new/",
        f"{TYPES}{cases.pothole.pk}/",
        f"{TYPES}{cases.pothole.pk}/edit/",
        LETTERS,
        f"{LETTERS}new/",
    ]
    for path in paths:
        assert adviser.get(path).status_code == 403, path
    assert adviser.post(f"{TYPES}{cases.pothole.pk}/edit/", {}).status_code == 403


def test_an_unknown_case_type_is_not_found(admin):
    html_of(admin.get(f"{TYPES}00000000-0000-4000-8000-000000000000/"), 404)
    html_of(admin.get(f"{TYPES}00000000-0000-4000-8000-000000000000/edit/"), 404)


def test_the_list_shows_each_type_with_its_sla(admin):
    html = html_of(admin.get(TYPES))

    assert title(html) == "Case types"
    assert back_link(html) == "/"
    assert table_rows(html) == [
        [
            "Child protection referral",
            "Children's Social Work",
            "No",
            "Yes",
            "24 hours; at risk 4 hours before",
            "1",
        ],
        [
            "Pothole",
            "Roads and Transport",
            "Yes",
            "No",
            "5 working days; at risk 1 working day before",
            "1",
        ],
    ]


def test_a_type_shows_its_definition_readably(cases, admin):
    html = html_of(admin.get(f"{TYPES}{cases.pothole.pk}/"))
    words = text(html)

    assert h1(html) == "Pothole"
    assert back_link(html) == TYPES
    assert "SLA 5 working days; at risk 1 working day before" in words
    assert "Possible duplicates Open cases within 25 metres" in words
    statuses = table_rows(html)
    assert statuses[0] == ["Reported First status", "reported", "Open", "Awaiting inspection"]
    assert statuses[2] == [
        "Awaiting contractor",
        "awaiting-contractor",
        "Paused",
        "Awaiting inspection",
    ]
    assert (
        "How deep is it? Radios, required, page 1. Options: Less than 40mm; 40mm or more." in words
    )
    assert "depth is over-40mm Roads Maintenance High" in words
    assert f'href="{TYPES}{cases.pothole.pk}/edit/"' in html


class TestEditing:
    def test_the_definition_is_in_the_box_as_json_that_saves_unchanged(self, cases, admin):
        html = html_of(admin.get(f"{TYPES}{cases.pothole.pk}/edit/"))
        assert title(html) == "Edit the definition of Pothole"
        definition = json.loads(textarea(html))
        assert definition["default_team"] == "kinloch/roads-maintenance"
        assert definition["routing"][0]["priority"] == "high"

        response = admin.post(
            f"{TYPES}{cases.pothole.pk}/edit/",
            {
                "definition": json.dumps({**definition, "name": "Pothole or road defect"}),
                "version": "1",
            },
        )

        assert response["Location"] == f"{TYPES}{cases.pothole.pk}/"
        saved = CaseType.objects.get(code="pothole")
        assert (saved.name, saved.version) == ("Pothole or road defect", 2)
        assert saved.routing == cases.pothole.routing
        assert saved.sla == cases.pothole.sla
        assert "Pothole or road defect saved as version 2." in html_of(
            admin.get(response["Location"])
        )

    def test_every_problem_is_listed_with_where_it_is_and_nothing_saved(self, cases, admin):
        broken = pothole_definition("kinloch/roads-maintenance", sla={"unit": "weeks", "target": 0})
        broken["statuses"][0]["stage"] = "pending"

        html = html_of(
            admin.post(
                f"{TYPES}{cases.pothole.pk}/edit/",
                {"definition": json.dumps(broken), "version": "1"},
            )
        )

        assert title(html).startswith("Error: ")
        problems = error_summary(html)
        assert "statuses/0/stage: Give one of: open, paused, closed." in problems
        assert any(p.startswith("sla/unit: 'weeks' is not a unit") for p in problems)
        assert any(p.startswith("sla/target: The target must be a whole number") for p in problems)
        assert f"The definition has {len(problems)} problems" in html
        assert html.count('<a href="#definition">') == len(problems)
        # What was typed stays in the box.
        assert '"pending"' in textarea(html)
        assert CaseType.objects.get(code="pothole").version == 1

    def test_text_that_is_not_json_says_where(self, cases, admin):
        html = html_of(
            admin.post(
                f"{TYPES}{cases.pothole.pk}/edit/", {"definition": '{"code": ', "version": "1"}
            )
        )

        assert error_summary(html) == ["This is not JSON: Expecting value at line 1, column 9."]

    def test_the_code_cannot_be_changed(self, cases, admin):
        definition = pothole_definition("kinloch/roads-maintenance", code="road-defect")

        html = html_of(
            admin.post(
                f"{TYPES}{cases.pothole.pk}/edit/",
                {"definition": json.dumps(definition), "version": "1"},
            )
        )

        assert error_summary(html) == [
            "code: Keep the code 'pothole': to make another case type, add a case type."
        ]
        assert not CaseType.objects.filter(code="road-defect").exists()

    def test_a_stale_edit_is_refused_and_kept(self, cases, admin):
        definition = pothole_definition("kinloch/roads-maintenance", name="Mine")
        admin.post(
            f"{TYPES}{cases.pothole.pk}/edit/",
            {
                "definition": json.dumps(
                    pothole_definition("kinloch/roads-maintenance", description="Changed")
                ),
                "version": "1",
            },
        )

        html = html_of(
            admin.post(
                f"{TYPES}{cases.pothole.pk}/edit/",
                {"definition": json.dumps(definition), "version": "1"},
            )
        )

        assert error_summary(html)[0].startswith("Someone saved version 2 while you were editing")
        assert '"Mine"' in textarea(html)
        assert CaseType.objects.get(code="pothole").name == "Pothole"


class TestAdding:
    def test_a_pasted_definition_makes_a_case_type(self, cases, admin):
        definition = pothole_definition(
            "kinloch/roads-maintenance", code="street-light", name="Street light out"
        )
        html = html_of(admin.get(f"{TYPES}new/"))
        assert h1(html) == "Add a case type"
        assert 'enctype="multipart/form-data"' in html

        response = admin.post(f"{TYPES}new/", {"definition": json.dumps(definition)})

        added = CaseType.objects.get(code="street-light")
        assert response["Location"] == f"{TYPES}{added.pk}/"
        assert "Street light out added." in html_of(admin.get(response["Location"]))

    def test_an_uploaded_file_makes_a_case_type(self, cases, admin):
        definition = pothole_definition(
            "kinloch/roads-maintenance", code="gully", name="Blocked gully"
        )
        upload = SimpleUploadedFile(
            "gully.json", json.dumps(definition).encode(), "application/json"
        )

        admin.post(f"{TYPES}new/", {"definition": "", "file": upload})

        assert CaseType.objects.get(code="gully").name == "Blocked gully"

    def test_nothing_given_is_an_error(self, admin):
        html = html_of(admin.post(f"{TYPES}new/", {"definition": ""}))

        assert error_summary(html) == ["Paste the definition, or choose a JSON file"]

    def test_an_existing_code_is_not_overwritten(self, cases, admin):
        definition = pothole_definition("kinloch/roads-maintenance", name="Imposter")

        html = html_of(admin.post(f"{TYPES}new/", {"definition": json.dumps(definition)}))

        assert error_summary(html) == [
            "code: There is already a case type 'pothole': change it on its own page."
        ]
        assert CaseType.objects.get(code="pothole").name == "Pothole"

    def test_a_definition_with_problems_lists_them_all(self, admin):
        html = html_of(admin.post(f"{TYPES}new/", {"definition": json.dumps({"code": "X"})}))

        problems = error_summary(html)
        assert "code: Give a code of 2 to 60 lower-case letters, digits and hyphens." in problems
        assert "name: Give the case type's name." in problems
        assert (
            "default_team: Name the team as organisation/team, e.g. kinloch/roads-maintenance."
            in problems
        )


class TestLetterTemplates:
    def test_uploading_a_template_lists_it_with_the_fields_it_uses(self, cases, admin):
        html = html_of(admin.get(f"{LETTERS}new/"))
        assert title(html) == "Upload a letter template"
        # The fields a template may use.
        assert "reference, title, type, status" in html
        assert re.search(r'<input[^>]*id="case_types"[^>]*value="child-protection-referral"', html)

        response = admin.post(
            f"{LETTERS}new/",
            {
                "code": "pothole-repaired",
                "name": "Pothole repaired",
                "case_types": ["pothole"],
                "template": word_file("Dear {{ person.name }}", "Case {{ case.reference }}"),
            },
        )

        assert response["Location"] == LETTERS
        saved = LetterTemplate.objects.get(code="pothole-repaired")
        assert [t.code for t in saved.case_types.all()] == ["pothole"]
        html = html_of(admin.get(LETTERS))
        assert "Letter template Pothole repaired saved." in html
        assert table_rows(html) == [
            ["Pothole repaired pothole-repaired", "reminder.docx", "case, person", "Pothole", "1"]
        ]

    def test_a_template_using_unknown_fields_is_refused(self, admin):
        html = html_of(
            admin.post(
                f"{LETTERS}new/",
                {
                    "code": "arrears",
                    "name": "Arrears",
                    "template": word_file("You owe {{ total }}"),
                },
            )
        )

        [problem] = error_summary(html)
        assert problem.startswith("The template uses total, which letters cannot fill")
        assert '<a href="#template">' in html
        assert not LetterTemplate.objects.exists()

    def test_a_file_that_is_not_a_word_document_is_refused(self, admin):
        upload = SimpleUploadedFile("letter.docx", b"%PDF-1.4 not a word file", content_type=DOCX)

        html = html_of(
            admin.post(f"{LETTERS}new/", {"code": "x-letter", "name": "X", "template": upload})
        )

        assert len(error_summary(html)) == 1
        assert not LetterTemplate.objects.exists()

    def test_the_form_says_what_is_missing(self, admin):
        html = html_of(admin.post(f"{LETTERS}new/", {"code": "Not A Code"}))

        assert error_summary(html) == [
            "Give a code of 2 to 60 lower-case letters, digits and hyphens",
            "Enter the name",
            "Choose the Word template to upload",
        ]
