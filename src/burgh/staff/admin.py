"""The admin site for the staff index: line management, the skills catalogue, capacity, and
what identity providers provisioned."""

from django.contrib import admin

from burgh.identity.admin import AuditedAdmin
from burgh.staff.models import (
    LineManagement,
    Skill,
    StaffCapacity,
    StaffProfile,
    StaffSkill,
    TeamProvisioning,
)


@admin.register(LineManagement)
class LineManagementAdmin(AuditedAdmin):
    list_display = ["staff", "manager", "valid_from", "valid_to"]
    search_fields = ["staff__full_name", "staff__email", "manager__full_name"]
    autocomplete_fields = ["staff", "manager"]


@admin.register(Skill)
class SkillAdmin(AuditedAdmin):
    list_display = ["name", "category", "slug"]
    list_filter = ["category"]
    search_fields = ["name", "category"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(StaffSkill)
class StaffSkillAdmin(AuditedAdmin):
    list_display = ["user", "skill", "level", "valid_from", "valid_to"]
    list_filter = ["skill", "level"]
    search_fields = ["user__full_name", "user__email", "skill__name"]
    autocomplete_fields = ["user", "skill"]


@admin.register(StaffCapacity)
class StaffCapacityAdmin(AuditedAdmin):
    list_display = ["user", "contracted_hours", "caseload_capacity"]
    search_fields = ["user__full_name", "user__email"]
    autocomplete_fields = ["user"]


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    """What the identity provider says; it overwrites changes made here on its next sync."""

    list_display = ["user_name", "user", "external_id", "department", "deprovisioned_at"]
    list_filter = ["department", "division"]
    search_fields = ["user_name", "external_id", "user__full_name", "employee_number"]
    readonly_fields = ["user", "user_name_key", "deprovisioned_at"]


@admin.register(TeamProvisioning)
class TeamProvisioningAdmin(AuditedAdmin):
    list_display = ["team", "external_id", "retired_at"]
    search_fields = ["team__name", "external_id"]
    readonly_fields = ["retired_at"]
