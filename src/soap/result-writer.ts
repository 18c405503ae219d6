import { ASYNC_OPERATIONS, type ItemResult } from '../jobs/job';
import type { ResultPage, StatusView } from '../jobs/job-service';
import type { FieldData } from '../records/record';
import { prefixFor, type RecordCatalog } from '../records/record-catalog';
import type { RecordCatalogs } from '../records/record-catalogs';
import { localOf, namespaceOf, type ElementDecl } from '../records/schema-set';
import { namespacesOf } from './versions';
import { attributes, escapeXml, formatDouble, XSI_NS, xmlns } from './xml-write';

/** Response bodies for the async operations, written with explicit prefixes and xsi:type. */

export function asyncStatusResultXml(view: StatusView, version: string): string {
  const ns = namespacesOf(version);
  return (
    `<platformCore:asyncStatusResult xmlns:platformCore="${ns.platformCore}">` +
    `<platformCore:jobId>${escapeXml(view.jobId)}</platformCore:jobId>` +
    `<platformCore:status>${view.status}</platformCore:status>` +
    `<platformCore:percentCompleted>${formatDouble(view.percentCompleted)}</platformCore:percentCompleted>` +
    `<platformCore:estRemainingDuration>${formatDouble(view.estRemainingDuration)}</platformCore:estRemainingDuration>` +
    `</platformCore:asyncStatusResult>`
  );
}

/** `<op>Response` holding the job's status (checkAsyncStatus and every submit operation). */
export function statusResponseXml(operation: string, view: StatusView, version: string): string {
  const ns = namespacesOf(version).platformMsgs;
  return `<platformMsgs:${operation}Response xmlns:platformMsgs="${ns}">${asyncStatusResultXml(view, version)}</platformMsgs:${operation}Response>`;
}

function statusXml(isSuccess: boolean, code: string | null, message: string | null): string {
  if (isSuccess) return '<platformCore:status isSuccess="true"/>';
  return (
    '<platformCore:status isSuccess="false"><platformCore:statusDetail type="ERROR">' +
    `<platformCore:code>${escapeXml(code ?? 'UNEXPECTED_ERROR')}</platformCore:code>` +
    `<platformCore:message>${escapeXml(message ?? '')}</platformCore:message>` +
    '</platformCore:statusDetail></platformCore:status>'
  );
}

export class ResultWriter {
  constructor(private readonly catalogs: RecordCatalogs) {}

  getAsyncResultResponseXml(page: ResultPage, version: string): string {
    const ns = namespacesOf(version);
    const { job } = page;
    const spec = ASYNC_OPERATIONS[job.operation];
    const listStatus = statusXml(job.failureCode === null, job.failureCode, job.failureMessage);
    const declared = xmlns({ platformMsgs: ns.platformMsgs, platformCore: ns.platformCore, xsi: XSI_NS });

    let content: string;
    if (spec.list === 'write') {
      const catalog = this.catalogs.forVersion(version);
      content = `<platformMsgs:writeResponseList>${listStatus}${page.items.map((item) => this.writeResponse(item, catalog)).join('')}</platformMsgs:writeResponseList>`;
    } else if (spec.list === 'read') {
      const reads = page.items.map((item) => this.readResponse(item, job.operation === 'asyncInitializeList', version)).join('');
      content = `<platformMsgs:readResponseList>${listStatus}${reads}</platformMsgs:readResponseList>`;
    } else {
      const found = job.processedItems;
      content =
        `<platformCore:searchResult>${listStatus}` +
        `<platformCore:totalRecords>${found}</platformCore:totalRecords>` +
        `<platformCore:pageSize>${page.pageSize}</platformCore:pageSize>` +
        `<platformCore:totalPages>${Math.ceil(found / page.pageSize)}</platformCore:totalPages>` +
        `<platformCore:pageIndex>${page.pageIndex}</platformCore:pageIndex>` +
        `<platformCore:recordList>${page.items.map((item) => this.recordXml('platformCore:record', item, false, version)).join('')}</platformCore:recordList>` +
        `</platformCore:searchResult>`;
    }
    return (
      `<platformMsgs:getAsyncResultResponse${declared}>` +
      `<platformMsgs:asyncResult xsi:type="platformMsgs:${spec.resultType}">${content}</platformMsgs:asyncResult>` +
      `</platformMsgs:getAsyncResultResponse>`
    );
  }

  // xsi:type goes after type: PHP's SoapClient reads the first attribute named type, in any namespace.
  private writeResponse(item: ItemResult, catalog: RecordCatalog): string {
    const ref = attributes({ internalId: item.internalId, externalId: item.externalId, type: catalog.isRecordType(item.recordType) ? item.recordType : null });
    return (
      `<platformMsgs:writeResponse>${statusXml(item.isSuccess, item.code, item.message)}` +
      `<platformMsgs:baseRef${ref} xsi:type="platformCore:RecordRef"/>` +
      `</platformMsgs:writeResponse>`
    );
  }

  private readResponse(item: ItemResult, unsaved: boolean, version: string): string {
    const record = item.isSuccess ? this.recordXml('platformMsgs:record', item, unsaved, version) : '';
    return `<platformMsgs:readResponse>${statusXml(item.isSuccess, item.code, item.message)}${record}</platformMsgs:readResponse>`;
  }

  /** A whole record in its area's namespace, its fields in schema order, nested ones included. */
  private recordXml(element: string, item: ItemResult, unsaved: boolean, version: string): string {
    const catalog = this.catalogs.forVersion(version);
    const schema = catalog.get(item.recordType);
    const names = new NamespacePrefixes(version);
    if (!schema) {
      const untyped = item.record?.['@xsi:type'];
      if (typeof untyped !== 'string') throw new Error(`record type ${item.recordType} has no schema in version ${version}`);
      return this.untypedRecordXml(element, item, unsaved, untyped, names);
    }
    const ids = unsaved ? '' : attributes({ internalId: item.internalId, externalId: item.externalId });
    const fields = this.fieldsXml(catalog, schema.fields, item.record ?? {}, names);
    const type = `${names.prefix(schema.namespaceTemplate)}:${schema.typeName}`;
    return `<${element}${names.declarations()} xsi:type="${type}"${ids}>${fields}</${element}>`;
  }

  /** A record stored without a schema: its elements as sent, in their namespaces. */
  private untypedRecordXml(element: string, item: ItemResult, unsaved: boolean, type: string, names: NamespacePrefixes): string {
    const namespace = namespaceOf(type);
    const typeAttribute = `${names.prefix(namespace)}:${localOf(type)}`;
    const ids = unsaved ? '' : attributes({ internalId: item.internalId, externalId: item.externalId });
    let fields = '';
    for (const [name, value] of Object.entries(item.record ?? {})) {
      if (!name.startsWith('@')) fields += this.untypedXml(name, value, namespace, names);
    }
    return `<${element}${names.declarations()} xsi:type="${typeAttribute}"${ids}>${fields}</${element}>`;
  }

  private untypedXml(name: string, value: FieldData, parentNamespace: string, names: NamespacePrefixes): string {
    if (Array.isArray(value)) return value.map((one) => this.untypedXml(name, one, parentNamespace, names)).join('');
    if (typeof value !== 'object') return `<${names.prefix(parentNamespace)}:${name}>${escapeXml(String(value))}</${names.prefix(parentNamespace)}:${name}>`;
    const namespace = typeof value['@ns'] === 'string' ? value['@ns'] : parentNamespace;
    const tag = `${names.prefix(namespace)}:${name}`;
    const type = value['@xsi:type'];
    let head = '';
    let inner = typeof value['#text'] === 'string' ? escapeXml(value['#text']) : '';
    for (const [key, child] of Object.entries(value)) {
      if (key === '@ns' || key === '@xsi:type' || key === '#text') continue;
      if (key.startsWith('@')) head += attributes({ [key.slice(1)]: String(child) });
      else inner += this.untypedXml(key, child, namespace, names);
    }
    if (typeof type === 'string') head += ` xsi:type="${names.prefix(namespaceOf(type))}:${localOf(type)}"`;
    return inner ? `<${tag}${head}>${inner}</${tag}>` : `<${tag}${head}/>`;
  }

  private fieldsXml(catalog: RecordCatalog, declared: ElementDecl[], values: Record<string, FieldData>, names: NamespacePrefixes): string {
    let out = '';
    for (const field of declared) {
      const value = values[field.name];
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) out += this.elementXml(catalog, field, one, names);
    }
    return out;
  }

  private elementXml(catalog: RecordCatalog, field: ElementDecl, value: FieldData, names: NamespacePrefixes): string {
    const tag = `${names.prefix(field.namespace)}:${field.name}`;
    if (typeof value !== 'object' || Array.isArray(value)) return `<${tag}>${escapeXml(String(value))}</${tag}>`;
    const named = typeof value['@xsi:type'] === 'string' ? value['@xsi:type'] : undefined;
    const type = named ?? field.type;
    const xsiType = named ? ` xsi:type="${names.prefix(namespaceOf(named))}:${localOf(named)}"` : '';
    const schemas = catalog.schemas;
    const attrs = attributes(Object.fromEntries(schemas.allAttributes(type).map((name) => [name, value[`@${name}`] === undefined ? undefined : String(value[`@${name}`])])));
    const inner = this.fieldsXml(catalog, schemas.allElements(type), value, names);
    // xsi:type after the others: PHP's SoapClient takes the first attribute named type, in any namespace.
    return inner ? `<${tag}${attrs}${xsiType}>${inner}</${tag}>` : `<${tag}${attrs}${xsiType}/>`;
  }
}

/** Prefixes for the namespaces one record uses (NetSuite's where known), declared on the record. */
class NamespacePrefixes {
  private readonly used = new Map<string, string>();

  constructor(private readonly version: string) {}

  prefix(namespaceTemplate: string): string {
    const namespace = namespaceTemplate.replaceAll('{{V}}', this.version);
    let prefix = this.used.get(namespace);
    if (!prefix) {
      // NetSuite's prefix only for this version's own namespaces, and only once per record.
      const preferred = namespace.includes(`_${this.version}.`) ? prefixFor(namespace) : undefined;
      const taken = new Set(this.used.values());
      prefix = preferred && !taken.has(preferred) && preferred !== 'platformMsgs' ? preferred : `ns${this.used.size + 1}`;
      this.used.set(namespace, prefix);
    }
    return prefix;
  }

  declarations(): string {
    return xmlns(Object.fromEntries([...this.used].map(([namespace, prefix]) => [prefix, namespace])));
  }
}
