"""Process flows' services: deploying definitions (`deploy`) and running them for cases
(`running`). Pages, the API, the command and other contexts call these, never the models."""

from burgh.flows.services.deploy import (
    DEPLOY,
    DeploymentRefusedError,
    DeployResult,
    decision_summaries,
    deploy_definitions,
    latest_decision,
    latest_process,
    may_deploy,
    process_summaries,
    process_version,
    process_versions,
)
from burgh.flows.services.running import (
    broadcast_signal,
    complete_task,
    deliver_message,
    retry,
    send_message,
    send_signal,
    start_for_case,
    step_for,
    sweep_timers,
    where_now,
)

__all__ = [
    "DEPLOY",
    "DeployResult",
    "DeploymentRefusedError",
    "broadcast_signal",
    "complete_task",
    "decision_summaries",
    "deliver_message",
    "deploy_definitions",
    "latest_decision",
    "latest_process",
    "may_deploy",
    "process_summaries",
    "process_version",
    "process_versions",
    "retry",
    "send_message",
    "send_signal",
    "start_for_case",
    "step_for",
    "sweep_timers",
    "where_now",
]
