// Opening a routing snapshot's channel: its sealed keys and secret headers decrypted, once per snapshot, by the
// apps that call the channel's upstream (ingress) or probe it (the health-prober).
import { SnapshotChannel, isSensitiveHeaderName } from '@relaymesh/contracts';
import { SecretBox } from './secret-box';

/** A snapshot channel with its secrets opened, as ingress calls it and the prober probes it. */
export interface OpenedChannel extends Omit<
  SnapshotChannel,
  'keys_encrypted' | 'secret_headers_encrypted'
> {
  keys: string[];
  /** Every header to send, the secret ones opened. */
  headers: Record<string, string>;
  /**
   * What must never be echoed back from this channel's upstream text: its keys, its secret header values and
   * the values of plain headers named like credentials.
   */
  secrets: string[];
}

/** Opens a channel's sealed keys and headers; throws when they were sealed with another secret key. */
export function openSnapshotChannel(channel: SnapshotChannel, box: SecretBox): OpenedChannel {
  const { keys_encrypted, secret_headers_encrypted, ...rest } = channel;
  const keys = keys_encrypted.map((sealed) => box.decrypt(sealed));
  const secretHeaders = Object.fromEntries(
    Object.entries(secret_headers_encrypted).map(([name, sealed]) => [name, box.decrypt(sealed)]),
  );
  const sensitivePlain = Object.entries(channel.headers)
    .filter(([name]) => isSensitiveHeaderName(name))
    .map(([, value]) => value);
  return {
    ...rest,
    keys,
    headers: { ...channel.headers, ...secretHeaders },
    secrets: [...keys, ...Object.values(secretHeaders), ...sensitivePlain],
  };
}
