import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** numeric comes back from pg as a string; prices are exact in the database, numbers in JS. */
const decimal = {
  to: (value: number) => value,
  from: (value: string) => Number(value),
};

/** A model's price in USD per million tokens; cache tokens as multipliers of the input price. */
@Entity('model_prices')
export class ModelPriceEntity {
  @PrimaryColumn({ type: 'text' })
  model!: string;

  @Column({ type: 'numeric', precision: 20, scale: 10, transformer: decimal })
  inputUsdPerMtok!: number;

  @Column({ type: 'numeric', precision: 20, scale: 10, transformer: decimal })
  outputUsdPerMtok!: number;

  @Column({ type: 'numeric', precision: 12, scale: 6, transformer: decimal })
  cacheReadMultiplier!: number;

  @Column({ type: 'numeric', precision: 12, scale: 6, transformer: decimal })
  cacheWriteMultiplier!: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
