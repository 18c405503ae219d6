import { parentPort, workerData } from 'node:worker_threads';
import { openServerDatabase } from '../db/database';
import { PgRequestJournal } from '../db/pg-request-journal';
import { arrived, JOURNAL_APPLICATION_NAME, type FromThread, type JournalThreadSettings, type ToThread } from './journal-thread';
import { InlineJournalWriter } from '../journal/journal-writer';

/**
 * The request journal's thread (started by journal-thread.ts): it masks, encodes and writes the
 * calls it is sent, on a connection of its own to the service's Postgres server, and
 * tells the service what it wrote, what failed and when a flush is done.
 */

const port = parentPort;
if (!port) throw new Error('journal-thread-worker.ts runs as a worker thread of the service');
const settings = workerData as JournalThreadSettings;
const tell = (message: FromThread) => port.postMessage(message);

function report(error: unknown): void {
  const { name, message, stack, code } =
    error instanceof Error ? (error as Error & { code?: unknown }) : { name: 'Error', message: String(error), stack: undefined, code: undefined };
  tell({ type: 'error', error: { name, message, stack, ...(typeof code === 'string' ? { code } : {}) } });
}

// Its connections carry a name of their own (pg_stat_activity), unless the URL gives one.
const url = new URL(settings.url);
if (!url.searchParams.has('application_name')) url.searchParams.set('application_name', JOURNAL_APPLICATION_NAME);

const database = openServerDatabase({ url: url.toString(), dataDir: 'memory', poolMax: 1, waits: settings.waits, onPoolError: report });
const writer = new InlineJournalWriter(new PgRequestJournal(database), settings.maxBodyBytes, {
  settled: (count, written) => tell({ type: 'settled', count, written }),
  error: report,
});

port.on('message', (message: ToThread) => {
  switch (message.type) {
    case 'calls':
      for (const call of message.calls) writer.add(arrived(call));
      break;
    case 'flush':
      void writer.flush().then(() => tell({ type: 'flushed', id: message.id }));
      break;
    case 'stop':
      void writer
        .stop()
        .then(() => database.close())
        .catch(report)
        // The service waits for the thread's exit.
        .finally(() => process.exit(0));
      break;
  }
});

// Set up: calls sent from now on are the thread's to write (or to lose, if it dies).
tell({ type: 'ready' });
