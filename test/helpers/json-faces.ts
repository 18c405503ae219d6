import { XMLParser } from 'fast-xml-parser';
import { ensureTestAccount, testCredentials } from './credentials';
import { TEST_ADMIN_TOKEN } from './service-token';

/**
 * Clients for the JSON faces (progress API, ServiceNow, Salesforce) acting for a test account:
 * HTTP Basic with the account's test token id and secret, the account created on first use.
 */

export interface JsonAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export class FaceClient {
  constructor(
    readonly url: string,
    readonly account: string,
  ) {}

  get authorization(): string {
    const { tokenId, tokenSecret } = testCredentials(this.account);
    return `Basic ${Buffer.from(`${tokenId}:${tokenSecret}`).toString('base64')}`;
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> {
    await ensureTestAccount(this.url, this.account, TEST_ADMIN_TOKEN);
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { Authorization: this.authorization, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  /** A progress API call that must succeed; answers the job's JSON. */
  async progress(method: string, path: string, body?: unknown): Promise<any> {
    const answer = await this.request(method, `/progress${path}`, body);
    if (answer.status >= 300) throw new Error(`${method} /progress${path} answered ${answer.status}: ${answer.text}`);
    return answer.body;
  }

  /** GlideAjax's call: POST /xmlhttp.do with form fields; answers the root's attributes. */
  async glideAjax(fields: Record<string, string>): Promise<{ status: number; attributes: Record<string, string>; text: string }> {
    await ensureTestAccount(this.url, this.account, TEST_ADMIN_TOKEN);
    const response = await fetch(`${this.url}/xmlhttp.do`, {
      method: 'POST',
      headers: { Authorization: this.authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const text = await response.text();
    return { status: response.status, attributes: xmlRootAttributes(text), text };
  }

  /** getStatus through GlideAjax, its answer attribute parsed as the client script does. */
  async getStatus(executionId: string): Promise<any> {
    const answer = await this.glideAjax({ sysparm_processor: 'AJAXProgressStatusChecker', sysparm_name: 'getStatus', sysparm_execution_id: executionId });
    if (answer.status !== 200 || answer.attributes.answer === undefined) throw new Error(`xmlhttp.do answered ${answer.status}: ${answer.text}`);
    return JSON.parse(answer.attributes.answer);
  }
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: true, parseAttributeValue: false });

/** The attributes of an XML document's root element, entities resolved by a real XML parser. */
export function xmlRootAttributes(text: string): Record<string, string> {
  const parsed = xml.parse(text) as Record<string, unknown>;
  const root = Object.entries(parsed).find(([name]) => name !== '?xml');
  return (root?.[1] ?? {}) as Record<string, string>;
}

/**
 * A value's shape: each object's keys with the shapes of their values, each array as the set of
 * its elements' shapes, leaves as their JSON type. Two values have the same shape when they have
 * the same names, the same types and the same nesting.
 */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const shapes = new Map(value.map((element) => [JSON.stringify(shapeOf(element)), shapeOf(element)]));
    return { array: [...shapes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, shape]) => shape) };
  }
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, shapeOf(inner)]));
  }
  return typeof value;
}
