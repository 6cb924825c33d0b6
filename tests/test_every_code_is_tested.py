"""Every catalogue code, and the test that produces it over real HTTP against the emulator.

`CODE_TESTS` maps each code of `mkto.errors.CATALOGUE` to pytest node ids. Every code needs at least one test under
`tests/emulator/` that sets up the code's documented condition and asserts the exact envelope (or, for the HTTP
codes, the exact page or identity body) and message; a client test may be an additional entry. The checks below
read the named tests' sources with `ast`, so the table cannot rot: a renamed or deleted test, a test that no longer
mentions its code, a catalogue or seed code without an entry, or a non-transient code that only a fault plan
produces, each fail by name.

The table is the map; the proof is at run time: tests/_code_proof.py (registered by tests/conftest.py) records
which codes every emulator actually answered to each test, and whether a fault plan produced them, and fails the
session when a code's named test did not pass, never received its code, or (outside `FAULT_ONLY`) received it only
from fault plans; and when any answer's message is none of the English literals pinned in `ENGLISH`.
"""

from __future__ import annotations

import ast
import functools
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mkto import errors
from mkto.errors import Level
from tests.conftest import ROOT, seed_path, skip_or_fail

CODE_TESTS: dict[str, tuple[str, ...]] = {
    # -- HTTP level: the gateway's pages and the identity service's bodies -------------------------------
    "401": (
        "tests/emulator/test_identity.py::test_unknown_client_id_is_401_unauthorized",
        "tests/emulator/test_identity.py::test_wrong_secret_is_401_invalid_client",
        "tests/emulator/test_codes.py::test_401_both_bodies_over_a_form_post_and_never_counted",
    ),
    "413": (
        "tests/emulator/test_leads_gates.py::test_sync_over_1mb_is_413",
        "tests/emulator/test_gates.py::test_body_over_1mb_is_413_nginx_page",
        "tests/emulator/test_gates.py::test_import_takes_10mb_and_refuses_more",
        "tests/client/test_e2e_leads.py::test_413_that_still_happens_splits_and_retries",
    ),
    "414": (
        "tests/emulator/test_leads_gates.py::test_get_lead_by_id_with_an_over_long_query_is_414",
        "tests/emulator/test_gates.py::test_uri_over_8k_is_414_nginx_page",
        "tests/client/test_e2e_core.py::test_414_falls_back_to_post_with_method_get",
    ),
    "500": (
        "tests/emulator/test_codes.py::test_fault_plan_answers_the_catalogue_envelope_and_counts_as_catalogued[500]",
    ),
    "502": (
        "tests/emulator/test_codes.py::test_fault_plan_answers_the_catalogue_envelope_and_counts_as_catalogued[502]",
        "tests/emulator/test_codes.py::test_gateway_fault_is_an_nginx_page_and_counts_as_catalogued[502-Bad Gateway]",
        "tests/emulator/test_faults.py::test_http_fault_answers_an_nginx_page",
        "tests/emulator/test_faults.py::test_response_level_502_is_an_envelope",
        "tests/client/test_e2e_core.py::test_transient_faults_are_retried[http:502]",
    ),
    # -- response level: the pipeline's gates, in docs/architecture.md order -------------------------------
    "601": (
        "tests/emulator/test_identity.py::test_missing_token_is_601",
        "tests/emulator/test_identity.py::test_invalid_token_is_601",
        "tests/emulator/test_codes.py::test_601_missing_or_invalid_token_on_get_leads",
        "tests/client/test_e2e_core.py::test_601_forces_a_fresh_fetch",
    ),
    "602": (
        "tests/emulator/test_identity.py::test_expired_token_is_602",
        "tests/emulator/test_codes.py::test_602_expired_token_on_sync_leads",
        "tests/client/test_e2e_core.py::test_token_expiring_mid_run_is_replaced",
    ),
    "603": (
        "tests/emulator/test_gates.py::test_missing_permission_is_603",
        "tests/emulator/test_gates.py::test_ip_outside_allowlist_is_603",
        "tests/emulator/test_codes.py::test_603_a_read_only_role_cannot_sync_leads",
        "tests/emulator/crm/test_crm.py::test_a_role_without_the_permission_is_603",
        "tests/emulator/assets/test_assets.py::test_a_read_only_asset_role_cannot_create_603",
    ),
    "604": (
        "tests/emulator/test_codes.py::test_fault_plan_answers_the_catalogue_envelope_and_counts_as_catalogued[604]",
        "tests/emulator/test_codes.py::test_604_after_commit_the_sync_ran_but_its_answer_is_lost",
        "tests/emulator/test_faults.py::test_after_commit_runs_the_call_and_loses_the_answer",
        "tests/client/test_e2e_core.py::test_transient_faults_are_retried[604]",
    ),
    "605": (
        "tests/emulator/test_leads_gates.py::test_wrong_method_on_lead_endpoints_is_605",
        "tests/emulator/test_gates.py::test_known_path_wrong_method_is_605_before_auth",
    ),
    "606": (
        "tests/emulator/test_limits.py::test_rate_window_is_606_with_the_limits_in_the_message",
        "tests/emulator/test_limits.py::test_606_default_message_is_100_in_20",
        "tests/emulator/test_codes.py::test_606_more_than_the_rate_window_on_get_leads",
        "tests/client/test_e2e_core.py::test_606_waits_out_the_window",
    ),
    "607": (
        "tests/emulator/test_limits.py::test_daily_quota_is_607_until_midnight_chicago",
        "tests/emulator/test_codes.py::test_607_daily_quota_on_sync_leads",
        "tests/client/test_e2e_core.py::test_607_raises_at_once_with_the_reset_time",
    ),
    "608": (
        "tests/emulator/test_codes.py::test_fault_plan_answers_the_catalogue_envelope_and_counts_as_catalogued[608]",
        "tests/emulator/test_faults.py::test_fault_without_times_stays_until_deleted",
        "tests/client/test_e2e_core.py::test_transient_faults_are_retried[608]",
    ),
    "609": (
        "tests/emulator/test_leads_gates.py::test_sync_with_invalid_json_is_609",
        "tests/emulator/test_gates.py::test_invalid_json_is_609",
    ),
    "610": (
        "tests/emulator/test_gates.py::test_unknown_resource_is_610_even_without_token",
        "tests/emulator/test_codes.py::test_610_unknown_lead_database_resource",
    ),
    "611": (
        "tests/emulator/test_gates.py::test_unhandled_exception_is_611_and_logged",
        "tests/emulator/test_codes.py::test_fault_plan_answers_the_catalogue_envelope_and_counts_as_catalogued[611]",
        "tests/client/test_e2e_core.py::test_611_gets_few_tries_then_raises",
    ),
    "612": (
        "tests/emulator/test_leads_gates.py::test_sync_with_wrong_content_type_is_612",
        "tests/emulator/test_gates.py::test_wrong_content_type_is_612",
    ),
    "613": (
        "tests/emulator/test_codes.py::test_613_a_broken_multipart_body_on_bulk_import_leads",
        "tests/emulator/test_gates.py::test_bad_multipart_is_613",
    ),
    "614": (
        "tests/emulator/test_codes.py::test_fault_plan_answers_the_catalogue_envelope_and_counts_as_catalogued[614]",
        "tests/emulator/test_limits.py::test_answers_that_count[614]",
    ),
    "615": (
        "tests/emulator/test_limits.py::test_more_calls_in_flight_than_concurrency_is_615",
        "tests/emulator/test_codes.py::test_615_more_calls_in_flight_than_the_concurrency_limit_on_get_leads",
        "tests/client/test_e2e_core.py::test_615_waits_for_a_slot",
    ),
    "616": ("tests/emulator/customobjects/test_customobjects.py::test_metadata_api_needs_the_subscription_type_616",),
    # -- response level: the handlers' 7xx -------------------------------------------------------------
    "701": (
        "tests/emulator/assets/test_assets.py::test_create_program_missing_a_required_field_is_701",
        "tests/emulator/leads/test_other.py::test_push_program_name_required",
        "tests/emulator/leads/test_filter.py::test_1002_and_701_filter_parameters",
    ),
    "702": (
        "tests/emulator/lists/test_lists.py::test_update_static_list_metadata",
        "tests/emulator/lists/test_lists.py::test_a_write_naming_a_list_nothing_has_is_702_a_read_warns",
        "tests/emulator/campaigns/test_campaigns.py::test_activating_a_campaign_nothing_has_is_702",
    ),
    "703": (
        "tests/emulator/crm/test_crm.py::test_named_accounts_without_abm_are_703",
        "tests/emulator/test_codes.py::test_fault_plan_answers_the_catalogue_envelope_and_counts_as_catalogued[703]",
    ),
    "704": (
        "tests/emulator/leads/test_other.py::test_704_invalid_date_format",
        "tests/emulator/campaigns/test_campaigns.py::test_a_malformed_runat_is_704",
        "tests/emulator/assets/test_assets.py::test_browse_programs_by_date_and_bad_date_704",
    ),
    "709": (
        "tests/emulator/assets/test_assets.py::test_program_business_rules_709",
        "tests/emulator/activities/test_activities.py::test_custom_type_lifecycle_draft_approve_discard",
        "tests/emulator/customobjects/test_customobjects.py::test_create_a_type_add_fields_approve_and_use_it",
    ),
    "710": (
        "tests/emulator/assets/test_assets.py::test_program_folder_rules_710_711",
        "tests/emulator/lists/test_lists.py::test_unknown_folder_is_710",
    ),
    "711": (
        "tests/emulator/assets/test_assets.py::test_program_folder_rules_710_711",
        "tests/emulator/lists/test_lists.py::test_an_email_folder_refuses_a_static_list_with_711",
        "tests/emulator/campaigns/test_campaigns.py::test_an_email_folder_refuses_a_smart_campaign_with_711",
    ),
    "712": (
        "tests/emulator/crm/test_merge.py::test_person_account_is_712",
        "tests/emulator/crm/test_merge.py::test_a_person_account_on_either_side_is_712_as_the_guide_sets_it_up",
    ),
    "713": (
        "tests/emulator/test_codes.py::test_fault_plan_answers_the_catalogue_envelope_and_counts_as_catalogued[713]",
        "tests/client/test_e2e_core.py::test_transient_faults_are_retried[713]",
    ),
    "714": ("tests/emulator/crm/test_merge.py::test_no_default_record_type_is_714",),
    "718": ("tests/emulator/crm/test_crm.py::test_opportunity_with_an_unknown_sales_person_is_718",),
    "719": (
        "tests/emulator/assets/test_assets.py::test_clone_lock_wait_is_a_fault_plan_719",
        "tests/emulator/test_codes.py::test_719_lock_wait_on_clone_program_in_the_asset_envelope",
        "tests/emulator/test_codes.py::test_fault_plan_answers_the_catalogue_envelope_and_counts_as_catalogued[719]",
    ),
    # -- record level (some also at response level) ------------------------------------------------------
    "1001": (
        "tests/emulator/leads/test_sync.py::test_1001_bad_action",
        "tests/emulator/leads/test_filter.py::test_1001_bad_batch_size",
        "tests/emulator/leads/test_filter.py::test_1001_non_integer_id_filter",
    ),
    "1002": (
        "tests/emulator/leads/test_sync.py::test_1002_update_only_without_lookup_value",
        "tests/emulator/leads/test_other.py::test_push_program_name_required",
        "tests/emulator/leads/test_filter.py::test_1002_and_701_filter_parameters",
    ),
    "1003": (
        "tests/emulator/leads/test_sync.py::test_1003_id_without_update_only",
        "tests/emulator/leads/test_sync.py::test_1003_leads_not_specified",
        "tests/emulator/leads/test_sync.py::test_1003_invalid_field_value_recorded_message",
        "tests/emulator/leads/test_filter.py::test_1003_too_many_results_match_the_filter",
        "tests/emulator/campaigns/test_campaigns.py::test_request_campaign_on_a_batch_campaign_is_1003",
    ),
    "1004": (
        "tests/emulator/leads/test_sync.py::test_1004_update_only_not_found",
        "tests/emulator/lists/test_lists.py::test_add_remove_and_member_of_with_record_level_codes",
        "tests/emulator/activities/test_activities.py::test_add_custom_activities_record_level_codes",
    ),
    "1005": ("tests/emulator/leads/test_sync.py::test_1005_create_only_exists",),
    "1006": (
        "tests/emulator/leads/test_sync.py::test_1006_unknown_field",
        "tests/emulator/leads/test_sync.py::test_1006_unknown_lookup_field",
        "tests/emulator/leads/test_filter.py::test_1006_unknown_field_in_fields",
    ),
    "1007": ("tests/emulator/leads/test_sync.py::test_1007_multiple_leads_match",),
    "1008": (
        "tests/emulator/leads/test_sync.py::test_1008_partition_the_user_cannot_use",
        "tests/emulator/leads/test_sync.py::test_1008_lead_in_a_partition_the_user_cannot_reach",
        "tests/emulator/leads/test_sync.py::test_1008_unknown_partition",
        "tests/emulator/programs/test_members.py::test_a_lead_in_a_partition_the_user_cannot_use_is_1008",
    ),
    "1009": ("tests/emulator/leads/test_sync.py::test_1009_partition_name_must_be_specified",),
    "1010": ("tests/emulator/leads/test_sync.py::test_1010_lead_exists_in_another_partition",),
    "1011": (
        "tests/emulator/leads/test_sync.py::test_1011_unsupported_lookup_field",
        "tests/emulator/leads/test_filter.py::test_1011_unsupported_filter_type",
    ),
    "1012": (
        "tests/emulator/leads/test_other.py::test_associate_1012_bad_cookie",
        "tests/emulator/leads/test_filter.py::test_1012_bad_cookie_filter",
    ),
    "1013": (
        "tests/emulator/lists/test_lists.py::test_unknown_list_is_1013_at_response_level",
        "tests/emulator/campaigns/test_campaigns.py::test_unknown_campaign_is_1013",
        "tests/emulator/crm/test_crm.py::test_update_and_delete_of_a_missing_record_is_1013_record_not_found",
        "tests/emulator/programs/test_members.py::test_unknown_program_is_1013",
        "tests/emulator/customobjects/test_customobjects.py::test_unknown_type_is_1013",
    ),
    "1014": ("tests/emulator/lists/test_lists.py::test_a_name_too_long_to_store_is_1014",),
    "1015": ("tests/emulator/lists/test_lists.py::test_add_remove_and_member_of_with_record_level_codes",),
    "1016": (
        "tests/emulator/bulk/test_import.py::test_an_eleventh_import_in_the_queue_is_1016",
        "tests/emulator/bulk/test_import_objects.py::test_custom_object_and_lead_imports_share_one_queue",
    ),
    "1017": (
        "tests/emulator/crm/test_crm.py::test_create_only_of_an_existing_record_is_1017",
        "tests/emulator/leads/test_schema.py::test_1017_field_exists",
    ),
    "1018": (
        "tests/emulator/crm/test_crm.py::test_native_crm_sync_refuses_writes_with_1018",
        "tests/emulator/crm/test_crm.py::test_opportunity_roles_are_unavailable_with_native_crm_sync_1018",
    ),
    "1019": (
        "tests/emulator/bulk/test_import.py::test_an_import_into_a_list_being_imported_is_1019_and_members_join_the_list",
    ),
    "1020": (
        "tests/emulator/campaigns/test_campaigns.py::test_clone_to_program_20_a_day_then_1020_until_midnight_central",
    ),
    "1021": ("tests/emulator/leads/test_sync.py::test_1021_company_fields_of_a_linked_lead",),
    "1022": (
        "tests/emulator/lists/test_lists.py::test_a_list_being_imported_to_over_http_cannot_be_deleted_until_the_import_ends",
        "tests/emulator/bulk/test_import.py::test_a_list_being_imported_to_cannot_be_deleted_1022",
        "tests/emulator/bulk/test_extract.py::test_a_list_an_extract_filters_on_cannot_be_deleted_while_the_job_runs_1022",
    ),
    "1025": ("tests/emulator/programs/test_members.py::test_unknown_status_is_1025",),
    "1026": (
        "tests/emulator/customobjects/test_customobjects.py::test_custom_objects_not_enabled_is_1026",
        "tests/emulator/bulk/test_import_objects.py::test_an_unknown_type_is_1013_and_disabled_custom_objects_1026",
        "tests/emulator/bulk/test_extract_objects.py::test_unknown_type_is_1013_and_disabled_custom_objects_1026",
    ),
    "1027": ("tests/emulator/activities/test_activities.py::test_eleventh_custom_type_is_1027",),
    "1028": ("tests/emulator/activities/test_activities.py::test_twenty_first_attribute_is_1028",),
    "1029": (
        "tests/emulator/bulk/test_extract.py::test_an_eleventh_job_in_the_queue_is_1029_too_many_jobs",
        "tests/emulator/bulk/test_extract.py::test_enqueueing_a_queued_job_again_is_1029_job_already_queued",
        "tests/emulator/bulk/test_extract.py::test_the_daily_export_quota_is_1029_until_midnight_central",
    ),
    "1035": (
        "tests/emulator/bulk/test_extract.py::test_filters_the_subscription_lacks_are_1035_until_the_setting_allows_them",
    ),
    "1036": ("tests/emulator/crm/test_crm.py::test_duplicate_key_in_one_input_is_1036",),
    "1037": (
        "tests/emulator/programs/test_members.py::test_status_progression_created_updated_and_already_in_or_past",
        "tests/emulator/programs/test_members.py::test_delete_members_and_lead_not_in_program",
    ),
    "1042": ("tests/emulator/campaigns/test_campaigns.py::test_runat_more_than_two_years_ahead_is_1042",),
    "1048": (
        "tests/emulator/activities/test_activities.py::test_custom_type_lifecycle_draft_approve_discard",
        "tests/emulator/customobjects/test_customobjects.py::test_create_a_type_add_fields_approve_and_use_it",
    ),
    "1049": ("tests/emulator/activities/test_activities.py::test_add_custom_activities_record_level_codes",),
    "1076": (
        "tests/emulator/crm/test_merge.py::test_merge_that_duplicates_another_crm_record_is_1076",
        "tests/emulator/crm/test_merge.py::test_a_duplicate_only_the_crm_has_is_1076_a_marketo_only_one_is_not",
    ),
    "1077": ("tests/emulator/crm/test_merge.py::test_field_longer_than_the_crm_allows_is_1077",),
    "1078": (
        "tests/emulator/crm/test_merge.py::test_deleted_or_not_a_lead_or_contact_is_1078",
        "tests/emulator/crm/test_merge.py::test_a_record_deleted_in_the_crm_is_1078_one_deleted_in_marketo_is_1004",
    ),
    "1079": ("tests/emulator/crm/test_merge.py::test_same_personalized_url_is_1079",),
    "1080": (
        "tests/emulator/crm/test_merge.py::test_more_than_25_lead_ids_is_still_1080",
        "tests/emulator/leads/test_other.py::test_1080_more_than_25_lead_ids",
    ),
}

# Inherently transient codes (issue 4): a fault plan is their documented condition, so an injected fault is
# enough. Every other code needs a test that reaches it without injecting it.
FAULT_ONLY = {"502", "604", "608", "611", "713", "719", "614", "500"}
# The English messages Adobe documents for each code (error-codes.md's tables; the variants and the runtime
# wording with the limits filled in, from recorded traffic and integrators, as the reference API notes give them),
# written here as literals, never read from the catalogue. `%s` stands for a value the answer fills in (maybe
# empty). The run-time check (tests/_code_proof.py) fails when any answer of the run carries one of these codes
# with a message that is none of its literals. 401 (OAuth bodies), 413/414 (nginx pages) and 1080 (no documented
# text) have none.
ENGLISH: dict[str, tuple[str, ...]] = {
    "500": ("Internal Server error",),
    "502": ("Bad Gateway",),
    "601": ("Access token invalid",),
    "602": ("Access token expired",),
    "603": ("Access denied",),
    "604": ("Request time-out",),
    "605": ("Request method '%s' not supported", "HTTP Method not supported"),
    "606": ("Max rate limit '%s' exceeded with in '%s' secs",),
    "607": ("Daily quota reached",),
    "608": ("API Temporarily Unavailable",),
    "609": ("Invalid JSON",),
    "610": ("Requested resource not found",),
    "611": ("System error",),
    "612": ("Invalid Content Type",),
    "613": ("Invalid Multipart Request",),
    "614": ("Invalid Subscription",),
    "615": ("Concurrent access limit '%s' reached",),
    "616": ("Invalid subscription type",),
    "701": ("%s cannot be blank",),
    "702": ("No data found for a given search scenario", "No assets found for the given search criteria."),
    "703": ("The feature is not enabled for the subscription",),
    "704": ("Invalid date format",),
    "709": ("Business Rule Violation",),
    "710": ("Parent Folder Not Found",),
    "711": ("Incompatible Folder Type",),
    "712": ("Merge to person Account operation is invalid",),
    "713": ("Transient Error",),
    "714": ("Unable to find the default record type",),
    "718": ("ExternalSalesPersonID not found",),
    "719": ("Lock wait timeout exception",),
    "1001": ("Invalid value '%s'. Required of type '%s'",),
    "1002": ("Missing value for the required parameter '%s'",),
    "1003": (
        "Invalid data", "Invalid Data", "Invalid value for field '%s' and value '%s'", "Too many results match the filter",
        "Leads not specified", "Empty File", "Total membership size: %s exceeds the limit allowed %s for the filter",
    ),
    "1004": ("Lead not found",),
    "1005": ("Lead already exists",),
    "1006": ("Field '%s' not found", "Lookup field '%s' not found"),
    "1007": ("Multiple leads match the lookup criteria",),
    "1008": ("Access denied to partition '%s'",),
    "1009": ("Partition name must be specified",),
    "1010": ("Partition update not allowed",),
    "1011": ("Field '%s' not supported", "Lookup field '%s' not supported"),
    "1012": ("Invalid cookie value '%s'",),
    "1013": ("Object not found", "Record not found", "Membership not found"),
    "1014": ("Failed to create Object",),
    "1015": ("Lead not in list",),
    "1016": ("Too many imports", "There are %s imports currently being processed. Please try again later"),
    "1017": ("Object already exists",),
    "1018": ("CRM Enabled",),
    "1019": ("Import in progress",),
    "1020": ("Too many clones to program",),
    "1021": ("Company update not allowed",),
    "1022": ("Object in use",),
    "1025": ("Program status not found",),
    "1026": ("Custom object not enabled",),
    "1027": ("Max Activity Type Limit Reached",),
    "1028": ("Max field limit reached",),
    "1029": ("Too many jobs in queue", "Export daily quota %sMB exceeded.", "Job already queued"),
    "1035": ("Unsupported filter type for target subscription", "Unsupported filter type"),
    "1036": ("Duplicate object found in input",),
    "1037": (
        "Lead was skipped", "Lead skipped because it is already in or past this status", "Lead not in program",
    ),
    "1042": ("Invalid runAt date",),
    "1048": ("Custom Object Discard Draft Failed",),
    "1049": ("Failed to Create Activity",),
    "1076": ("Merge Leads call with mergeInCRM flag is 4.",),
    "1077": ("Merge Leads call failed due to 'SFDC Field' length",),
    "1078": ("Merge Leads call failed due to deleted entity, not a lead/contact, or field filter criteria does not match.",),
    "1079": ("Merge Leads  call failed due to Personalized URL conflict in duplicate records",),
}
NO_ENGLISH = {"401", "413", "414", "1080"}

# Codes that never travel over HTTP (raised by parsing a saved body): their named tests must pass, and the
# run-time check (tests/_code_proof.py) asks nothing more. Every other code's named tests must each receive
# the code from a real emulator during the run.
PARSE_ONLY: set[str] = set()

EMULATOR_TESTS = "tests/emulator/"
TABLE_CODES: list[str] = sorted(CODE_TESTS, key=int)
NODE_ID = re.compile(r"^(?P<path>[^:\[\]]+\.py)::(?P<names>[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*)(?:\[(?P<param>.+)\])?$")


# -- reading the named tests -----------------------------------------------------------------------------
class NamedTest:
    """One node id of the table, resolved to its function in the file's syntax tree."""

    def __init__(self, node_id: str) -> None:
        match = NODE_ID.match(node_id)
        assert match, f"{node_id!r} is not a pytest node id (path.py::test_name, optionally [param id])"
        self.node_id = node_id
        self.path = match["path"]
        self.names = match["names"].split("::")
        self.param = match["param"]
        self.file = ROOT / self.path
        self.function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
        self.module: ast.Module | None = None
        if self.file.is_file():
            self.module = _parse(self.file)
            self.function = _find(self.module.body, self.names)

    def problem(self) -> str | None:
        if not self.file.is_file():
            return f"{self.node_id}: no file {self.path}"
        if self.function is None:
            return f"{self.node_id}: {self.path} has no test {'::'.join(self.names)}"
        if not self.names[-1].startswith("test"):
            return f"{self.node_id}: {self.names[-1]} is not collected by pytest"
        if self.param is not None:
            given = {str(value) for value in self.constants()}  # decorators and the module-level values they use
            unknown = [part for part in self.param.split("-") if part not in given]
            if unknown:
                return f"{self.node_id}: [{self.param}] names a parameter id none of the test's literals give"
        return None

    def nodes(self) -> Iterator[ast.AST]:
        """The test's decorators and body, and the module-level values of the names it uses."""
        assert self.function is not None and self.module is not None
        yield self.function
        used = {n.id for n in ast.walk(self.function) if isinstance(n, ast.Name)}
        for statement in self.module.body:
            if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                if any(isinstance(t, ast.Name) and t.id in used for t in targets):
                    yield statement.value

    def constants(self) -> set[object]:
        return {n.value for root in self.nodes() for n in ast.walk(root) if isinstance(n, ast.Constant)}

    def mentions(self, code: str) -> bool:
        """The code as a string literal (`"1005"`, `errors.get("1005")`, `"http:502"`), or an HTTP status literal."""
        constants = self.constants()
        if code in constants or f"http:{code}" in constants:
            return True
        return Level.HTTP in errors.get(code).levels and int(code) in constants

    def injects(self, code: str) -> bool:
        """Whether the test makes the emulator answer `code` through a fault plan (a literal or a variable code)."""
        for root in self.nodes():
            for call in (n for n in ast.walk(root) if isinstance(n, ast.Call)):
                for value in _fault_codes(call):
                    if not isinstance(value, ast.Constant) or str(value.value).removeprefix("http:") == code:
                        return True
        return False


@functools.cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _find(body: list[ast.stmt], names: list[str]) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for statement in body:
        if isinstance(statement, ast.ClassDef) and len(names) > 1 and statement.name == names[0]:
            return _find(statement.body, names[1:])
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef) and [statement.name] == names:
            return statement
    return None


def _fault_codes(call: ast.Call) -> Iterator[ast.expr]:
    """The `code` of a fault plan posted by this call: `api.fault(code=...)` or a JSON body sent to `/faults`."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name == "fault":
        yield from (k.value for k in call.keywords if k.arg == "code")
    elif any(isinstance(a, ast.Constant) and isinstance(a.value, str) and "/faults" in a.value for a in call.args):
        for body in (k.value for k in call.keywords if k.arg == "json"):
            if isinstance(body, ast.Dict):
                yield from (v for k, v in zip(body.keys, body.values, strict=True)
                            if isinstance(k, ast.Constant) and k.value == "code")  # fmt: skip


def named(code: str) -> list[NamedTest]:
    return [NamedTest(node_id) for node_id in CODE_TESTS.get(code, ())]


def seed_codes() -> set[str]:
    """The codes of the seed document's tables (parsed as tests/errors/test_catalogue.py does)."""
    path = seed_path()
    if path is None:
        skip_or_fail("seed document not found: set MKTO_SEED or keep ../shared/seed next to the project")
        raise AssertionError  # unreachable: skip_or_fail raises
    codes: set[str] = set()
    for row in re.findall(r"<tr>\s*(.*?)\s*</tr>", path.read_text(encoding="utf-8"), re.S):
        cells = [re.sub(r"<[^>]+>|\s+", "", html.unescape(c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) >= 3 and cells[0].rstrip("*").isdigit():
            codes.add(cells[0].rstrip("*"))
    return codes


# -- the checks ---------------------------------------------------------------------------------------------
def test_every_catalogue_code_has_an_entry_and_no_entry_is_foreign() -> None:
    missing = sorted(set(errors.CATALOGUE) - set(CODE_TESTS), key=int)
    foreign = sorted(set(CODE_TESTS) - set(errors.CATALOGUE), key=int)
    empty = sorted((c for c, tests in CODE_TESTS.items() if not tests), key=int)
    assert not missing, f"catalogue codes with no test in CODE_TESTS: {', '.join(missing)}"
    assert not foreign, f"CODE_TESTS names codes the catalogue does not have: {', '.join(foreign)}"
    assert not empty, f"CODE_TESTS entries with no test: {', '.join(empty)}"


def test_every_seed_code_is_in_the_table() -> None:
    codes = seed_codes()
    assert {"413", "414", "502", "601", "703", "719", "1001", "1049", "1078"} <= codes  # the parse found the tables
    missing = sorted(codes - set(CODE_TESTS), key=int)
    assert not missing, f"seed codes with no test in CODE_TESTS: {', '.join(missing)}"


def test_every_code_with_a_documented_message_has_its_english_pinned() -> None:
    assert set(ENGLISH) | NO_ENGLISH == set(CODE_TESTS) and not set(ENGLISH) & NO_ENGLISH


def test_fault_only_codes_are_catalogue_codes() -> None:
    assert set(FAULT_ONLY) <= set(errors.CATALOGUE)


@pytest.mark.parametrize("code", TABLE_CODES)
def test_every_named_test_exists_and_mentions_its_code(code: str) -> None:
    problems = []
    for test in named(code):
        problem = test.problem()
        if problem is None and not test.mentions(code):
            problem = f"{test.node_id}: its source never mentions {code!r} (literal or catalogue lookup)"
        if problem is None and test.param is not None and test.param in errors.CATALOGUE and test.param != code:
            problem = f"{test.node_id}: the parameter names code {test.param}, not {code}"
        if problem:
            problems.append(problem)
    assert not problems, "\n".join(problems)


def test_every_code_has_an_emulator_test() -> None:
    without = sorted((c for c in CODE_TESTS if not any(t.startswith(EMULATOR_TESTS) for t in CODE_TESTS[c])), key=int)
    assert not without, f"codes with only client tests (each needs an emulator test): {', '.join(without)}"


def test_only_inherently_transient_codes_are_reached_only_through_a_fault_plan() -> None:
    fault_only = sorted(
        (
            code
            for code in CODE_TESTS
            if code not in FAULT_ONLY
            and not any(t.path.startswith(EMULATOR_TESTS) and t.function and not t.injects(code) for t in named(code))
        ),
        key=int,
    )
    assert not fault_only, (
        f"codes the emulator answers only when a fault plan injects them, with no documented condition that "
        f"produces them: {', '.join(fault_only)}"
    )
