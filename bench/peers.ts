import express from 'express';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import * as soap from 'soap';
import { Batcher } from '../src/lib/batcher';
import { WsdlCatalog } from '../src/soap/wsdl-catalog';

/**
 * The servers the service is measured against, each run as its own process by bench/run.ts:
 * `ceiling` answers fixed bytes from memory with bare node:http (the most any server here could
 * do); `node-soap` is node-soap's documented usage, express plus soap.listen on the same WSDL,
 * serializing the status object it returns; `floor` is the least a server can do and still answer
 * every poll from Postgres: bare node:http, the job id found by indexOf, one batched prepared
 * statement for the polls that arrive together, the status filled into the same bytes (no SOAP
 * parsing, no credentials, no log, no journal). Each prints {"url": …} once it listens.
 */

const listening = (server: http.Server) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

async function ceiling(bodyFile: string): Promise<string> {
  const body = readFileSync(bodyFile);
  const server = http.createServer((req, res) => {
    // Read the request as any server must, then answer the same bytes every time.
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': body.length });
      res.end(body);
    });
  });
  return listening(server);
}

async function floor(bodyFile: string, databaseUrl: string): Promise<string> {
  const reply = readFileSync(bodyFile, 'utf8');
  const status = /<platformCore:status>[^<]*<\/platformCore:status>/;
  const percent = /<platformCore:percentCompleted>[^<]*<\/platformCore:percentCompleted>/;
  if (!status.test(reply) || !percent.test(reply)) throw new Error('the floor needs a checkAsyncStatus reply with status and percentCompleted');
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  type Row = { id: string; status: string; processed_items: number; total_items: number };
  const batches = new Batcher<string, Row | undefined>(async (ids) => {
    const { rows } = await pool.query<Row>({ name: 'floor', text: 'select id, status, processed_items, total_items from jobs where id = any($1::text[])', values: [ids] });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const from = body.indexOf('jobId>') + 6;
      const id = body.slice(from, body.indexOf('<', from));
      batches.load(id).then(
        (row) => {
          const done = !row ? 0 : row.status === 'finished' || row.status === 'finishedWithErrors' ? 100 : row.total_items > 0 ? (100 * row.processed_items) / row.total_items : 0;
          const text = reply
            .replace(status, `<platformCore:status>${row?.status ?? 'failed'}</platformCore:status>`)
            .replace(percent, `<platformCore:percentCompleted>${done.toFixed(2)}</platformCore:percentCompleted>`);
          res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
          res.end(text);
        },
        (error: unknown) => {
          // The load generator counts it as an error: the floor must not look better by failing.
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end(`${error instanceof Error ? error.message : String(error)}\n`);
        },
      );
    });
  });
  return listening(server);
}

async function nodeSoap(version: string, statusFile: string): Promise<string> {
  const status = JSON.parse(readFileSync(statusFile, 'utf8')) as Record<string, unknown>;
  const wsdlFile = new WsdlCatalog().writeVersion(version, mkdtempSync(path.join(os.tmpdir(), 'ase-bench-wsdl-')));
  const app = express();
  const server = http.createServer(app);
  const url = await listening(server);
  const service = {
    NetSuiteService: {
      NetSuitePort: {
        checkAsyncStatus: () => ({ asyncStatusResult: status }),
      },
    },
  };
  await new Promise<void>((resolve) => {
    soap.listen(app, { path: `/services/NetSuitePort_${version}`, services: service, xml: readFileSync(wsdlFile, 'utf8'), uri: wsdlFile, callback: () => resolve() } as never);
  });
  return url;
}

async function main(): Promise<void> {
  const [kind, ...args] = process.argv.slice(2);
  const url = kind === 'ceiling' ? await ceiling(args[0]) : kind === 'floor' ? await floor(args[0], args[1]) : kind === 'node-soap' ? await nodeSoap(args[0], args[1]) : undefined;
  if (!url) throw new Error(`unknown peer ${kind}: ceiling <bodyFile> | floor <bodyFile> <databaseUrl> | node-soap <version> <statusFile>`);
  process.stdout.write(`${JSON.stringify({ url })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
