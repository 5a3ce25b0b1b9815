// `POST /admin/channels/{id}/test` (CONTRACT §2): probe a channel now. Relayed by ingress, answered by the
// health-prober, which folds the result into the channel's health like any probe.
import { z } from 'zod';
import { ChannelHealthSchema } from '../channels/channel';
import { defineRequest } from '../define';
import { ErrorClassSchema } from '../upstream/upstream-outcome';
import { AdminReplySchema, ById } from './admin';

/** The 200 body of a channel test. `ok`: the probe got a 2xx (`error_class` `none`). */
export const ChannelTestResultSchema = z.object({
  ok: z.boolean(),
  /** The upstream's HTTP status, 0 when no answer came (connect error, timeout). */
  status: z.number().int(),
  latency_ms: z.number().min(0),
  error_class: ErrorClassSchema,
  message: z.string().nullable(),
  /** The upstream model the probe asked for (the channel's mapping applied). */
  model: z.string().nullable(),
  health: ChannelHealthSchema,
});
export type ChannelTestResult = z.infer<typeof ChannelTestResultSchema>;

export const AdminChannelTest = defineRequest('admin.channels.test.v1', ById, AdminReplySchema);
