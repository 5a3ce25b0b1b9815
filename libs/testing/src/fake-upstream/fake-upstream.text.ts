// Deterministic stand-ins for what a model and a tokenizer produce, shared by every fake upstream: random ids,
// word-by-word splitting for streams, argument fragments, rough token counts and hash-derived embeddings.
import { createHash, randomBytes } from 'node:crypto';

/** Tool-call arguments are streamed in pieces of this many characters, roughly a token each. */
const ARGUMENT_FRAGMENT_CHARS = 8;

export function randomAlphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/** A quarter of the characters, rounded up, at least 1: the fakes' tokenizer. */
export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** Splits text into words that keep their trailing whitespace, so the pieces concatenate back exactly. */
export function splitWords(text: string): string[] {
  return text.split(/(?<=\s)(?=\S)/).filter((piece) => piece.length > 0);
}

/** Splits a JSON argument string into small pieces, by code point so a piece never splits a surrogate pair. */
export function fragments(value: string): string[] {
  const chars = Array.from(value);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += ARGUMENT_FRAGMENT_CHARS) {
    pieces.push(chars.slice(i, i + ARGUMENT_FRAGMENT_CHARS).join(''));
  }
  return pieces;
}

/**
 * A unit vector derived from a hash of the input, so equal inputs embed equally and different ones differ.
 * Values are rounded to float32 so a binary encoding carries exactly the same numbers as JSON.
 */
export function embeddingVector(input: string | number[], dimensions: number): number[] {
  const seed = typeof input === 'string' ? input : `tokens:${input.join(',')}`;
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}\u0000${seed}`).digest();
    for (let i = 0; i + 4 <= digest.length && raw.length < dimensions; i += 4) {
      raw.push((digest.readUInt32LE(i) / 0xffffffff) * 2 - 1);
    }
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => Math.fround(value / norm));
}
