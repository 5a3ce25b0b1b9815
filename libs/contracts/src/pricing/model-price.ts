// Model pricing (owned by the usage-ledger): the admin shapes, the price list ingress keeps to estimate credit
// reservations, and the broadcast that keeps it current. Prices are USD per million tokens; cache reads and
// writes are priced as multipliers of the input price, as providers publish them.
import { z } from 'zod';
import { AdminReplySchema } from '../admin/admin';
import { plainText } from '../admin/admin-fields';
import { defineEvent, defineRequest } from '../define';

/** Anthropic's and OpenAI's published ratios: a cache read costs a tenth of input, a 5-minute cache write 1.25×. */
export const DEFAULT_CACHE_READ_MULTIPLIER = 0.1;
export const DEFAULT_CACHE_WRITE_MULTIPLIER = 1.25;

const usdPerMtok = z.number().min(0).max(1e6);
const multiplier = z.number().min(0).max(100);

export const ModelPriceInputSchema = z
  .object({
    input_usd_per_mtok: usdPerMtok,
    output_usd_per_mtok: usdPerMtok,
    cache_read_multiplier: multiplier.default(DEFAULT_CACHE_READ_MULTIPLIER),
    cache_write_multiplier: multiplier.default(DEFAULT_CACHE_WRITE_MULTIPLIER),
  })
  .strict();
export type ModelPriceInput = z.infer<typeof ModelPriceInputSchema>;

export const ModelNameSchema = plainText(300);

export const ModelPriceSchema = z.object({
  model: z.string(),
  input_usd_per_mtok: z.number(),
  output_usd_per_mtok: z.number(),
  cache_read_multiplier: z.number(),
  cache_write_multiplier: z.number(),
  updated_at: z.string(),
});
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

/** A priced model in the declarative config file. */
export const ModelPriceConfigSchema = ModelPriceInputSchema.extend({ model: ModelNameSchema });

/** Ingress asks for the whole price list at start (and until it gets an answer). */
export const ModelPricesGet = defineRequest(
  'pricing.models.get.v1',
  z.object({}),
  z.object({ data: z.array(ModelPriceSchema) }),
);

/** Broadcast on every price change; `price` null when a model's price was removed. */
export const ModelPriceChanged = defineEvent(
  'pricing.model.changed.v1',
  z.object({ model: z.string(), price: ModelPriceSchema.nullable() }),
);

export const AdminModelPut = defineRequest(
  'admin.models.put.v1',
  z.object({ model: ModelNameSchema, price: ModelPriceInputSchema }),
  AdminReplySchema,
);
export const AdminModelList = defineRequest('admin.models.list.v1', z.object({}), AdminReplySchema);
export const AdminModelDelete = defineRequest(
  'admin.models.delete.v1',
  z.object({ model: ModelNameSchema }),
  AdminReplySchema,
);
