// `GET /admin/channels/{id}/transitions`: a channel's stored health transitions, newest first;
// `GET /admin/transitions`: the newest of every channel's, for the overview. Any replica
// answers from the database (the leader stores each transition as it publishes it). A channel the prober does
// not know and has no history of is a 404, as for the admin test; a known channel that never moved has an
// empty history.
import { Injectable } from '@nestjs/common';
import { AdminError, ChannelTransitionView, HealthTransitionView } from '@relaymesh/contracts';
import { ChannelDirectory } from '../channels/channel-directory.service';
import { HealthRepository, StoredTransition } from './health.repository';

export function transitionView(stored: StoredTransition): HealthTransitionView {
  return {
    at: stored.at.toISOString(),
    from: stored.from,
    to: stored.to,
    reason: stored.reason,
    last_error: stored.lastError,
    error_class: stored.errorClass,
    cause: stored.cause,
    consecutive_failures: stored.consecutiveFailures,
    ejections: stored.ejections,
  };
}

@Injectable()
export class ChannelHistory {
  constructor(
    private readonly repository: HealthRepository,
    private readonly directory: ChannelDirectory,
  ) {}

  async transitions(channelId: string, limit: number): Promise<{ data: HealthTransitionView[] }> {
    const stored = await this.repository.transitions(channelId, limit);
    if (stored.length === 0 && !this.directory.get(channelId)) {
      throw new AdminError(404, `channel ${channelId} not found`);
    }
    return { data: stored.map(transitionView) };
  }

  async latest(limit: number): Promise<{ data: ChannelTransitionView[] }> {
    const stored = await this.repository.latestTransitions(limit);
    return { data: stored.map((t) => ({ channel_id: t.channelId, ...transitionView(t) })) };
  }
}
