import path from 'node:path';
import { credentialsArgument, describeInterop, jobArguments, recordsArgument, requireProgram, runJsonProgram } from './interop';

/** PHP's SoapClient (Debian php-cli and php-soap), run by php_client.php. */

const PHP = process.env.INTEROP_PHP ?? 'php';
const SCRIPT = path.join(__dirname, 'php_client.php');

describeInterop({
  name: 'PHP SoapClient',
  profile: {
    double: 'double',
    booleanAttribute: 'boolean',
    booleanElement: 'boolean',
    int: 'integer',
    searchResponseInt: 'integer',
    namespaces: false,
    typedFaultDetail: false,
    recordNamespaces: true,
    recordBoolean: 'boolean',
    recordDouble: 'double',
    xsiTypeAsTypeAttribute: true,
  },
  checkInstalled() {
    requireProgram(PHP, ['--version'], `${PHP} is missing: install php-cli php-soap: apt-get install php-cli php-soap`);
    requireProgram(PHP, ['-r', 'exit(class_exists("SoapClient") ? 0 : 1);'], `PHP has no SoapClient: install php-soap: apt-get install php-soap`);
  },
  async run(wsdlUrl, createJobs) {
    const jobs = await createJobs();
    return runJsonProgram(PHP, [SCRIPT, wsdlUrl, credentialsArgument(), ...jobArguments(jobs), recordsArgument()]);
  },
});
