/**
 * Field types of Elastic integration data streams used by the shipped scenarios, the ECS fixtures
 * and the corpus rules, where they differ from the default (`keyword`) the evaluator assumes for
 * fields it does not know. Only non-keyword types (and keyword fields whose parent is typed
 * otherwise) are listed; everything else in these packages is `keyword`.
 *
 * Source: elastic/integrations, `packages/<package>/data_stream/<stream>/fields/fields.yml`
 * (o365 audit, okta system, aws cloudtrail, windows powershell, dga ML job fields), read 2026-12;
 * the `o365.audit` list follows fields.yml at commit 07d7ad521d06369bdbd320809f56d2a325c51211.
 */
import type { FieldDef } from './types.js';

export const INTEGRATION_FIELDS: Record<string, FieldDef> = {
  // o365.audit
  'o365.audit.Actions': { type: 'flattened' },
  'o365.audit.AdditionalData': { type: 'nested' },
  'o365.audit.AlertLinks': { type: 'flattened' },
  'o365.audit.AttachmentData': { type: 'nested' },
  'o365.audit.AuthDetails': { type: 'nested' },
  'o365.audit.Comments': { type: 'text' },
  'o365.audit.CustomUniqueId': { type: 'boolean' },
  'o365.audit.Data.flattened': { type: 'flattened' },
  'o365.audit.Data.sip': { type: 'ip' },
  'o365.audit.Data.at': { type: 'date' },
  'o365.audit.Data.md': { type: 'date' },
  'o365.audit.Data.te': { type: 'date' },
  'o365.audit.Data.ts': { type: 'date' },
  'o365.audit.Data.ttdt': { type: 'date' },
  'o365.audit.Description': { type: 'match_only_text' },
  'o365.audit.EndTimeUtc': { type: 'date' },
  'o365.audit.ExchangeAggregatedFolders': { type: 'nested' },
  'o365.audit.ExchangeAggregatedFolders.FolderItems': { type: 'nested' },
  'o365.audit.ExchangeAggregatedFolders.FolderItems.SizeInBytes': { type: 'long' },
  'o365.audit.ExchangeAggregatedMessages': { type: 'nested' },
  'o365.audit.ExchangeAggregatedMessages.MessageItems': { type: 'nested' },
  'o365.audit.ExchangeAggregatedMessages.MessageItems.SizeInBytes': { type: 'long' },
  'o365.audit.ExchangeMetaData.Sent': { type: 'date' },
  'o365.audit.ExternalAccess': { type: 'boolean' },
  'o365.audit.FileSizeBytes': { type: 'long' },
  'o365.audit.FilteringDate': { type: 'date' },
  'o365.audit.LastUpdateTimeUtc': { type: 'date' },
  'o365.audit.Members': { type: 'flattened' },
  'o365.audit.OperationCount': { type: 'long' },
  'o365.audit.PolicyDetails': { type: 'flattened' },
  'o365.audit.SensitiveInfoDetectionIsIncluded': { type: 'boolean' },
  'o365.audit.SensitivityLabelEventData.ActionSourceDetail': { type: 'long' },
  'o365.audit.SensitivityLabelEventData.LabelEventType': { type: 'long' },
  // okta.system
  'okta.debug_context.debug_data.flattened': { type: 'flattened' },
  'okta.client.ip': { type: 'ip' },
  'okta.request.ip_chain.ip': { type: 'ip' },
  'okta.security_context.as.number': { type: 'integer' },
  'okta.security_context.is_proxy': { type: 'boolean' },
  'okta.transaction.detail.request_api_token_id': { type: 'keyword' },
  'okta.debug_context.debug_data.risk_behaviors': { type: 'keyword' },
  'okta.authentication_context.authentication_step': { type: 'integer' },
  'okta.authentication_context.issuer': { type: 'flattened' },
  'okta.outcome.reason': { type: 'keyword' },
  // aws.cloudtrail
  'aws.cloudtrail.flattened.additional_eventdata': { type: 'flattened' },
  'aws.cloudtrail.flattened.request_parameters': { type: 'flattened' },
  'aws.cloudtrail.flattened.response_elements': { type: 'flattened' },
  'aws.cloudtrail.flattened.service_event_details': { type: 'flattened' },
  'aws.cloudtrail.flattened.insight_details': { type: 'flattened' },
  'aws.cloudtrail.read_only': { type: 'boolean' },
  'aws.cloudtrail.management_event': { type: 'boolean' },
  'aws.cloudtrail.user_identity.session_context.mfa_authenticated': { type: 'keyword' },
  'aws.cloudtrail.user_identity.session_context.creation_date': { type: 'date' },
  'aws.cloudtrail.request_parameters': { type: 'keyword' },
  'aws.cloudtrail.response_elements': { type: 'keyword' },
  // windows.powershell_operational / script block fields used by the corpus
  // The windows package maps script_block_text as text with a pattern analyzer `[\W&&[^-]]+`
  // (split on anything but ASCII word characters and '-', lower-case).
  'powershell.file.script_block_text': {
    type: 'text',
    analyzer: { pattern: '[^A-Za-z0-9_-]+' },
  },
  'powershell.file.script_block_length': { type: 'long' },
  'powershell.file.script_block_entropy_bits': { type: 'double' },
  'powershell.file.script_block_surprisal_stdev': { type: 'double' },
  'powershell.file.script_block_unique_symbols': { type: 'long' },
  'powershell.sequence': { type: 'long' },
  'powershell.total': { type: 'long' },
  // ML job outputs (dga)
  'ml_is_dga.malicious_probability': { type: 'float' },
};
