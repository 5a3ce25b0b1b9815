// The hash of each client key presented recently, so a request with a known key costs a map look-up instead of
// a SHA-256 (a crypto Hash object per request was ~2% of ingress CPU in `npm run bench -- --cpu-prof`). Keys
// are looked up only by their hash (the ledger stores nothing else); this memo holds presented keys in this
// replica's memory, as the request itself already does while it is served. Bounded: past `maxEntries` the
// oldest is forgotten, so a flood of made-up keys costs hashing, not memory.

export class PresentedKeyHashes {
  private readonly hashes = new Map<string, string>();

  constructor(
    private readonly hash: (presented: string) => string,
    private readonly maxEntries: number,
  ) {}

  hashOf(presented: string): string {
    let hash = this.hashes.get(presented);
    if (hash === undefined) {
      hash = this.hash(presented);
      if (this.hashes.size >= this.maxEntries) {
        this.hashes.delete(this.hashes.keys().next().value!);
      }
      this.hashes.set(presented, hash);
    }
    return hash;
  }

  get size(): number {
    return this.hashes.size;
  }
}
