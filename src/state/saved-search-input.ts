import { z } from 'zod';
import { accountIdSchema } from '../accounts/seed';
import { SAVED_SEARCH_ID_PATTERN, SCRIPT_ID_PATTERN } from '../records/saved-searches';

/** A saved search as the admin API and fixtures take it: ids, a title, and the advanced search's XML. */
export const savedSearchSchema = z
  .object({
    account: accountIdSchema.optional(),
    internalId: z.string().regex(SAVED_SEARCH_ID_PATTERN, 'must be a whole number from 1 to 999999999, in digits').optional(),
    scriptId: z
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(z.string().regex(SCRIPT_ID_PATTERN, 'must be customsearch followed by letters, digits or underscores, 40 characters at most')),
    title: z.string().min(1).max(200).optional(),
    /** The definition: a …SearchAdvanced element with its criteria and columns, namespaces declared. */
    search: z.string().min(1).max(1_000_000),
  })
  .strict();

export type SavedSearchDefinitionInput = z.infer<typeof savedSearchSchema>;
