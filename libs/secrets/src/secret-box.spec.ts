import { SecretBox, hashClientKey, redactSecret } from './secret-box';

describe('SecretBox', () => {
  it('should round-trip a secret and never store it in the clear', () => {
    const box = new SecretBox(SecretBox.generateSecret());
    const sealed = box.encrypt('sk-upstream-123456');
    expect(sealed).not.toContain('sk-upstream');
    expect(box.decrypt(sealed)).toBe('sk-upstream-123456');
  });

  it('should use a fresh IV per encryption', () => {
    const box = new SecretBox('a passphrase that is not 32 bytes');
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('should refuse a ciphertext sealed with another key or tampered with', () => {
    const sealed = new SecretBox(SecretBox.generateSecret()).encrypt('secret');
    expect(() => new SecretBox(SecretBox.generateSecret()).decrypt(sealed)).toThrow();
    const box = new SecretBox('k'.repeat(64).replace(/k/g, 'a'));
    const ok = box.encrypt('secret');
    const tampered = ok.slice(0, -2) + (ok.endsWith('AA') ? 'BB' : 'AA');
    expect(() => box.decrypt(tampered)).toThrow();
  });

  it('should accept hex, base64 and passphrase secrets deterministically', () => {
    const hex = 'ab'.repeat(32);
    expect(new SecretBox(hex).decrypt(new SecretBox(hex).encrypt('x'))).toBe('x');
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(new SecretBox(b64).decrypt(new SecretBox(b64).encrypt('y'))).toBe('y');
  });
});

describe('hashClientKey and redactSecret', () => {
  it('should hash to 64 hex chars and redact to a hint', () => {
    expect(hashClientKey('sk-abc')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashClientKey('sk-abc')).toBe(hashClientKey('sk-abc'));
    expect(redactSecret('sk-1234567890abcd')).toBe('sk-…abcd');
    expect(redactSecret('short')).toBe('****');
  });
});
