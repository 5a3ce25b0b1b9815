// The versioned routing snapshot: the operator's configuration of every channel (no health: that is the
// health-prober's, sent to ingress apart), built by the router from its tables on every change. Ingress
// replicas keep the newest version in memory (ARCHITECTURE rule 1).
// Upstream keys and secret header values travel encrypted (AES-256-GCM, RELAYMESH_SECRET_KEY); ingress and the
// health-prober open them on receipt (openSnapshotChannel, libs/secrets).
import { z } from 'zod';
import {
  ChannelStatusSchema,
  ChannelTypeSchema,
  HostedToolPolicySchema,
} from '../channels/channel';
import {
  BodyOverrideSchema,
  ModelMappingEntrySchema,
  ModelVariantSuffixSchema,
} from '../channels/model-variants';
import { defineEvent, defineRequest } from '../define';

export const SnapshotChannelSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: ChannelTypeSchema,
  base_url: z.string().nullable(),
  keys_encrypted: z.array(z.string()),
  models: z.array(z.string()),
  model_mapping: z.record(z.string(), ModelMappingEntrySchema),
  /** A router from before variants sends none. */
  variant_suffixes: z.array(ModelVariantSuffixSchema).default([]),
  body_override: BodyOverrideSchema.default({}),
  groups: z.array(z.string()),
  priority: z.number(),
  weight: z.number(),
  /**
   * The operator's switch only (`enabled` or `manually_disabled`): health is the health-prober's, which ingress
   * applies on top (channel.health.changed), so this snapshot changes only when the configuration does.
   */
  status: ChannelStatusSchema,
  timeout_ms: z.number(),
  headers: z.record(z.string(), z.string()),
  /** Secret header values, sealed like the keys; a router from before secret headers sends none. */
  secret_headers_encrypted: z.record(z.string(), z.string()).default({}),
  /** An `openai-compatible` channel that serves `/v1/responses` (absent from a router before the field: no). */
  responses_api: z.boolean().optional(),
  /** Hosted tools the provider cannot run: dropped (absent: the default) or refused. */
  hosted_tools: HostedToolPolicySchema.optional(),
});
export type SnapshotChannel = z.infer<typeof SnapshotChannelSchema>;

export const RoutingSnapshotSchema = z.object({
  /** Monotonic across router restarts (a database sequence), so replicas can always keep the newest. */
  version: z.number().int().min(0),
  published_at: z.string(),
  channels: z.array(SnapshotChannelSchema),
});
export type RoutingSnapshot = z.infer<typeof RoutingSnapshotSchema>;

/** Broadcast (no queue group): every ingress replica takes it if it is newer than what it has. */
export const RoutingSnapshotPublished = defineEvent(
  'routing.snapshot.published.v1',
  RoutingSnapshotSchema,
);

/** Asked by an ingress replica at start, and whenever it suspects it missed a version. */
export const RoutingSnapshotGet = defineRequest(
  'routing.snapshot.get.v1',
  z.object({ have_version: z.number().int().min(0).nullable() }),
  RoutingSnapshotSchema,
);
