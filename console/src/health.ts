// What an operator needs to know of a channel at a glance: is it serving, and if not, why. Combines the
// router's status (manual switch) with the prober's health state.
import type { Channel } from './types';
import type { Tone } from './ui';

export type Rotation = 'in-rotation' | 'ejected' | 'disabled';

export function channelState(channel: Channel): { label: string; tone: Tone; rotation: Rotation } {
  if (channel.status === 'manually_disabled') {
    return { label: 'manually disabled', tone: 'muted', rotation: 'disabled' };
  }
  if (channel.status === 'auto_disabled' || channel.health.state === 'disabled') {
    return channel.health.state === 'ejected'
      ? { label: 'ejected', tone: 'bad', rotation: 'ejected' }
      : { label: 'auto-disabled', tone: 'bad', rotation: 'disabled' };
  }
  switch (channel.health.state) {
    case 'ejected':
      return { label: 'ejected', tone: 'bad', rotation: 'ejected' };
    case 'recovering':
      return { label: 'recovering', tone: 'warn', rotation: 'in-rotation' };
    case 'degraded':
      return { label: 'in rotation, degraded', tone: 'warn', rotation: 'in-rotation' };
    case 'healthy':
    case 'unknown':
      return { label: 'in rotation', tone: 'ok', rotation: 'in-rotation' };
  }
}
