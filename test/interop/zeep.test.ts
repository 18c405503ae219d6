import path from 'node:path';
import { credentialsArgument, describeInterop, recordsArgument, requireProgram } from './interop';
import { runJsonProgramWhenReady } from './ready-program';

/** Python zeep (Debian python3-zeep), run by zeep_client.py under Debian's own Python. */

// The python3 on PATH may be another Python without the Debian packages; zeep lives in /usr/bin/python3's.
const PYTHON = process.env.INTEROP_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'zeep_client.py');

describeInterop({
  name: 'zeep',
  profile: {
    double: 'float',
    booleanAttribute: 'bool',
    booleanElement: 'bool',
    int: 'int',
    searchResponseInt: 'int',
    namespaces: true,
    typedFaultDetail: true,
    recordNamespaces: true,
    recordBoolean: 'bool',
    recordDouble: 'float',
    xsiTypeAsTypeAttribute: false,
  },
  checkInstalled() {
    requireProgram(PYTHON, ['--version'], `${PYTHON} is missing: install python3 and python3-zeep: apt-get install python3 python3-zeep`);
    requireProgram(PYTHON, ['-c', 'import zeep, lxml'], `zeep is not importable by ${PYTHON}: install python3-zeep: apt-get install python3-zeep`);
  },
  // zeep takes seconds to read the WSDL's schemas: the jobs are created once it is ready to poll.
  run: (wsdlUrl, createJobs) =>
    runJsonProgramWhenReady(PYTHON, [SCRIPT, wsdlUrl, credentialsArgument(), 'jobs=stdin', recordsArgument()], async () => JSON.stringify(await createJobs())),
});
