// Reasoning signatures a fake can verify, as the real providers verify theirs: Anthropic refuses a thinking
// block whose signature it did not issue for that very text, Gemini a thought signature it did not issue. Each
// fake signs with a private key of its own (random per instance), so a signature from another fake, another
// provider or a gateway that made one up fails, as it would against the real API.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const NONCE_BYTES = 12;

export class FakeSigner {
  private readonly key = randomBytes(32);

  /** A signature bound to `content` (Anthropic's: the thinking text it signs); base64, 88 characters. */
  signContent(content: string): string {
    return this.mac(`content:${content}`).toString('base64');
  }

  verifyContent(content: string, signature: string): boolean {
    return safeEqual(Buffer.from(signature, 'base64'), this.mac(`content:${content}`));
  }

  /** A signature bound to nothing but this signer (Gemini's are opaque state): a nonce and its MAC. */
  signOpaque(): string {
    const nonce = randomBytes(NONCE_BYTES);
    return Buffer.concat([nonce, this.mac(nonce.toString('base64'))]).toString('base64');
  }

  verifyOpaque(signature: string): boolean {
    const bytes = Buffer.from(signature, 'base64');
    if (bytes.length <= NONCE_BYTES) return false;
    const nonce = bytes.subarray(0, NONCE_BYTES);
    return safeEqual(bytes.subarray(NONCE_BYTES), this.mac(nonce.toString('base64')));
  }

  private mac(data: string): Buffer {
    return createHmac('sha512', this.key).update(data).digest();
  }
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
