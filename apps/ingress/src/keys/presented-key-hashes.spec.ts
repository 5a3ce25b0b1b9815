import { hashClientKey } from '@relaymesh/secrets';
import { PresentedKeyHashes } from './presented-key-hashes';

describe('PresentedKeyHashes', () => {
  it('hashes a key once and answers the same hash after', () => {
    const calls: string[] = [];
    const hashes = new PresentedKeyHashes((key) => {
      calls.push(key);
      return hashClientKey(key);
    }, 10);
    expect(hashes.hashOf('sk-a')).toBe(hashClientKey('sk-a'));
    expect(hashes.hashOf('sk-a')).toBe(hashClientKey('sk-a'));
    expect(hashes.hashOf('sk-b')).toBe(hashClientKey('sk-b'));
    expect(calls).toEqual(['sk-a', 'sk-b']);
  });

  it('holds at most maxEntries keys, forgetting the oldest', () => {
    const calls: string[] = [];
    const hashes = new PresentedKeyHashes((key) => {
      calls.push(key);
      return `h(${key})`;
    }, 2);
    for (const key of ['a', 'b', 'c']) hashes.hashOf(key);
    expect(hashes.size).toBe(2);
    expect(hashes.hashOf('c')).toBe('h(c)');
    expect(hashes.hashOf('a')).toBe('h(a)');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
