import { Module } from '@nestjs/common';
import { GenAiMetrics } from './gen-ai-metrics.service';

/** Ingress's own metrics that are derived from finished requests rather than counted where things happen. */
@Module({ providers: [GenAiMetrics] })
export class MetricsModule {}
