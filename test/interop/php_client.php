<?php
/**
 * PHP's SoapClient as a SuiteTalk async client, for test/interop/php.test.ts.
 *
 * Usage: php php_client.php WSDL_URL ok=JOB_ID errors=JOB_ID search=JOB_ID slow=JOB_ID unknown=JOB_ID
 *
 * Builds a SoapClient from the served WSDL (and the XSDs it imports), then does what a client of
 * NetSuite's asynchronous API does: polls checkAsyncStatus until a job ends, pages getAsyncResult,
 * and handles the async faults. Prints one JSON object on stdout (the shape is ClientReport in
 * interop.ts) describing what PHP read, with PHP type names (gettype) where the type matters. Each
 * part is reported on its own, so one failing part does not hide the others.
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

const CLASSMAP_TYPES = [
    'AsyncAddListResult', 'AsyncUpdateListResult', 'AsyncUpsertListResult', 'AsyncDeleteListResult',
    'AsyncGetListResult', 'AsyncInitializeListResult', 'AsyncSearchResult', 'RecordRef', 'Customer', 'Contact',
];
const TERMINAL = ['finished', 'finishedWithErrors', 'failed'];
const POLL_MICROSECONDS = 100000;
const POLL_TIMEOUT_SECONDS = 30;
const MAX_PAGES = 10;
const UNREACHABLE_PAGE = 99;
const CONTACT_FIELDS = ['entityId', 'firstName', 'lastName', 'email', 'isInactive'];

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

final class AsyncClient
{
    public SoapClient $soap;

    public function __construct(string $wsdlUrl)
    {
        $this->soap = new SoapClient($wsdlUrl, [
            'cache_wsdl' => WSDL_CACHE_NONE,
            'exceptions' => true,
            'trace' => 1,
            'classmap' => array_combine(CLASSMAP_TYPES, CLASSMAP_TYPES),
            'connection_timeout' => 10,
        ]);
    }

    public function status(string $jobId): object
    {
        return $this->soap->checkAsyncStatus(['jobId' => $jobId])->asyncStatusResult;
    }

    public function result(string $jobId, int $pageIndex): object
    {
        return $this->soap->getAsyncResult(['jobId' => $jobId, 'pageIndex' => $pageIndex])->asyncResult;
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

function poll(AsyncClient $client, string $jobId, array $until = TERMINAL): array
{
    $observations = [];
    $deadline = microtime(true) + POLL_TIMEOUT_SECONDS;
    while (true) {
        $observation = observe($client->status($jobId));
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

function write_page(object $result, int $pageIndex): array
{
    $list = prop($result, 'writeResponseList');
    $records = [];
    foreach (list_of(prop($list, 'writeResponse')) as $response) {
        $record = status_report(prop($response, 'status'));
        $ref = prop($response, 'baseRef');
        $record['baseRef'] = !is_object($ref) ? null : [
            'refType' => get_class($ref),
            'internalId' => prop($ref, 'internalId'),
            'externalId' => prop($ref, 'externalId'),
            'type' => prop($ref, 'type'),
        ];
        $records[] = $record;
    }
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
function page_through(AsyncClient $client, string $jobId): array
{
    $pages = [];
    for ($pageIndex = 1; $pageIndex <= MAX_PAGES; $pageIndex++) {
        try {
            $result = $client->result($jobId, $pageIndex);
        } catch (SoapFault $fault) {
            return ['pages' => $pages, 'end' => AsyncClient::faultReport($fault) + ['pageIndex' => $pageIndex]];
        }
        $pages[] = write_page($result, $pageIndex);
    }
    return ['pages' => $pages, 'end' => null, 'error' => 'still paging after ' . MAX_PAGES . ' pages'];
}

function search(AsyncClient $client, string $jobId): array
{
    poll($client, $jobId);
    $result = $client->result($jobId, 1);
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
        $fields = [];
        $types = [];
        foreach (CONTACT_FIELDS as $field) {
            $fields[$field] = prop($record, $field);
            $types[$field] = gettype($fields[$field]);
        }
        $report['records'][] = [
            'recordType' => is_object($record) ? get_class($record) : gettype($record),
            'recordTypeNamespace' => null,
            'internalId' => prop($record, 'internalId'),
            'externalId' => prop($record, 'externalId'),
            'fields' => $fields,
            'fieldTypes' => $types,
        ];
    }
    return $report;
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

function main(array $argv): int
{
    if (count($argv) < 2) {
        fwrite(STDERR, "usage: php php_client.php WSDL_URL ok=JOB_ID errors=JOB_ID search=JOB_ID slow=JOB_ID unknown=JOB_ID\n");
        return 2;
    }
    $wsdlUrl = $argv[1];
    $jobs = [];
    foreach (array_slice($argv, 2) as $arg) {
        [$key, $value] = array_pad(explode('=', $arg, 2), 2, '');
        $jobs[$key] = $value;
    }
    $missing = array_diff(['ok', 'errors', 'search', 'slow', 'unknown'], array_keys($jobs));
    if ($missing !== []) {
        fwrite(STDERR, 'missing job ids: ' . implode(', ', $missing) . "\n");
        return 2;
    }

    $client = new AsyncClient($wsdlUrl);
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
    $report['faults'] = [
        'invalidJobIdStatus' => section(fn () => expect_fault(fn () => $client->status($jobs['unknown']))),
        'invalidJobIdResult' => section(fn () => expect_fault(fn () => $client->result($jobs['unknown'], 1))),
        'invalidPageIndex' => section(fn () => expect_fault(fn () => $client->result($jobs['ok'], UNREACHABLE_PAGE))),
        'jobNotComplete' => section(fn () => job_not_complete($client, $jobs['slow'])),
    ];
    echo json_encode($report, JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
    return 0;
}

exit(main($argv));
