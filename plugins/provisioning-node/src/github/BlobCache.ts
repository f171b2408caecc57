/**
 * Contents of git blobs by SHA. A blob never changes, so an entry is never stale: the cache is shared by every
 * request of the backend and bounded only by memory (least recently used entries go first).
 *
 * @public
 */
export class BlobCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  /** @param maxBytes - upper bound of the cached text, in UTF-16 code units times two (default 64 MiB) */
  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** The blob's text, or `undefined` when it is not cached. A hit makes the entry the most recent. */
  get(sha: string): string | undefined {
    const text = this.entries.get(sha);
    if (text === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(sha);
    this.entries.set(sha, text);
    return text;
  }

  /** Stores a blob's text; a text larger than the whole cache is not kept. */
  set(sha: string, text: string): void {
    const size = text.length * 2;
    if (size > this.maxBytes) return;
    const old = this.entries.get(sha);
    if (old !== undefined) {
      this.entries.delete(sha);
      this.bytes -= old.length * 2;
    }
    this.entries.set(sha, text);
    this.bytes += size;
    for (const [key, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= value.length * 2;
    }
  }

  /** Entries, size and hit counts, for logs and benchmarks. */
  stats(): { entries: number; bytes: number; hits: number; misses: number } {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      hits: this.hits,
      misses: this.misses,
    };
  }
}
