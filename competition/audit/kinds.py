"""What the general audit log records: each kind of row (see competition.audit.operations.record);
the audit page names each (competition.audit.views)."""

from __future__ import annotations

KINDS = (
    "sign_in", "sign_in.failed", "user.created",
    "password.changed", "password.reset", "password.chosen",
    "user.activated", "user.deactivated", "role.granted", "role.revoked",
    "entry.created", "entry.edited", "evidence.added", "evidence.removed",
    "competition.created", "competition.cloned", "competition.renamed", "schedule.changed",
    "units_rule.changed",
    "category.added", "category.renamed", "category.removed",
    "round.added", "round.changed", "criterion.added", "criterion.removed",
    "criterion.changed", "criteria.reordered",
    "award.added", "award.removed", "award.changed", "awards.reordered", "rules.changed", "tie.decided",
    "panel.created", "assignment.added", "assignments.planned", "conflict.declared",
    "scores.draft_saved", "results.sealed", "api_token.created", "api_token.revoked", "scores.imported",
    "iid.claimed", "iid.verified", "iid.region_set", "ceremony.settings_changed",
    "messages.sent",
)
