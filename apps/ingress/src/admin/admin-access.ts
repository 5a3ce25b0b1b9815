// Who may do what on the admin API: the admin token may do everything; a read-only token (optional,
// RELAYMESH_ADMIN_READONLY_TOKENS, for dashboards and on-call reads) may only read. Tokens are held as SHA-256
// hashes and compared in constant time: every candidate is compared, whether an earlier one matched or not, and
// hashing first gives both sides of each comparison the same length.
import { hashClientKey } from '@relaymesh/secrets';
import { timingSafeEqual } from 'node:crypto';

export type AdminAccess = 'full' | 'read-only' | 'none';

/** The methods a read-only token may use: those that change nothing. */
const READ_METHODS = new Set(['GET', 'HEAD']);

export class AdminTokens {
  private readonly full: Buffer;
  private readonly readOnly: readonly Buffer[];

  /** Hex SHA-256 hashes of the admin token and of each read-only token. */
  constructor(fullHash: string, readOnlyHashes: readonly string[] = []) {
    this.full = Buffer.from(fullHash, 'hex');
    this.readOnly = readOnlyHashes.map((hash) => Buffer.from(hash, 'hex'));
  }

  /** What the `Authorization: Bearer <token>` header grants. */
  accessOf(header: string | undefined): AdminAccess {
    const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
    if (!match) return 'none';
    const presented = Buffer.from(hashClientKey(match[1].trim()), 'hex');
    const isFull = timingSafeEqual(presented, this.full);
    let isReadOnly = false;
    for (const candidate of this.readOnly) {
      // Non-short-circuiting on purpose: the time taken does not say which token matched.
      isReadOnly = timingSafeEqual(presented, candidate) || isReadOnly;
    }
    return isFull ? 'full' : isReadOnly ? 'read-only' : 'none';
  }
}

/** Whether `access` lets a request with this HTTP method through. */
export function mayUse(access: AdminAccess, method: string): boolean {
  if (access === 'full') return true;
  return access === 'read-only' && READ_METHODS.has(method.toUpperCase());
}
