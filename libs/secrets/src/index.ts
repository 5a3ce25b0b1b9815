// Secrets (ARCHITECTURE: libs/secrets): the sealed format of channel keys and secret headers (AES-256-GCM,
// RELAYMESH_SECRET_KEY), the hash client keys are stored and looked up by, and the redacted hints read back.
// Apart from libs/contracts because it is crypto, not the shape of a message: the router seals, ingress and the
// prober open, the ledger and ingress hash; importing contracts never pulls node:crypto in.
export { SecretBox, hashClientKey, redactSecret } from './secret-box';
export { openSnapshotChannel } from './open-snapshot-channel';
export type { OpenedChannel } from './open-snapshot-channel';
