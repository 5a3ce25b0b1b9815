// How many channels can serve each model in each group, by rotation, for `relaymesh_health_model_channels`: the
// gauge the "no routable channel" alert reads. A pure function of the snapshot's channels.
import { RoutableChannel, Rotation, rotationOf } from '@relaymesh/routing';

export interface ModelChannelCount {
  group: string;
  model: string;
  rotation: Rotation;
  channels: number;
}

/** Every (group, public model) any channel serves, with a count for each rotation (zeros included). */
export function modelChannelCounts(channels: readonly RoutableChannel[]): ModelChannelCount[] {
  const counts = new Map<string, Record<Rotation, number>>();
  for (const channel of channels) {
    const rotation = rotationOf(channel);
    // The public names a channel serves: its models and the keys of its mapping (as the routing table does).
    const models = new Set([...channel.models, ...Object.keys(channel.model_mapping)]);
    for (const group of new Set(channel.groups)) {
      for (const model of models) {
        const key = JSON.stringify([group, model]);
        let byRotation = counts.get(key);
        if (byRotation === undefined) counts.set(key, (byRotation = { in: 0, ejected: 0, out: 0 }));
        byRotation[rotation] += 1;
      }
    }
  }
  return [...counts].flatMap(([key, byRotation]) => {
    const [group, model] = JSON.parse(key) as [string, string];
    return (Object.keys(byRotation) as Rotation[]).map((rotation) => ({
      group,
      model,
      rotation,
      channels: byRotation[rotation],
    }));
  });
}
