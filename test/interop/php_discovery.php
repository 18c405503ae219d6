<?php
// A netsuite-php style connector in PHP SoapClient, for test/interop/legacy-session.test.ts.
//
// Usage: php php_discovery.php WSDL_URL ACCOUNT EMAIL PASSWORD JOB_ID
//
// As netsuite-php does, it first asks the global endpoint where the account's data center is
// (getDataCenterUrls, no login), then points the client at webservicesDomain +
// /services/NetSuitePort_<version>, and there reads the server time and a job's status with a
// passport header. Prints one JSON object with what it saw and where each call went.

[$script, $wsdlUrl, $account, $email, $password, $jobId] = $argv;
preg_match('#/v(\d{4}_\d)_0/#', $wsdlUrl, $match);
$version = $match[1];
$messages = "urn:messages_{$version}.platform.webservices.netsuite.com";
$core = "urn:core_{$version}.platform.webservices.netsuite.com";

$client = new SoapClient($wsdlUrl, ['trace' => true, 'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE]);
$report = [];
$lookup = $client->getDataCenterUrls(['account' => $account]);
$urls = $lookup->getDataCenterUrlsResult->dataCenterUrls;
$report['dataCenterUrls'] = ['webservicesDomain' => $urls->webservicesDomain, 'systemDomain' => $urls->systemDomain];

$endpoint = rtrim($urls->webservicesDomain, '/') . "/services/NetSuitePort_{$version}";
$client->__setLocation($endpoint);
$report['endpoint'] = $endpoint;

$passport = new SoapHeader($messages, 'passport', new SoapVar(
    "<ns1:passport xmlns:ns1=\"{$messages}\" xmlns:c=\"{$core}\"><c:email>" . htmlspecialchars($email) . '</c:email><c:password>' .
    htmlspecialchars($password) . '</c:password><c:account>' . htmlspecialchars($account) . '</c:account></ns1:passport>',
    XSD_ANYXML
));
$time = $client->__soapCall('getServerTime', [[]], null, [$passport]);
$report['serverTime'] = $time->getServerTimeResult->serverTime;
$status = $client->__soapCall('checkAsyncStatus', [['jobId' => $jobId]], null, [$passport]);
$report['status'] = ['jobId' => $status->asyncStatusResult->jobId, 'status' => $status->asyncStatusResult->status];
$report['lastRequestHost'] = parse_url($endpoint, PHP_URL_HOST) . ':' . parse_url($endpoint, PHP_URL_PORT);
echo json_encode($report), "\n";
