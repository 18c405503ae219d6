<?php
/**
 * PHP's SoapClient as a SuiteTalk async client, for test/interop/php.test.ts.
 *
 * Usage: php php_client.php WSDL_URL credentials=JSON ok=JOB_ID errors=JOB_ID search=JOB_ID slow=JOB_ID unknown=JOB_ID records=JSON
 *
 * Builds a SoapClient from the served WSDL (and the XSDs it imports), then does what a client of
 * NetSuite's asynchronous API does: polls checkAsyncStatus until a job ends, pages getAsyncResult,
 * and handles the async faults. Then it submits real records (RECORDS in interop.ts, given as
 * records=JSON) as SoapVars naming their type (so SoapClient writes xsi:type and encodes them by
 * that type's schema), acting for an account of their own: add, getList, update, search, an
 * advanced search (asyncSearch, search, searchMoreWithId), a saved search (getSavedSearch, then
 * run by its script id through search and searchMoreWithId, asyncSearch and getAsyncResult, two
 * pages each), a search of customers by a custom field with their contacts' columns (search),
 * and an update of a missing record.
 * Every call carries a tokenPassport header signed for that call (token-based authentication)
 * with the credentials given: credentials=JSON for the jobs' account, records.credentials for
 * the records'. Last, one call is signed with HMAC-SHA1 and one with a
 * wrong token secret. Prints one JSON object on stdout (the shape is ClientReport in interop.ts)
 * describing what PHP read, with PHP type names (gettype) where the type matters. Each part is
 * reported on its own, so one failing part does not hide the others.
 *
 * Needs php-cli and php-soap (Debian: apt-get install php-cli php-soap).
 */

declare(strict_types=1);

if (!class_exists('SoapClient')) {
    fwrite(STDERR, "The soap extension is not loaded: install php-soap: apt-get install php-soap\n");
    exit(3);
}

// SoapClient builds objects of these classes for the XSD types of the same name (classmap), and
// only does so when it knows an element's concrete type, i.e. from its xsi:type. So the class of
// asyncResult shows whether PHP read the subtype: without xsi:type it is an empty stdClass.
class AsyncAddListResult extends stdClass {}
class AsyncUpdateListResult extends stdClass {}
class AsyncUpsertListResult extends stdClass {}
class AsyncDeleteListResult extends stdClass {}
class AsyncGetListResult extends stdClass {}
class AsyncInitializeListResult extends stdClass {}
class AsyncSearchResult extends stdClass {}
class RecordRef extends stdClass {}
class Customer extends stdClass {}
class Contact extends stdClass {}
class SalesOrder extends stdClass {}
class StringCustomFieldRef extends stdClass {}
class BooleanCustomFieldRef extends stdClass {}
class LongCustomFieldRef extends stdClass {}
class DoubleCustomFieldRef extends stdClass {}
class DateCustomFieldRef extends stdClass {}
class SelectCustomFieldRef extends stdClass {}
class TransactionSearchRow extends stdClass {}
class CustomerSearchRow extends stdClass {}
class CustomizationRef extends stdClass {}
class SearchColumnStringCustomField extends stdClass {}

const CLASSMAP_TYPES = [
    'AsyncAddListResult', 'AsyncUpdateListResult', 'AsyncUpsertListResult', 'AsyncDeleteListResult',
    'AsyncGetListResult', 'AsyncInitializeListResult', 'AsyncSearchResult', 'RecordRef', 'Customer', 'Contact',
    'SalesOrder', 'StringCustomFieldRef', 'BooleanCustomFieldRef', 'LongCustomFieldRef', 'DoubleCustomFieldRef',
    'DateCustomFieldRef', 'SelectCustomFieldRef', 'TransactionSearchRow', 'CustomerSearchRow', 'CustomizationRef',
    'SearchColumnStringCustomField',
];
const TERMINAL = ['finished', 'finishedWithErrors', 'failed'];
const POLL_MICROSECONDS = 100000;
const POLL_TIMEOUT_SECONDS = 30;
const MAX_PAGES = 10;
const UNREACHABLE_PAGE = 99;
const CONTACT_FIELDS = ['entityId', 'firstName', 'lastName', 'email', 'isInactive'];
const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const NONCE_LENGTH = 20;
const HASH_ALGORITHMS = ['HMAC-SHA256' => 'sha256', 'HMAC-SHA1' => 'sha1'];

/** SoapClient gives one repeated element as an object and several as an array: always a list. */
function list_of($value): array
{
    if ($value === null) {
        return [];
    }
    return is_array($value) ? $value : [$value];
}

function prop($object, string $name)
{
    return is_object($object) && property_exists($object, $name) ? $object->{$name} : null;
}

/**
 * Token-based authentication as NetSuite verifies it: HMAC of account&consumerKey&token&nonce&timestamp
 * keyed with consumerSecret&tokenSecret, base64. NetSuite refuses a nonce it has seen, so header()
 * signs anew for every call.
 */
final class TokenPassportSigner
{
    /** @param array{account: string, consumerKey: string, consumerSecret: string, tokenId: string, tokenSecret: string} $credentials */
    public function __construct(private string $messagesNs, public readonly array $credentials, public readonly string $algorithm = 'HMAC-SHA256')
    {
    }

    /** A tokenPassport with a new nonce and the current time; SoapClient encodes it by the WSDL's TokenPassport. */
    public function header(): SoapHeader
    {
        $nonce = '';
        for ($i = 0; $i < NONCE_LENGTH; $i++) {
            $nonce .= NONCE_ALPHABET[random_int(0, strlen(NONCE_ALPHABET) - 1)];
        }
        $timestamp = time();
        $c = $this->credentials;
        $base = implode('&', [$c['account'], $c['consumerKey'], $c['tokenId'], $nonce, (string) $timestamp]);
        $key = $c['consumerSecret'] . '&' . $c['tokenSecret'];
        $signature = base64_encode(hash_hmac(HASH_ALGORITHMS[$this->algorithm], $base, $key, true));
        return new SoapHeader($this->messagesNs, 'tokenPassport', [
            'account' => $c['account'],
            'consumerKey' => $c['consumerKey'],
            'token' => $c['tokenId'],
            'nonce' => $nonce,
            'timestamp' => $timestamp,
            'signature' => ['_' => $signature, 'algorithm' => $this->algorithm],
        ]);
    }
}

final class AsyncClient
{
    public SoapClient $soap;
    /** @var array<string, string> the version's namespaces by area: messages, core, common, relationships, sales */
    public array $ns;
    /** Signs the calls that are given no other signer: the scripted jobs' account. */
    private TokenPassportSigner $signer;

    public function __construct(string $wsdlUrl, array $credentials)
    {
        $this->soap = new SoapClient($wsdlUrl, [
            'cache_wsdl' => WSDL_CACHE_NONE,
            'exceptions' => true,
            'trace' => 1,
            'classmap' => array_combine(CLASSMAP_TYPES, CLASSMAP_TYPES),
            'connection_timeout' => 10,
        ]);
        // The WSDL's targetNamespace names the version; NetSuite's namespaces follow from it.
        // (SoapClient does not tell a type's namespace, and php-xml's DOM may not be installed.)
        $wsdl = (string) file_get_contents($wsdlUrl);
        if (!preg_match('/targetNamespace="urn:platform_(\d{4}_\d)\.webservices\.netsuite\.com"/', $wsdl, $match)) {
            throw new RuntimeException("cannot tell the SuiteTalk version of $wsdlUrl");
        }
        $version = $match[1];
        $this->ns = [
            'messages' => "urn:messages_$version.platform.webservices.netsuite.com",
            'core' => "urn:core_$version.platform.webservices.netsuite.com",
            'common' => "urn:common_$version.platform.webservices.netsuite.com",
            'relationships' => "urn:relationships_$version.lists.webservices.netsuite.com",
            'sales' => "urn:sales_$version.transactions.webservices.netsuite.com",
        ];
        $this->signer = $this->signerFor($credentials);
    }

    public function signerFor(array $credentials, string $algorithm = 'HMAC-SHA256'): TokenPassportSigner
    {
        return new TokenPassportSigner($this->ns['messages'], $credentials, $algorithm);
    }

    /**
     * Calls an operation with a freshly signed tokenPassport (and any other headers), passed with
     * the call rather than set on the client, so no header outlives the call it was signed for.
     *
     * @param SoapHeader[] $otherHeaders
     */
    public function call(string $operation, array $body, ?TokenPassportSigner $signer = null, array $otherHeaders = []): object
    {
        $headers = array_merge([($signer ?? $this->signer)->header()], $otherHeaders);
        return $this->soap->__soapCall($operation, [$body], null, $headers);
    }

    public function status(string $jobId, ?TokenPassportSigner $signer = null): object
    {
        return $this->call('checkAsyncStatus', ['jobId' => $jobId], $signer)->asyncStatusResult;
    }

    public function result(string $jobId, int $pageIndex, ?TokenPassportSigner $signer = null): object
    {
        return $this->call('getAsyncResult', ['jobId' => $jobId, 'pageIndex' => $pageIndex], $signer)->asyncResult;
    }

    /** The URL the last request went to (the WSDL's soap:address), from the request line and Host. */
    public function lastEndpoint(): ?string
    {
        $headers = (string) $this->soap->__getLastRequestHeaders();
        if (!preg_match('/^POST (\S+) HTTP/', $headers, $line) || !preg_match('/^Host: (\S+)/mi', $headers, $host)) {
            return null;
        }
        return 'http://' . $host[1] . $line[1];
    }

    /** What PHP gives for a SOAP fault: SoapFault with faultcode, faultstring and the decoded detail. */
    public static function faultReport(SoapFault $fault): array
    {
        $report = [
            'raised' => true,
            'faultcode' => $fault->faultcode ?? null,
            'faultstring' => $fault->faultstring ?? null,
            'detailElement' => null,
            'detailNamespace' => null,
            'detailType' => null,
            'code' => null,
            'message' => null,
        ];
        $detail = $fault->detail ?? null;
        if (!is_object($detail)) {
            return $report;
        }
        $elements = array_keys(get_object_vars($detail));
        if ($elements === []) {
            return $report;
        }
        $element = $detail->{$elements[0]};
        $report['detailElement'] = $elements[0];
        $report['detailType'] = is_object($element) ? get_class($element) : gettype($element);
        $report['code'] = prop($element, 'code');
        $report['message'] = prop($element, 'message');
        return $report;
    }
}

/** Runs one part of the report; an exception becomes ['error' => ...] instead of ending the run. */
function section(callable $part): array
{
    try {
        return $part();
    } catch (SoapFault $fault) {
        return ['error' => "unexpected SOAP fault {$fault->faultcode}: {$fault->faultstring}"];
    } catch (Throwable $error) {
        return ['error' => get_class($error) . ': ' . $error->getMessage()];
    }
}

function observe(object $status): array
{
    return [
        'status' => $status->status,
        'percentCompleted' => $status->percentCompleted,
        'percentCompletedType' => gettype($status->percentCompleted),
        'estRemainingDuration' => $status->estRemainingDuration,
        'estRemainingDurationType' => gettype($status->estRemainingDuration),
    ];
}

function poll(AsyncClient $client, string $jobId, array $until = TERMINAL, ?TokenPassportSigner $signer = null): array
{
    $observations = [];
    $deadline = microtime(true) + POLL_TIMEOUT_SECONDS;
    while (true) {
        $observation = observe($client->status($jobId, $signer));
        $observations[] = $observation;
        if (in_array($observation['status'], $until, true)) {
            return ['observations' => $observations];
        }
        if (microtime(true) > $deadline) {
            return ['observations' => $observations, 'error' => "job $jobId did not reach " . implode('/', $until) . ' in ' . POLL_TIMEOUT_SECONDS . ' s'];
        }
        usleep(POLL_MICROSECONDS);
    }
}

function status_report($status): ?array
{
    if (!is_object($status)) {
        return null;
    }
    $details = [];
    foreach (list_of(prop($status, 'statusDetail')) as $detail) {
        $details[] = ['code' => prop($detail, 'code'), 'message' => prop($detail, 'message'), 'type' => prop($detail, 'type')];
    }
    $isSuccess = prop($status, 'isSuccess');
    return ['isSuccess' => $isSuccess, 'isSuccessType' => gettype($isSuccess), 'statusDetails' => $details];
}

/** One writeResponse: its status and baseRef (its class, from xsi:type by the classmap, and attributes). */
function write_response($response): array
{
    $record = status_report(prop($response, 'status'));
    $ref = prop($response, 'baseRef');
    $record['baseRef'] = !is_object($ref) ? null : [
        'refType' => get_class($ref),
        'internalId' => prop($ref, 'internalId'),
        'externalId' => prop($ref, 'externalId'),
        'type' => prop($ref, 'type'),
    ];
    return $record;
}

function write_page(object $result, int $pageIndex): array
{
    $list = prop($result, 'writeResponseList');
    $records = array_map('write_response', list_of(prop($list, 'writeResponse')));
    return [
        'pageIndex' => $pageIndex,
        'resultType' => get_class($result),
        'resultTypeNamespace' => null,
        'hasWriteResponseList' => is_object($list),
        'listStatus' => status_report(prop($list, 'status')),
        'records' => $records,
    ];
}

/** getAsyncResult pages 1, 2, ... until the service answers INVALID_PAGE_INDEX. */
function page_through(AsyncClient $client, string $jobId, ?TokenPassportSigner $signer = null): array
{
    $pages = [];
    for ($pageIndex = 1; $pageIndex <= MAX_PAGES; $pageIndex++) {
        try {
            $result = $client->result($jobId, $pageIndex, $signer);
        } catch (SoapFault $fault) {
            return ['pages' => $pages, 'end' => AsyncClient::faultReport($fault) + ['pageIndex' => $pageIndex]];
        }
        $pages[] = write_page($result, $pageIndex);
    }
    return ['pages' => $pages, 'end' => null, 'error' => 'still paging after ' . MAX_PAGES . ' pages'];
}

/** An AsyncSearchResult page, each record read by $recordOf. */
function search_report(object $result, callable $recordOf): array
{
    $searchResult = prop($result, 'searchResult');
    $report = [
        'resultType' => get_class($result),
        'resultTypeNamespace' => null,
        'hasSearchResult' => is_object($searchResult),
        'records' => [],
    ];
    if (!is_object($searchResult)) {
        return $report;
    }
    $report['status'] = status_report(prop($searchResult, 'status'));
    foreach (['totalRecords', 'pageSize', 'totalPages', 'pageIndex'] as $field) {
        $value = prop($searchResult, $field);
        $report[$field] = $value;
        $report[$field . 'Type'] = gettype($value);
    }
    foreach (list_of(prop(prop($searchResult, 'recordList'), 'record')) as $record) {
        $report['records'][] = $recordOf($record);
    }
    return $report;
}

/** The record's class (from xsi:type, by the classmap), ids and the named simple fields with their types. */
function record_header($record, array $fieldNames): array
{
    $fields = [];
    $types = [];
    foreach ($fieldNames as $field) {
        $fields[$field] = prop($record, $field);
        $types[$field] = gettype($fields[$field]);
    }
    return [
        'recordType' => is_object($record) ? get_class($record) : gettype($record),
        'recordTypeNamespace' => null,
        'internalId' => prop($record, 'internalId'),
        'externalId' => prop($record, 'externalId'),
        'fields' => $fields,
        'fieldTypes' => $types,
    ];
}

function contact_report($record): array
{
    return record_header($record, CONTACT_FIELDS);
}

function search(AsyncClient $client, string $jobId): array
{
    poll($client, $jobId);
    return search_report($client->result($jobId, 1), 'contact_report');
}

function expect_fault(callable $call, array $extra = []): array
{
    try {
        $answer = $call();
    } catch (SoapFault $fault) {
        return AsyncClient::faultReport($fault) + $extra;
    }
    return ['raised' => false, 'answer' => json_encode($answer)] + $extra;
}

function job_not_complete(AsyncClient $client, string $jobId): array
{
    $running = poll($client, $jobId, array_merge(['processing'], TERMINAL));
    $before = end($running['observations'])['status'];
    $report = expect_fault(fn () => $client->result($jobId, 1), ['statusBefore' => $before]);
    $report['statusAfter'] = $client->status($jobId)->status;
    return $report;
}

// ---------------------------------------------------------------------------------------------
// Real records, as SoapVars naming their XSD type.

const RECORD_FIELDS = ['companyName', 'email', 'isInactive', 'memo'];
const ADDRESS_FIELDS = ['country', 'addr1', 'city', 'zip'];

function ref_report($ref): ?array
{
    if (!is_object($ref)) {
        return null;
    }
    return ['internalId' => prop($ref, 'internalId'), 'externalId' => prop($ref, 'externalId'), 'type' => prop($ref, 'type')];
}

/** What SoapClient made of one record: its class (from xsi:type, by the classmap) and fields. */
function record_report($record): array
{
    $addressbook = [];
    foreach (list_of(prop(prop($record, 'addressbookList'), 'addressbook')) as $entry) {
        $address = prop($entry, 'addressbookAddress');
        $values = null;
        if (is_object($address)) {
            $values = [];
            foreach (ADDRESS_FIELDS as $field) {
                $values[$field] = prop($address, $field);
            }
        }
        $addressbook[] = [
            'defaultShipping' => prop($entry, 'defaultShipping'),
            'defaultShippingType' => gettype(prop($entry, 'defaultShipping')),
            'defaultBilling' => prop($entry, 'defaultBilling'),
            'label' => prop($entry, 'label'),
            'address' => $values,
        ];
    }
    $customFields = [];
    foreach (list_of(prop(prop($record, 'customFieldList'), 'customField')) as $custom) {
        $value = prop($custom, 'value');
        $customFields[] = [
            'type' => is_object($custom) ? get_class($custom) : gettype($custom),
            'typeNamespace' => null,
            'scriptId' => prop($custom, 'scriptId'),
            'value' => $value,
            'valueType' => gettype($value),
        ];
    }
    $items = [];
    foreach (list_of(prop(prop($record, 'itemList'), 'item')) as $line) {
        $items[] = [
            'item' => ref_report(prop($line, 'item')),
            'quantity' => prop($line, 'quantity'),
            'quantityType' => gettype(prop($line, 'quantity')),
            'rate' => prop($line, 'rate'),
            'amount' => prop($line, 'amount'),
            'description' => prop($line, 'description'),
        ];
    }
    return record_header($record, RECORD_FIELDS) + [
        'addressbook' => $addressbook,
        'customFields' => $customFields,
        'entity' => ref_report(prop($record, 'entity')),
        'items' => $items,
    ];
}

/** The submit operations with SoapVar records, every call signed for the records' account. */
final class RecordsClient
{
    /** @var array<string, string> namespaces by area: messages, core, common, relationships, sales */
    private array $ns;
    public readonly TokenPassportSigner $signer;
    /** The request of the last submit, for the report of a step that fails. */
    public ?string $lastSubmitted = null;

    public function __construct(private AsyncClient $client, array $credentials)
    {
        $this->ns = $client->ns;
        $this->signer = $client->signerFor($credentials);
    }

    /** A value of a named XSD type: SoapClient writes xsi:type and encodes it by that type. */
    private function typed(array $value, string $area, string $type): SoapVar
    {
        return new SoapVar($value, SOAP_ENC_OBJECT, $type, $this->ns[$area]);
    }

    public function ref(array $spec): SoapVar
    {
        return $this->typed($spec, 'core', 'RecordRef');
    }

    public function customer(array $spec): SoapVar
    {
        $addressbook = [];
        foreach ($spec['addressbook'] as $entry) {
            $addressbook[] = [
                'defaultShipping' => $entry['defaultShipping'],
                'defaultBilling' => $entry['defaultBilling'],
                'label' => $entry['label'],
                'addressbookAddress' => $entry['address'],
            ];
        }
        $customFields = [];
        foreach ($spec['customFields'] as $custom) {
            $customFields[] = $this->typed(['scriptId' => $custom['scriptId'], 'value' => $custom['value']], 'core', $custom['type']);
        }
        return $this->typed($spec['fields'] + [
            'externalId' => $spec['externalId'],
            'addressbookList' => ['addressbook' => $addressbook],
            'customFieldList' => ['customField' => $customFields],
        ], 'relationships', 'Customer');
    }

    public function salesOrder(array $spec, string $customerId): SoapVar
    {
        $lines = [];
        foreach ($spec['items'] as $line) {
            // Declared as RecordRef: a plain array is encoded by that type, without xsi:type.
            $lines[] = ['item' => $line['item']] + array_intersect_key($line, array_flip(['quantity', 'rate', 'amount', 'description']));
        }
        return $this->typed($spec['fields'] + [
            'externalId' => $spec['externalId'],
            'entity' => ['internalId' => $customerId, 'type' => 'customer'],
            'itemList' => ['item' => $lines],
        ], 'sales', 'SalesOrder');
    }

    public function customerUpdate(string $internalId, array $fields): SoapVar
    {
        return $this->typed($fields + ['internalId' => $internalId], 'relationships', 'Customer');
    }

    /** Calls an operation signed for the records' account, keeping the request it sent. */
    private function send(string $operation, array $body, array $otherHeaders = []): object
    {
        $before = $this->client->soap->__getLastRequest();
        try {
            return $this->client->call($operation, $body, $this->signer, $otherHeaders);
        } finally {
            // Null when SoapClient failed before sending (it still holds the previous request).
            $sent = $this->client->soap->__getLastRequest();
            $this->lastSubmitted = $sent === $before ? null : $sent;
        }
    }

    /** Submits, polls checkAsyncStatus to the end, reads page 1 of getAsyncResult. */
    private function run(string $operation, array $body, array $otherHeaders = []): array
    {
        $submitted = $this->send($operation, $body, $otherHeaders)->asyncStatusResult;
        $polled = poll($this->client, $submitted->jobId, TERMINAL, $this->signer);
        if (isset($polled['error'])) {
            throw new RuntimeException($polled['error']);
        }
        $job = [
            'jobId' => $submitted->jobId,
            'submittedStatus' => $submitted->status,
            'submittedPercentCompleted' => $submitted->percentCompleted,
            'status' => end($polled['observations'])['status'],
        ];
        return [$job, $this->client->result($submitted->jobId, 1, $this->signer)];
    }

    public function write(string $operation, array $records): array
    {
        [$job, $result] = $this->run($operation, ['record' => $records]);
        return $job + ['page' => write_page($result, 1)];
    }

    public function getList(array $refs): array
    {
        [$job, $result] = $this->run('asyncGetList', ['baseRef' => array_map(fn (array $ref) => $this->ref($ref), $refs)]);
        $list = prop($result, 'readResponseList');
        $reads = [];
        foreach (list_of(prop($list, 'readResponse')) as $response) {
            $record = prop($response, 'record');
            $reads[] = status_report(prop($response, 'status')) + ['record' => is_object($record) ? record_report($record) : null];
        }
        return $job + [
            'resultType' => get_class($result),
            'resultTypeNamespace' => null,
            'listStatus' => status_report(prop($list, 'status')),
            'reads' => $reads,
        ];
    }

    public function search(string $contains, int $pageSize): array
    {
        $searchRecord = $this->typed(['companyName' => ['operator' => 'contains', 'searchValue' => $contains]], 'common', 'CustomerSearchBasic');
        $preferences = new SoapHeader($this->ns['messages'], 'searchPreferences', ['bodyFieldsOnly' => false, 'pageSize' => $pageSize]);
        [$job, $result] = $this->run('asyncSearch', ['searchRecord' => $searchRecord], [$preferences]);
        return $job + ['search' => search_report($result, 'record_report')];
    }

    /**
     * RECORDS.advancedSearch by asyncSearch, search and searchMoreWithId. The search is a SoapVar
     * naming TransactionSearchAdvanced; its criteria and columns, plain arrays, are encoded by the
     * types that declares. A column is an object (an empty one without customLabel): the schema
     * lets a column repeat, and SoapClient would read an array as the list of its repeats.
     */
    public function advancedSearch(array $spec, string $customerId, int $pageSize): array
    {
        $criteria = ['customerJoin' => ['internalId' => ['operator' => 'anyOf', 'searchValue' => [['internalId' => $customerId]]]]];
        $columns = [];
        foreach ($spec['columns'] as $part => $partColumns) {
            foreach ($partColumns as $column) {
                $columns[$part][$column['name']] = (object) (isset($column['customLabel']) ? ['customLabel' => $column['customLabel']] : []);
            }
        }
        $body = ['searchRecord' => $this->typed(['criteria' => $criteria, 'columns' => $columns], 'sales', 'TransactionSearchAdvanced')];
        $preferences = [new SoapHeader($this->ns['messages'], 'searchPreferences', ['pageSize' => $pageSize])];
        $read = fn (object $searchResult): array => rows_page($searchResult, $spec['columns']);
        $attempt = fn (callable $part): array => $this->attempt($part);
        $report = ['asyncSearch' => $attempt(function () use ($body, $preferences, $read): array {
            [$job, $result] = $this->run('asyncSearch', $body, $preferences);
            return $job + ['resultType' => get_class($result), 'page' => $read($result->searchResult)];
        })];
        $report['search'] = $attempt(fn () => $read($this->send('search', $body, $preferences)->searchResult));
        $searchId = $report['search']['searchId'] ?? null;
        $report['searchMore'] = is_string($searchId)
            ? $attempt(fn () => $read($this->send('searchMoreWithId', ['searchId' => $searchId, 'pageIndex' => 1], $preferences)->searchResult))
            : ['error' => 'no searchId from the search: ' . json_encode($report['search'])];
        return $report;
    }

    /**
     * RECORDS.customFieldSearch by search: a SoapVar naming CustomerSearchAdvanced, its criteria and
     * columns plain arrays encoded by the types it declares, but each customField a SoapVar naming
     * its concrete kind: customField is declared abstract (SearchCustomField, SearchColumnCustomField),
     * whose type has neither operator nor searchValue. A column is an object (see advancedSearch).
     */
    public function customFieldSearch(array $spec, int $pageSize): array
    {
        $criterion = $spec['criterion'];
        $customCriterion = $this->typed(
            ['scriptId' => $criterion['scriptId'], 'operator' => $criterion['operator'], 'searchValue' => $criterion['searchValue']],
            'core',
            $criterion['type'],
        );
        $criteria = ['basic' => ['customFieldList' => ['customField' => [$customCriterion]]]];
        $columns = [];
        foreach ($spec['columns'] as $part => $partColumns) {
            foreach ($partColumns as $column) {
                $columns[$part][$column['name']] = (object) [];
            }
        }
        $customColumns = array_map(
            fn (array $column): SoapVar => $this->typed(['scriptId' => $column['scriptId'], 'customLabel' => $column['customLabel']], 'core', $column['type']),
            $spec['customColumns'],
        );
        $columns['basic']['customFieldList'] = ['customField' => $customColumns];
        $body = ['searchRecord' => $this->typed(['criteria' => $criteria, 'columns' => $columns], 'relationships', 'CustomerSearchAdvanced')];
        $preferences = [new SoapHeader($this->ns['messages'], 'searchPreferences', ['pageSize' => $pageSize])];
        return rows_page($this->send('search', $body, $preferences)->searchResult, $spec['columns'], true);
    }

    /** One call of several; when it fails, the error shows the request SoapClient submitted. */
    private function attempt(callable $part): array
    {
        $this->lastSubmitted = null;
        $result = section($part);
        if (array_keys($result) === ['error'] && $this->lastSubmitted !== null) {
            $result['error'] .= "\nthe request SoapClient submitted: " . $this->lastSubmitted;
        }
        return $result;
    }

    /**
     * RECORDS.savedSearch: getSavedSearch of its searchType, then a SoapVar naming
     * TransactionSearchAdvanced with only savedSearchScriptId (an attribute of that type), the
     * first script id listed, by search and searchMoreWithId(searchId, 2), and by asyncSearch and
     * getAsyncResult pages 1 and 2.
     */
    public function savedSearch(array $spec, int $pageSize): array
    {
        $report = ['getSavedSearch' => $this->attempt(
            fn () => saved_search_list($this->send('getSavedSearch', ['record' => ['searchType' => $spec['searchType']]])->getSavedSearchResult),
        )];
        $scriptId = $report['getSavedSearch']['refs'][0]['scriptId'] ?? null;
        if (!is_string($scriptId) || $scriptId === '') {
            $error = ['error' => 'no script id from getSavedSearch: ' . json_encode($report['getSavedSearch'])];
            return $report + ['search' => $error, 'searchMore' => $error, 'asyncSearch' => $error, 'asyncPage2' => $error];
        }
        $body = ['searchRecord' => $this->typed(['savedSearchScriptId' => $scriptId], 'sales', 'TransactionSearchAdvanced')];
        $preferences = [new SoapHeader($this->ns['messages'], 'searchPreferences', ['pageSize' => $pageSize])];
        $read = fn (object $searchResult): array => rows_page($searchResult, $spec['columns']);
        $report['search'] = $this->attempt(fn () => $read($this->send('search', $body, $preferences)->searchResult));
        $searchId = $report['search']['searchId'] ?? null;
        $report['searchMore'] = is_string($searchId)
            ? $this->attempt(fn () => $read($this->send('searchMoreWithId', ['searchId' => $searchId, 'pageIndex' => 2], $preferences)->searchResult))
            : ['error' => 'no searchId from the search: ' . json_encode($report['search'])];
        $report['asyncSearch'] = $this->attempt(function () use ($body, $preferences, $read): array {
            [$job, $result] = $this->run('asyncSearch', $body, $preferences);
            return $job + ['resultType' => get_class($result), 'page' => $read($result->searchResult)];
        });
        $jobId = $report['asyncSearch']['jobId'] ?? null;
        $report['asyncPage2'] = is_string($jobId)
            ? $this->attempt(function () use ($jobId, $read): array {
                $result = $this->client->result($jobId, 2, $this->signer);
                return ['resultType' => get_class($result), 'page' => $read($result->searchResult)];
            })
            : ['error' => 'no job from the asyncSearch: ' . json_encode($report['asyncSearch'])];
        return $report;
    }

    /**
     * RECORDS.connector: each step on its own (one failing does not hide the others; those needing
     * an earlier step's answer say so), every customer a SoapVar naming Customer, but the round
     * trip's update, which sends back the Customer object SoapClient read.
     */
    public function connector(array $spec): array
    {
        $customer = fn (array $one): SoapVar => $this->typed(['externalId' => $one['externalId'], 'companyName' => $one['companyName']], 'relationships', 'Customer');
        $report = [];
        $report['serverTime'] = $this->attempt(fn (): array => ['serverTime' => $this->send('getServerTime', [])->getServerTimeResult->serverTime]);
        $report['search'] = $this->attempt(function () use ($spec): array {
            $searchRecord = $this->typed(['companyName' => ['operator' => 'startsWith', 'searchValue' => $spec['companyNamePrefix']]], 'common', 'CustomerSearchBasic');
            $result = $this->send('search', ['searchRecord' => $searchRecord])->searchResult;
            return [
                'isSuccess' => prop(prop($result, 'status'), 'isSuccess'),
                'totalRecords' => prop($result, 'totalRecords'),
                'records' => count(list_of(prop(prop($result, 'recordList'), 'record'))),
            ];
        });
        $report['upsertList'] = $this->attempt(fn (): array => [
            'records' => array_map('write_response', list_of(prop($this->send('upsertList', ['record' => array_map($customer, $spec['upserts'])])->writeResponseList, 'writeResponse'))),
        ]);
        $report['asyncAddList'] = $this->attempt(function () use ($spec, $customer): array {
            $submitted = $this->send('asyncAddList', ['record' => array_map($customer, $spec['adds'])])->asyncStatusResult;
            $polled = poll($this->client, $submitted->jobId, TERMINAL, $this->signer);
            if (isset($polled['error'])) {
                throw new RuntimeException($polled['error']);
            }
            return [
                'jobId' => $submitted->jobId,
                'submittedStatus' => $submitted->status,
                'submittedPercentCompleted' => $submitted->percentCompleted,
                'status' => end($polled['observations'])['status'],
                'paged' => page_through($this->client, $submitted->jobId, $this->signer),
            ];
        });
        /** The added customer at $index (of adds; deleteIndex when null), as a RecordRef. */
        $target = function (?int $index = null) use (&$report, $spec): SoapVar {
            $index ??= $spec['deleteIndex'];
            if (isset($report['asyncAddList']['error'])) {
                throw new RuntimeException('no added customer: ' . $report['asyncAddList']['error']);
            }
            $records = array_merge(...array_map(fn (array $page): array => $page['records'], $report['asyncAddList']['paged']['pages']));
            $internalId = $records[$index]['baseRef']['internalId'] ?? null;
            if (!is_string($internalId) || $internalId === '') {
                throw new RuntimeException('no added customer ' . ($index + 1) . ': ' . json_encode($records));
            }
            return $this->ref(['internalId' => $internalId, 'type' => 'customer']);
        };
        $readReport = function (object $response): array {
            $record = prop($response, 'record');
            return status_report(prop($response, 'status')) + ['record' => !is_object($record) ? null : [
                'recordType' => get_class($record),
                'internalId' => prop($record, 'internalId'),
                'externalId' => prop($record, 'externalId'),
                'companyName' => prop($record, 'companyName'),
                'dateCreated' => prop($record, 'dateCreated'),
                'lastModifiedDate' => prop($record, 'lastModifiedDate'),
            ]];
        };
        $get = fn (?int $index = null): array => $readReport($this->send('get', ['baseRef' => $target($index)])->readResponse);
        $report['get'] = $this->attempt($get);
        $report['delete'] = $this->attempt(fn (): array => write_response($this->send('delete', ['baseRef' => $target()])->writeResponse));
        $report['getAgain'] = $this->attempt($get);
        $report['getDeleted'] = $this->attempt(function () use (&$report): array {
            $started = $report['serverTime']['serverTime'] ?? null;
            if (!is_string($started)) {
                throw new RuntimeException('no flow start: ' . json_encode($report['serverTime']));
            }
            $filter = $this->typed([
                'deletedDate' => ['operator' => 'onOrAfter', 'searchValue' => $started],
                'type' => ['operator' => 'anyOf', 'searchValue' => ['customer']],
            ], 'core', 'GetDeletedFilter');
            $result = $this->send('getDeleted', ['getDeletedFilter' => $filter, 'pageIndex' => 1])->getDeletedResult;
            $deleted = [];
            foreach (list_of(prop(prop($result, 'deletedRecordList'), 'deletedRecord')) as $one) {
                $ref = prop($one, 'record');
                $deleted[] = [
                    'deletedDate' => prop($one, 'deletedDate'),
                    'refType' => is_object($ref) ? get_class($ref) : null,
                    'internalId' => prop($ref, 'internalId'),
                    'externalId' => prop($ref, 'externalId'),
                    'type' => prop($ref, 'type'),
                ];
            }
            return ['isSuccess' => prop(prop($result, 'status'), 'isSuccess'), 'totalRecords' => prop($result, 'totalRecords'), 'deleted' => $deleted];
        });

        // The round trip: the Customer object get answered, sent back by update with companyName changed.
        $asRead = null;
        $report['roundTripGet'] = $this->attempt(function () use ($target, $readReport, $spec, &$asRead): array {
            $response = $this->send('get', ['baseRef' => $target($spec['roundTripIndex'])])->readResponse;
            $asRead = prop($response, 'record');
            return $readReport($response);
        });
        $sendBack = function (array $otherHeaders = []) use (&$asRead, &$report, $spec): array {
            if (!is_object($asRead)) {
                throw new RuntimeException('no record from get: ' . json_encode($report['roundTripGet']));
            }
            $asRead->companyName = $spec['roundTripCompanyName'];
            return write_response($this->send('update', ['record' => $asRead], $otherHeaders)->writeResponse) + ['request' => $this->lastSubmitted];
        };
        // The preferences header, encoded by the WSDL's preferences element, sent next to the tokenPassport.
        $preferences = new SoapHeader($this->ns['messages'], 'preferences', ['ignoreReadOnlyFields' => true]);
        $report['updateAsRead'] = $this->attempt(fn (): array => $sendBack());
        $report['getAfterRefusal'] = $this->attempt(fn (): array => $get($spec['roundTripIndex']));
        $report['updateIgnoringReadOnly'] = $this->attempt(fn (): array => $sendBack([$preferences]));
        $report['getAfterUpdate'] = $this->attempt(fn (): array => $get($spec['roundTripIndex']));
        return $report;
    }
}

/** getSavedSearch's getSavedSearchResult: each recordRef's class (from its xsi:type, by the classmap), attributes and name. */
function saved_search_list(object $result): array
{
    $refs = [];
    foreach (list_of(prop(prop($result, 'recordRefList'), 'recordRef')) as $ref) {
        $refs[] = [
            'refType' => is_object($ref) ? get_class($ref) : gettype($ref),
            'internalId' => prop($ref, 'internalId'),
            'scriptId' => prop($ref, 'scriptId'),
            'type' => prop($ref, 'type'),
            'name' => prop($ref, 'name'),
        ];
    }
    return [
        'isSuccess' => prop(prop($result, 'status'), 'isSuccess'),
        'totalRecords' => prop($result, 'totalRecords'),
        'refs' => $refs,
    ];
}

/** One column of a row part, its RecordRef as ref_report; the list when the column came more than once. */
function column_report($values): ?array
{
    $reports = [];
    foreach (list_of($values) as $value) {
        $searchValue = prop($value, 'searchValue');
        $reports[] = ['searchValue' => is_object($searchValue) ? ref_report($searchValue) : $searchValue, 'customLabel' => prop($value, 'customLabel')];
    }
    // More than one would be a column answered twice: reported as the list, which no expectation matches.
    return $reports === [] ? null : (count($reports) === 1 ? $reports[0] : $reports);
}

/** A custom field column of a row basic's customFieldList: its class (from its xsi:type, by the classmap), attributes and elements. */
function custom_column_report($custom): array
{
    return [
        'type' => is_object($custom) ? get_class($custom) : gettype($custom),
        'typeNamespace' => null,
        'scriptId' => prop($custom, 'scriptId'),
        'internalId' => prop($custom, 'internalId'),
        'customLabel' => prop($custom, 'customLabel'),
        'searchValue' => prop($custom, 'searchValue'),
    ];
}

/**
 * A searchResult of rows: each row's class (from its xsi:type, by the classmap) and the columns
 * asked, by part; with $custom, also each customField of its basic customFieldList.
 */
function rows_page(object $searchResult, array $columns, bool $custom = false): array
{
    $rows = [];
    foreach (list_of(prop(prop($searchResult, 'searchRowList'), 'searchRow')) as $row) {
        $parts = [];
        foreach ($columns as $part => $partColumns) {
            foreach ($partColumns as $column) {
                $parts[$part][$column['name']] = column_report(prop(prop($row, $part), $column['name']));
            }
        }
        $rows[] = ['rowType' => is_object($row) ? get_class($row) : gettype($row), 'rowTypeNamespace' => null, 'parts' => $parts];
        if ($custom) {
            $rows[count($rows) - 1]['customFields'] = array_map('custom_column_report', list_of(prop(prop(prop($row, 'basic'), 'customFieldList'), 'customField')));
        }
    }
    return [
        'isSuccess' => prop(prop($searchResult, 'status'), 'isSuccess'),
        'totalRecords' => prop($searchResult, 'totalRecords'),
        'pageSize' => prop($searchResult, 'pageSize'),
        'totalPages' => prop($searchResult, 'totalPages'),
        'pageIndex' => prop($searchResult, 'pageIndex'),
        'searchId' => prop($searchResult, 'searchId'),
        'hasRecordList' => is_object(prop($searchResult, 'recordList')),
        'rows' => $rows,
    ];
}

function internal_id_of(array $writeJob, string $what): string
{
    if (isset($writeJob['error'])) {
        throw new RuntimeException("no $what: {$writeJob['error']}");
    }
    $id = $writeJob['page']['records'][0]['baseRef']['internalId'] ?? null;
    if (!is_string($id) || $id === '') {
        throw new RuntimeException("no $what: the add job answered " . json_encode($writeJob['page']['records']));
    }
    return $id;
}

function records(AsyncClient $client, array $spec): array
{
    $rc = new RecordsClient($client, $spec['credentials']);
    $report = ['account' => $rc->signer->credentials['account']];
    $customerId = function () use (&$report): string {
        return internal_id_of($report['addCustomer'], 'customer internalId');
    };
    // One step of the scenario; when it fails, the error shows the request SoapClient submitted.
    $step = function (callable $part) use ($rc): array {
        $result = section($part);
        if (array_keys($result) === ['error'] && $rc->lastSubmitted !== null) {
            $result['error'] .= "\nthe request SoapClient submitted: " . $rc->lastSubmitted;
        }
        $rc->lastSubmitted = null;
        return $result;
    };
    // Each step on its own: one failing does not hide the others (those needing its id say so).
    $report['addCustomer'] = $step(fn () => $rc->write('asyncAddList', [$rc->customer($spec['customer'])]));
    $report['addSalesOrder'] = $step(fn () => $rc->write('asyncAddList', [$rc->salesOrder($spec['salesOrder'], $customerId())]));
    $report['getList'] = $step(fn () => $rc->getList([
        ['internalId' => $customerId(), 'type' => 'customer'],
        ['internalId' => internal_id_of($report['addSalesOrder'], 'sales order internalId'), 'type' => 'salesOrder'],
    ]));
    $report['update'] = $step(fn () => $rc->write('asyncUpdateList', [$rc->customerUpdate($customerId(), $spec['update'])]));
    $report['search'] = $step(fn () => $rc->search($spec['searchFor'], $spec['pageSize']));
    $report['advancedSearch'] = $step(fn () => $rc->advancedSearch($spec['advancedSearch'], $customerId(), $spec['pageSize']));
    $report['savedSearch'] = $step(fn () => $rc->savedSearch($spec['savedSearch'], $spec['pageSize']));
    $report['customFieldSearch'] = $step(fn () => $rc->customFieldSearch($spec['customFieldSearch'], $spec['pageSize']));
    $report['updateMissing'] = $step(fn () => $rc->write('asyncUpdateList', [$rc->customerUpdate($spec['missingInternalId'], $spec['update'])]));
    $report['connector'] = $step(fn () => $rc->connector($spec['connector']));
    return $report;
}

function signed_with_sha1(AsyncClient $client, string $jobId, array $credentials): array
{
    $signer = $client->signerFor($credentials, 'HMAC-SHA1');
    return ['algorithm' => $signer->algorithm, 'status' => $client->status($jobId, $signer)->status];
}

/** A call whose signature is keyed with a token secret that is not the token's: refused. */
function wrong_token_secret(AsyncClient $client, string $jobId, array $credentials): array
{
    $signer = $client->signerFor(['tokenSecret' => $credentials['tokenSecret'] . '-wrong'] + $credentials);
    return expect_fault(fn () => $client->status($jobId, $signer));
}

function main(array $argv): int
{
    if (count($argv) < 2) {
        fwrite(STDERR, "usage: php php_client.php WSDL_URL credentials=JSON ok=JOB_ID errors=JOB_ID search=JOB_ID slow=JOB_ID unknown=JOB_ID records=JSON\n");
        return 2;
    }
    $wsdlUrl = $argv[1];
    $jobs = [];
    foreach (array_slice($argv, 2) as $arg) {
        [$key, $value] = array_pad(explode('=', $arg, 2), 2, '');
        $jobs[$key] = $value;
    }
    $missing = array_diff(['credentials', 'ok', 'errors', 'search', 'slow', 'unknown', 'records'], array_keys($jobs));
    if ($missing !== []) {
        fwrite(STDERR, 'missing arguments: ' . implode(', ', $missing) . "\n");
        return 2;
    }

    $credentials = json_decode($jobs['credentials'], true, 512, JSON_THROW_ON_ERROR);
    $client = new AsyncClient($wsdlUrl, $credentials);
    $report = [
        'client' => 'PHP ' . PHP_VERSION . ' SoapClient',
        'endpoint' => null,
        'polls' => [
            'ok' => section(fn () => poll($client, $jobs['ok'])),
        ],
    ];
    $report['endpoint'] = $client->lastEndpoint();
    $report['polls']['errors'] = section(fn () => poll($client, $jobs['errors']));
    $report['results'] = [
        'ok' => section(fn () => page_through($client, $jobs['ok'])),
        'errors' => section(fn () => page_through($client, $jobs['errors'])),
    ];
    $report['search'] = section(fn () => search($client, $jobs['search']));
    $report['records'] = section(fn () => records($client, json_decode($jobs['records'], true, 512, JSON_THROW_ON_ERROR)));
    $report['faults'] = [
        'invalidJobIdStatus' => section(fn () => expect_fault(fn () => $client->status($jobs['unknown']))),
        'invalidJobIdResult' => section(fn () => expect_fault(fn () => $client->result($jobs['unknown'], 1))),
        'invalidPageIndex' => section(fn () => expect_fault(fn () => $client->result($jobs['ok'], UNREACHABLE_PAGE))),
        'jobNotComplete' => section(fn () => job_not_complete($client, $jobs['slow'])),
    ];
    $report['auth'] = [
        'hmacSha1' => section(fn () => signed_with_sha1($client, $jobs['ok'], $credentials)),
        'wrongTokenSecret' => section(fn () => wrong_token_secret($client, $jobs['ok'], $credentials)),
    ];
    echo json_encode($report, JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
    return 0;
}

exit(main($argv));
