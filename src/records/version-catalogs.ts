import { RecordCatalog } from './record-catalog';
import type { RecordSchemas } from './record-store';

/**
 * The record schemas of each version: this project's own for every version, except the one a
 * copy of NetSuite's WSDL was given for (NETSUITE_WSDL_DIR), whose own XSDs define its records.
 */
export class VersionCatalogs implements RecordSchemas {
  constructor(
    readonly standard: RecordCatalog,
    private readonly official?: { version: string; catalog: RecordCatalog },
  ) {}

  forVersion(version: string): RecordCatalog {
    return this.official?.version === version ? this.official.catalog : this.standard;
  }

  /** For the worker, which serves jobs of every version: the official tree's types first. */
  fieldNames(recordType: string): readonly string[] | undefined {
    return this.official?.catalog.fieldNames(recordType) ?? this.standard.fieldNames(recordType);
  }
}
