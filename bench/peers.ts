import express from 'express';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as soap from 'soap';
import { WsdlCatalog } from '../src/soap/wsdl-catalog';

/**
 * The servers the service is measured against, each run as its own process by bench/run.ts:
 * `ceiling` answers fixed bytes from memory with bare node:http (the most any server here could
 * do); `node-soap` is node-soap's documented usage, express plus soap.listen on the same WSDL,
 * serializing the status object it returns. Each prints {"url": …} once it listens.
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
  const url = kind === 'ceiling' ? await ceiling(args[0]) : kind === 'node-soap' ? await nodeSoap(args[0], args[1]) : undefined;
  if (!url) throw new Error(`unknown peer ${kind}: ceiling <bodyFile> | node-soap <version> <statusFile>`);
  process.stdout.write(`${JSON.stringify({ url })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
