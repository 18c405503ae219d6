import { RecordCatalog } from '../src/records/record-catalog';
import { VersionCatalogs } from '../src/records/version-catalogs';
import { ResultWriter } from '../src/soap/result-writer';
import { customerFields, itemResult, resultPage } from '../test/helpers/result-pages';

/**
 * Milliseconds to build one 1,000-item getAsyncResult page in memory, warm: a write page (one
 * item in 50 failed) and a search page of customers with an address book and custom fields.
 * Each page is measured for its Content-Length too, as the endpoint does, so a string V8 has
 * left as a tree of pieces is paid for here rather than when it is sent.
 * Run: node -r ./tools/register-ts.js bench/page-writer.ts
 */

const ITEMS = 1_000;
const WARMUP_PAGES = 20;
/** Pages are built for this long at least, and their mean taken. */
const MEASURE_MS = 2_000;
const VERSION = '2023_2';

const writer = new ResultWriter(new VersionCatalogs(new RecordCatalog(), undefined));
const failed = { isSuccess: false, code: 'DUP_ENTITY', message: 'A customer record with this externalId already exists.' };
const pages = {
  write: resultPage(
    'asyncAddList',
    Array.from({ length: ITEMS }, (_, i) => itemResult(i + 1, { externalId: `c-${i + 1}`, ...(i % 50 === 0 ? failed : {}) })),
  ),
  search: resultPage(
    'asyncSearch',
    Array.from({ length: ITEMS }, (_, i) => itemResult(i + 1, { externalId: `c-${i + 1}`, record: customerFields(i + 1) })),
  ),
};

for (const [name, page] of Object.entries(pages)) {
  let bytes = 0;
  for (let i = 0; i < WARMUP_PAGES; i++) bytes = Buffer.byteLength(writer.getAsyncResultResponseXml(page, VERSION));
  const started = performance.now();
  let built = 0;
  do {
    Buffer.byteLength(writer.getAsyncResultResponseXml(page, VERSION));
    built++;
  } while (performance.now() - started < MEASURE_MS);
  const ms = (performance.now() - started) / built;
  console.log(`${name} page: ${ms.toFixed(2)} ms (${(bytes / 1024).toFixed(0)} KiB, ${((ms * 1000) / ITEMS).toFixed(2)} µs per item)`);
}
