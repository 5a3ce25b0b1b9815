// Reasoning signatures across formats. Anthropic signs each thinking block, Gemini puts an opaque
// `thoughtSignature` on the part after its thoughts, OpenAI Responses returns reasoning as `encrypted_content`.
// Each provider verifies only its own: Anthropic answers 400 "Invalid `signature` in `thinking` block" for any
// other string, Gemini 400 "Corrupted thought signature." So the hub records who issued a signature
// (`HubSignature`), an upstream request carries only signatures of its own provider, and everything else is
// treated as absent (each target then does what it needs for a missing one).
//
// On the client side a signature travels in the client format's field as a string:
// - issued by the client format's own provider (a pass-through answer, or the same provider behind the hub):
//   bare, exactly as the provider sent it;
// - issued by another provider: relayed, the base64 of a small JSON envelope naming the issuer (and holding the
//   reasoning text it signs, because some clients drop reasoning text from the history they send back — Gemini
//   CLI drops thought parts — while the signing provider needs that text back byte for byte). Base64, because
//   Gemini's field is `bytes`. Only relaymesh unwraps it, and only for the issuer's own channels.
// A bare string in a client request is taken as the client format's own provider's (that is how relaymesh hands
// them out); Google's documented placeholders are no signature at all.
import type { HubSignature, SignatureIssuer } from './hub.types';

/** Google's documented stand-ins for a signature Gemini did not produce; Gemini accepts them, no one else does. */
export const GEMINI_PLACEHOLDER_SIGNATURES: readonly string[] = [
  'skip_thought_signature_validator',
  'context_engineering_is_the_way_to_go',
];

const ENVELOPE_VERSION = 1;
const ISSUERS: readonly SignatureIssuer[] = ['anthropic', 'gemini', 'openai'];
/** base64 of `{"relaymesh":1,` — every relayed signature starts with it, so a bare one is told apart cheaply. */
const RELAYED_PREFIX = Buffer.from(`{"relaymesh":${ENVELOPE_VERSION},`).toString('base64');

interface Envelope {
  relaymesh: number;
  issuer: SignatureIssuer;
  signature: string;
  thinking?: string;
}

/** A signature as read from a client request, with the reasoning text a relayed one carries. */
export interface ReadSignature {
  signature: HubSignature;
  /** The text the signature signs, when the relayed form carried it (it is the authoritative copy). */
  thinking: string | null;
}

/**
 * The string a client of the format whose provider is `native` gets for a signature: bare when `native` issued
 * it, relayed otherwise. `thinking` is the text it signs; pass it where the client may drop reasoning text.
 */
export function clientSignature(
  signature: HubSignature,
  native: SignatureIssuer | null,
  thinking?: string,
): string {
  if (signature.issuer === native) return signature.value;
  const envelope: Envelope = {
    relaymesh: ENVELOPE_VERSION,
    issuer: signature.issuer,
    signature: signature.value,
    ...(thinking === undefined || thinking === '' ? {} : { thinking }),
  };
  return Buffer.from(JSON.stringify(envelope)).toString('base64');
}

/**
 * A signature string from a client request of the format whose provider is `native`: relayed ones unwrapped,
 * bare ones taken as `native`'s, placeholders and empty strings (and relayed strings that do not decode) as no
 * signature.
 */
export function readClientSignature(
  wire: string | null | undefined,
  native: SignatureIssuer | null,
): ReadSignature | null {
  if (wire === null || wire === undefined || wire === '') return null;
  if (GEMINI_PLACEHOLDER_SIGNATURES.includes(wire)) return null;
  if (wire.startsWith(RELAYED_PREFIX)) {
    const envelope = decodeEnvelope(wire);
    if (envelope === null) return null;
    return {
      signature: { issuer: envelope.issuer, value: envelope.signature },
      thinking: envelope.thinking ?? null,
    };
  }
  return native === null ? null : { signature: { issuer: native, value: wire }, thinking: null };
}

/** The signature's value when `issuer` issued it, else null: what an upstream request may carry. */
export function signatureFor(
  signature: HubSignature | null,
  issuer: SignatureIssuer,
): string | null {
  return signature !== null && signature.issuer === issuer ? signature.value : null;
}

/** Whether a string is a relayed signature (a pass-through forwards none of them to a provider as its own). */
export function isRelayedSignature(wire: string): boolean {
  return wire.startsWith(RELAYED_PREFIX);
}

function decodeEnvelope(wire: string): Envelope | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(wire, 'base64').toString('utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const envelope = value as Partial<Envelope>;
    if (
      envelope.relaymesh !== ENVELOPE_VERSION ||
      !ISSUERS.includes(envelope.issuer as SignatureIssuer) ||
      typeof envelope.signature !== 'string' ||
      envelope.signature === '' ||
      (envelope.thinking !== undefined && typeof envelope.thinking !== 'string')
    ) {
      return null;
    }
    return envelope as Envelope;
  } catch {
    return null;
  }
}
