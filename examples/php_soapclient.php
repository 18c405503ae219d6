<?php
/**
 * asyncAddList -> checkAsyncStatus -> getAsyncResult with PHP's SoapClient.
 *
 * Builds a SoapClient from the WSDL the emulator serves, submits three customers, polls the job
 * until it ends, reads result page 1 and prints what became of each record. Every call carries a
 * tokenPassport signed for that call (token-based authentication).
 *
 * Needs PHP 8.1+ with the soap extension (Debian: apt-get install php-cli php-soap).
 *
 * Environment (defaults: the demo account a fresh emulator creates, on http://localhost:8080):
 *   EMULATOR_URL           base URL of the emulator             http://localhost:8080
 *   NS_VERSION             SuiteTalk version of the endpoint    2023_2
 *   NS_ACCOUNT             account id                           TSTDRV1234567
 *   NS_CONSUMER_KEY        integration's consumer key           demo-consumer-key
 *   NS_CONSUMER_SECRET     integration's consumer secret        demo-consumer-secret
 *   NS_TOKEN_ID            token id                             demo-token-id
 *   NS_TOKEN_SECRET        token secret                         demo-token-secret
 *   NS_EXTERNAL_ID_PREFIX  the customers' externalIds are PREFIX-1..3 (default: new each run)
 *
 * Exit status: 0 when every customer was added; 1 on a fault, an unreachable server, a job that
 * did not finish cleanly (each failed record is printed) or one still running after 120 seconds.
 */

declare(strict_types=1);

const CUSTOMERS = ['Acme Rockets', 'Globex Freight', 'Initech Supplies'];
const POLL_SECONDS = 0.5;
const POLL_TIMEOUT_SECONDS = 120;
const ENDED = ['finished', 'finishedWithErrors', 'failed'];

function setting(string $name, string $default): string
{
    $value = getenv($name);
    return $value === false || $value === '' ? $default : $value;
}

function fail(string $message): never
{
    fwrite(STDERR, "error: $message\n");
    exit(1);
}

if (!extension_loaded('soap')) {
    fail('PHP has no soap extension: install it with apt-get install php-soap');
}

$url = rtrim(setting('EMULATOR_URL', 'http://localhost:8080'), '/');
$version = setting('NS_VERSION', '2023_2');
$credentials = [
    'account' => setting('NS_ACCOUNT', 'TSTDRV1234567'),
    'consumerKey' => setting('NS_CONSUMER_KEY', 'demo-consumer-key'),
    'consumerSecret' => setting('NS_CONSUMER_SECRET', 'demo-consumer-secret'),
    'tokenId' => setting('NS_TOKEN_ID', 'demo-token-id'),
    'tokenSecret' => setting('NS_TOKEN_SECRET', 'demo-token-secret'),
];
$prefix = setting('NS_EXTERNAL_ID_PREFIX', 'example-' . time() . '-' . bin2hex(random_bytes(3)));
$messagesNs = "urn:messages_$version.platform.webservices.netsuite.com";
$relationshipsNs = "urn:relationships_$version.lists.webservices.netsuite.com";

/** A tokenPassport with a new nonce and the current time: NetSuite refuses a nonce twice. */
function token_passport(array $c, string $messagesNs): SoapHeader
{
    $nonce = bin2hex(random_bytes(16));
    $timestamp = time();
    $base = implode('&', [$c['account'], $c['consumerKey'], $c['tokenId'], $nonce, (string) $timestamp]);
    $signature = base64_encode(hash_hmac('sha256', $base, $c['consumerSecret'] . '&' . $c['tokenSecret'], true));
    return new SoapHeader($messagesNs, 'tokenPassport', [
        'account' => $c['account'],
        'consumerKey' => $c['consumerKey'],
        'token' => $c['tokenId'],
        'nonce' => $nonce,
        'timestamp' => $timestamp,
        'signature' => ['_' => $signature, 'algorithm' => 'HMAC-SHA256'],
    ]);
}

/** Calls one operation, signed; stops with the fault's words when it answers a fault. */
function call(SoapClient $client, string $operation, array $body, array $credentials, string $messagesNs): object
{
    try {
        return $client->__soapCall($operation, [$body], null, [token_passport($credentials, $messagesNs)]);
    } catch (SoapFault $fault) {
        // NetSuite's faults carry a detail element (asyncFault, invalidCredentialsFault…) with a code.
        $detail = is_object($fault->detail ?? null) ? (array) $fault->detail : [];
        $first = reset($detail);
        $code = is_object($first) && isset($first->code) ? " ($first->code)" : '';
        fail("$operation answered a SOAP fault$code: {$fault->getMessage()}");
    }
}

/** SoapClient gives a one-element list as the element itself. */
function list_of(mixed $value): array
{
    return $value === null ? [] : (is_array($value) ? $value : [$value]);
}

$wsdl = "$url/wsdl/v{$version}_0/netsuite.wsdl";
try {
    $client = new SoapClient($wsdl, ['cache_wsdl' => WSDL_CACHE_NONE, 'exceptions' => true, 'connection_timeout' => 10]);
} catch (SoapFault $fault) {
    fail("could not load the WSDL $wsdl: {$fault->getMessage()}");
}

$records = [];
foreach (CUSTOMERS as $i => $name) {
    // A SoapVar naming the XSD type, so SoapClient writes xsi:type="…:Customer" and encodes by it.
    $records[] = new SoapVar(['companyName' => $name, 'externalId' => "$prefix-" . ($i + 1)], SOAP_ENC_OBJECT, 'Customer', $relationshipsNs);
}
$job = call($client, 'asyncAddList', ['record' => $records], $credentials, $messagesNs)->asyncStatusResult->jobId;
printf("submitted job %s (%d customers to %s as %s)\n", $job, count(CUSTOMERS), $url, $credentials['account']);

$deadline = microtime(true) + POLL_TIMEOUT_SECONDS;
$last = null;
while (true) {
    $status = call($client, 'checkAsyncStatus', ['jobId' => $job], $credentials, $messagesNs)->asyncStatusResult;
    $line = sprintf('status %s %.1f%%', $status->status, $status->percentCompleted);
    if ($status->status === 'processing') {
        $line .= sprintf(' (about %.1f s left)', $status->estRemainingDuration);
    }
    if ($line !== $last) {
        echo $line, "\n";
    }
    $last = $line;
    if (in_array($status->status, ENDED, true)) {
        break;
    }
    if (microtime(true) > $deadline) {
        fail("job $job is still {$status->status} after " . POLL_TIMEOUT_SECONDS . ' seconds');
    }
    usleep((int) (POLL_SECONDS * 1_000_000));
}

$result = call($client, 'getAsyncResult', ['jobId' => $job, 'pageIndex' => 1], $credentials, $messagesNs)->asyncResult;
echo "getAsyncResult page 1:\n";
$added = 0;
foreach (list_of($result->writeResponseList->writeResponse ?? null) as $response) {
    $ref = $response->baseRef;
    if ($response->status->isSuccess) {
        $added++;
        echo "  added {$ref->externalId} internalId {$ref->internalId}\n";
    } else {
        $detail = list_of($response->status->statusDetail ?? null)[0] ?? null;
        echo "  failed {$ref->externalId} " . ($detail->code ?? '?') . ': ' . ($detail->message ?? '') . "\n";
    }
}
$summary = sprintf('job %s %s, %d of %d customers added', $job, $status->status, $added, count(CUSTOMERS));
echo "done: $summary\n";
if ($status->status !== 'finished') {
    fail($summary);
}
