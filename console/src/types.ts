// The shapes the console reads from the admin API (CONTRACT §2). Declared here rather than imported from
// @relaymesh/contracts so the bundle carries no schema library; the e2e suite catches a drift.

export type Role = 'full' | 'read-only';

export interface SessionInfo {
  role: Role;
  expires_at: string;
  csrf: string;
}

export type HealthState =
  'unknown' | 'healthy' | 'degraded' | 'ejected' | 'disabled' | 'recovering';
export type ChannelStatus = 'enabled' | 'manually_disabled' | 'auto_disabled';
export const CHANNEL_TYPES = [
  'openai',
  'anthropic',
  'gemini',
  'openai-compatible',
  'mock',
] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const HOSTED_TOOL_POLICIES = ['drop', 'refuse'] as const;
export type HostedToolPolicy = (typeof HOSTED_TOOL_POLICIES)[number];

export interface Channel {
  id: string;
  name: string;
  type: ChannelType;
  base_url: string | null;
  keys: string[];
  models: string[];
  /** An upstream name, or a variant: the upstream name with request overrides. */
  model_mapping: Record<string, string | { model: string; overrides: Record<string, unknown> }>;
  variant_suffixes: string[];
  /** Body fields set on or removed from every generation request sent to the channel. */
  body_override: { set?: Record<string, unknown>; remove?: string[] };
  groups: string[];
  priority: number;
  weight: number;
  enabled: boolean;
  timeout_ms: number;
  /** An openai-compatible server that serves /v1/responses itself (openai channels always do). */
  responses_api: boolean;
  /** What a translated Responses request's hosted tools without an equivalent become. */
  hosted_tools: HostedToolPolicy;
  status: ChannelStatus;
  health: {
    state: HealthState;
    last_error: string | null;
    last_checked_at: string | null;
    consecutive_failures: number;
    latency_ms: number | null;
    reason: string | null;
  };
}

export interface ChannelTestResult {
  ok: boolean;
  status: number;
  latency_ms: number;
  error_class: string;
  message: string | null;
  model: string | null;
}

export interface ChannelTransition {
  at: string;
  from: HealthState;
  to: HealthState;
  reason: string;
  last_error: string | null;
}

/** A transition of any channel (`GET /admin/transitions`). */
export interface ChannelTransitionEntry extends ChannelTransition {
  channel_id: string;
}

export const BUDGET_PERIODS = ['day', 'week', 'month'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export interface Key {
  id: string;
  name: string;
  key_hint: string;
  group: string;
  unlimited: boolean;
  credit_usd: number;
  used_usd: number;
  remaining_usd: number | null;
  models: string[];
  allow_ips: string[];
  rpm: number | null;
  tpm: number | null;
  expires_at: string | null;
  /** A spending cap per calendar period (UTC) beside the credit; null without one. */
  budget_usd: number | null;
  budget_period: BudgetPeriod | null;
  /** Spent in the current period, and when it resets (null without a budget). */
  budget_spent_usd: number | null;
  budget_resets_at: string | null;
  enabled: boolean;
  created_at: string;
}

export interface ModelPrice {
  model: string;
  input_usd_per_mtok: number;
  output_usd_per_mtok: number;
  cache_read_multiplier: number;
  cache_write_multiplier: number;
  updated_at: string;
}

/** One upstream attempt of a request (the record's `attempt_log`). */
export interface UsageAttempt {
  channel_id: string;
  model: string;
  upstream_model: string | null;
  status: number;
  error_class: string;
  started_ms: number;
  duration_ms: number;
}

export interface UsageRecord {
  request_id: string;
  key_id: string;
  channel_id: string | null;
  model: string;
  upstream_model?: string | null;
  format: string;
  route: string;
  stream: boolean;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  status: number;
  latency_ms: number | null;
  ttft_ms: number | null;
  late_error?: string | null;
  attempts?: number;
  /** Absent on records stored before attempts were logged. */
  attempt_log?: UsageAttempt[];
  /** Hosted tool types a Responses translation left out (empty or absent: none). */
  dropped_tools?: string[];
  created_at: string;
}

/** The figures of GET /admin/usage/summary, per row and for the whole range. */
export interface UsageFigures {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_p50_ms: number | null;
}

export interface UsageSummaryRow extends UsageFigures {
  start: string;
  group?: string | null;
  other?: true;
}

export interface UsageSummary {
  interval: 'hour' | 'day';
  group_by: 'model' | 'key' | 'channel' | null;
  since: string;
  until: string;
  groups: (string | null)[];
  other_groups: number;
  rows: UsageSummaryRow[];
  totals: UsageFigures;
}

/** The key holder's session (GET /console/api/key/session). */
export interface KeySessionInfo {
  role: 'key';
  key_id: string;
  name: string;
  expires_at: string;
}

/** The key as its holder sees it (GET /console/api/key). */
export interface OwnKey {
  id: string;
  name: string;
  key_hint: string;
  group: string;
  unlimited: boolean;
  credit_usd: number;
  used_usd: number;
  remaining_usd: number | null;
  rpm: number | null;
  tpm: number | null;
  models: string[];
  expires_at: string | null;
  /** A spending cap per calendar period (UTC) beside the credit; null without one. */
  budget_usd: number | null;
  budget_period: BudgetPeriod | null;
  /** Spent in the current period, and when it resets (null without a budget). */
  budget_spent_usd: number | null;
  budget_resets_at: string | null;
  created_at: string;
}

/** A model the key may call, with its price (null: not priced). */
export interface KeyModel {
  model: string;
  input_usd_per_mtok: number | null;
  output_usd_per_mtok: number | null;
  cache_read_multiplier: number | null;
  cache_write_multiplier: number | null;
}

export interface List<T> {
  data: T[];
}
