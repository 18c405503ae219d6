import type { Clock } from '../lib/clock';
import { ConflictError, NotFoundError } from '../lib/errors';
import { normalizeAccountId } from '../jobs/account-id';
import type { SavedSearch, SavedSearchInput, SavedSearchReader, SavedSearchStore } from '../records/saved-searches';
import type { SavedSearchDefinitionInput } from './saved-search-input';

/** Saved searches through the admin API: define (the definition read as a SOAP search would be), list, remove. */
export class SavedSearchService {
  constructor(
    private readonly store: SavedSearchStore,
    private readonly clock: Clock,
    private readonly read: SavedSearchReader,
    private readonly defaultAccount: string,
  ) {}

  async define(input: SavedSearchDefinitionInput): Promise<SavedSearch> {
    const outcome = await this.store.put(toSavedSearchInput(input, this.read, this.defaultAccount), this.clock.now());
    if (outcome.kind === 'taken') throw new ConflictError(outcome.field, `${outcome.field}: ${takenMessage(outcome.field, input)}`);
    return outcome.search;
  }

  list(account: string | undefined, searchType?: string): Promise<SavedSearch[]> {
    return this.store.list(normalizeAccountId(account ?? this.defaultAccount), searchType);
  }

  async remove(account: string | undefined, internalId: string): Promise<void> {
    const owner = normalizeAccountId(account ?? this.defaultAccount);
    if (!(await this.store.remove(owner, internalId))) throw new NotFoundError(`Account ${owner} has no saved search ${internalId}.`);
  }
}

/** The stored form of a definition: read (a ValidationError names what is wrong), its title defaulting to its script id. */
export function toSavedSearchInput(input: SavedSearchDefinitionInput, read: SavedSearchReader, defaultAccount: string): SavedSearchInput {
  const shape = read(input.search);
  return {
    account: normalizeAccountId(input.account ?? defaultAccount),
    internalId: input.internalId,
    scriptId: input.scriptId,
    title: input.title ?? input.scriptId,
    definition: input.search,
    ...shape,
  };
}

export const takenMessage = (field: 'internalId' | 'scriptId', input: { internalId?: string; scriptId: string }): string =>
  `the account has a saved search with ${field} ${field === 'internalId' ? input.internalId : input.scriptId} already`;
