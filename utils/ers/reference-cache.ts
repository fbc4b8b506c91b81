// A004 reference data, cached with its version and refreshed at most once a day: code systems
// change rarely, and every search would otherwise cost extra calls.
import type { ErsClient } from './client';
import type { CodeSystemType } from 'ers-contract';
import type { Concept } from './parse';

export interface CachedCodeSystem {
  type: CodeSystemType;
  url: string;
  version?: string;
  etag?: string;
  fetchedAt: number;
  concepts: Concept[];
}

/** Where cached entries live: chrome.storage.local in the extension, a Map or file in Node. */
export interface KeyValueStore {
  get(key: string): Promise<CachedCodeSystem | undefined>;
  set(key: string, value: CachedCodeSystem): Promise<void>;
}

export class MemoryStore implements KeyValueStore {
  private readonly map = new Map<string, CachedCodeSystem>();
  async get(key: string) {
    return this.map.get(key);
  }
  async set(key: string, value: CachedCodeSystem) {
    this.map.set(key, value);
  }
}

export const ONE_DAY_MS = 24 * 60 * 60 * 1000;

export class ReferenceDataCache {
  constructor(
    private readonly client: Pick<ErsClient, 'getCodeSystem' | 'baseUrl'>,
    private readonly store: KeyValueStore = new MemoryStore(),
    private readonly maxAgeMs = ONE_DAY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  private key(type: CodeSystemType): string {
    return `ers-codesystem:${this.client.baseUrl}:${type}`;
  }

  /** The cached code system when fresh, else a new fetch (the stale copy is used if that fails). */
  async get(type: CodeSystemType): Promise<CachedCodeSystem> {
    const cached = await this.store.get(this.key(type));
    if (cached && this.now() - cached.fetchedAt < this.maxAgeMs) return cached;
    try {
      const { codeSystem, concepts, etag } = await this.client.getCodeSystem(type);
      const entry: CachedCodeSystem = { type, url: codeSystem.url, version: codeSystem.version, etag, fetchedAt: this.now(), concepts };
      await this.store.set(this.key(type), entry);
      return entry;
    } catch (error) {
      if (cached) return cached;
      throw error;
    }
  }

  /** Offerable (not retired) clinic types of a specialty. */
  async clinicTypesFor(specialty: string): Promise<Concept[]> {
    const clinicTypes = await this.get('CLINIC-TYPE');
    return clinicTypes.concepts.filter((c) => c.specialty === specialty && !c.retired);
  }
}
