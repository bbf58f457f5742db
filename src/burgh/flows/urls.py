"""Process flow pages, under /flows/."""

from django.urls import path

from burgh.flows import pages, work_pages

app_name = "flows"

urlpatterns = [
    path("", pages.processes, name="processes"),
    path("deploy/", pages.deploy, name="deploy"),
    path("processes/<str:key>/", pages.process, name="process"),
    path("processes/<str:key>/move/", pages.move, name="move"),
    path("processes/<str:key>/v<int:number>.bpmn", pages.process_file, name="process-file"),
    path("steps/<uuid:task_id>/", work_pages.task, name="task"),
    path("teams/<uuid:team_id>/", work_pages.team_processes, name="team"),
    path("cases/<uuid:case_id>/diagram/", work_pages.case_diagram, name="case-diagram"),
    path("cases/<uuid:case_id>/retry/", work_pages.retry_process, name="retry"),
    path(
        "cases/<uuid:case_id>/diagram.bpmn", work_pages.case_diagram_file, name="case-diagram-file"
    ),
]
