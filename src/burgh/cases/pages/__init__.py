"""The case pages: logging a request, queues, the case page, case types, the person panel."""
