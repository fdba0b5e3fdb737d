"""Workflow definitions (TOML files beside this module) and the engine that compiles them."""

from workflows.definition import WorkflowDef, WorkflowDefinitionError, parse_workflow
from workflows.engine import (
    Actor,
    TriggerRefused,
    UnknownTrigger,
    Workflow,
    WorkflowError,
    firing_on,
    get_workflow,
    load_workflows,
)

__all__ = [
    "Actor", "TriggerRefused", "UnknownTrigger", "Workflow", "WorkflowDef",
    "WorkflowDefinitionError", "WorkflowError", "firing_on", "get_workflow", "load_workflows",
    "parse_workflow",
]
