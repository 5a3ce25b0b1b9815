// Encryption at rest for channel upstream keys (AES-256-GCM). The router encrypts before storing; the ciphertext
// is what travels in the routing snapshot; ingress decrypts in memory. Both share RELAYMESH_SECRET_KEY, so it
// lives here, where the apps agree. Format: `v1.<iv>.<tag>.<ciphertext>` (base64url parts).
import { createCipheriv, createDecipheriv, createHash, hash, randomBytes } from 'node:crypto';

export class SecretBox {
  private readonly key: Buffer;

  /** `secret`: 32 bytes as base64 or hex; any other string is stretched with SHA-256 (documented in README). */
  constructor(secret: string) {
    this.key = SecretBox.keyFrom(secret);
  }

  static generateSecret(): string {
    return randomBytes(32).toString('base64');
  }

  private static keyFrom(secret: string): Buffer {
    if (/^[0-9a-fA-F]{64}$/.test(secret)) return Buffer.from(secret, 'hex');
    const base64 = Buffer.from(secret, 'base64');
    if (base64.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(secret)) return base64;
    return createHash('sha256').update(secret).digest();
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', iv, tag, data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) {
      throw new Error('not a sealed secret');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}

/** Client keys are stored and looked up only by this hash (the key itself is shown once at creation). */
export function hashClientKey(key: string): string {
  // The one-shot form: no Hash object per call.
  return hash('sha256', key, 'hex');
}

/** `sk-…abcd`: enough to recognise a secret in a list, never enough to use it. */
export function redactSecret(secret: string): string {
  if (secret.length <= 8) return '****';
  const prefix = secret.startsWith('sk-') ? 'sk-' : secret.slice(0, 2);
  return `${prefix}…${secret.slice(-4)}`;
}
