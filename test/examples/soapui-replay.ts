import { setTimeout as sleep } from 'node:timers/promises';
import type { Assertion, GotoCondition, SoapUiProject, Step, TestCase, TestSuite, Transfer } from './soapui-project';
import { evaluateXPaths } from './xpath';

/**
 * Runs a SoapUI project's test cases as SoapUI's test runner would, against a live server: steps
 * in order, `${#Project#…}`/`${#TestSuite#…}`/`${#TestCase#…}` expanded in endpoints, requests
 * and assertion values, each request POSTed with its operation's SOAPAction, every assertion
 * evaluated on the real answer (XPath with libxml2), property transfers by XPath, delays slept,
 * Conditional Gotos followed when their XPath gives boolean true on the previous request step's
 * answer. A test case stops at its first failed step (failOnError) or when its timeout passes.
 * Anything the replay cannot interpret (a step or assertion type, a property scope) fails loudly.
 */

export const ASSERTION_TYPES = [
  'SOAP Response',
  'Not SOAP Fault Assertion',
  'SOAP Fault Assertion',
  'Simple Contains',
  'Simple NotContains',
  'XPath Match',
  'Valid HTTP Status Codes',
  'Invalid HTTP Status Codes',
] as const;

const SOAP_ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';
const MAX_STEP_RUNS = 1000;

export interface AssertionResult {
  name: string;
  type: string;
  passed: boolean;
  message: string;
}

export interface StepRun {
  step: string;
  kind: Step['kind'];
  passed: boolean;
  messages: string[];
  assertions: AssertionResult[];
  httpStatus?: number;
}

export interface TestCaseRun {
  testSuite: string;
  testCase: string;
  passed: boolean;
  runs: StepRun[];
  /** The test case's properties when it ended. */
  properties: Record<string, string>;
}

interface Scope {
  project: Record<string, string>;
  suite: Record<string, string>;
  testCase: Record<string, string>;
}

/** Expands property references; an unknown property or another kind of expansion is an error. */
export function expand(template: string, scope: Scope): string {
  return template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    const match = /^#(Project|TestSuite|TestCase)#(.+)$/.exec(inner);
    if (!match) throw new Error(`cannot replay the property expansion ${whole}`);
    const values = match[1] === 'Project' ? scope.project : match[1] === 'TestSuite' ? scope.suite : scope.testCase;
    if (!(match[2] in values)) throw new Error(`${whole} names a property the ${match[1]} does not declare`);
    return values[match[2]];
  });
}

const wildcardMatch = (expected: string, actual: string) =>
  new RegExp(
    `^${expected
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\S]*')}$`,
  ).test(actual);

interface Answer {
  status: number;
  body: string;
}

const envelopeChecks = [
  `declare namespace soapenv='${SOAP_ENVELOPE}'; boolean(/soapenv:Envelope/soapenv:Body)`,
  `declare namespace soapenv='${SOAP_ENVELOPE}'; boolean(/soapenv:Envelope/soapenv:Body/soapenv:Fault)`,
  `declare namespace soapenv='${SOAP_ENVELOPE}'; /soapenv:Envelope/soapenv:Body/soapenv:Fault/faultstring`,
];

function evaluateAssertion(assertion: Assertion, answer: Answer, scope: Scope): AssertionResult {
  const result = (passed: boolean, message: string): AssertionResult => ({ name: assertion.name, type: assertion.type, passed, message });
  const envelope = () => {
    const [isEnvelope, isFault, faultstring] = evaluateXPaths(answer.body, envelopeChecks);
    return { isEnvelope: isEnvelope.value === 'true', isFault: isFault.value === 'true', faultstring: faultstring.value };
  };
  try {
    switch (assertion.type) {
      case 'SOAP Response': {
        const { isEnvelope } = envelope();
        return result(isEnvelope, isEnvelope ? 'a SOAP 1.1 envelope' : 'the answer is not a SOAP 1.1 envelope with a Body');
      }
      case 'Not SOAP Fault Assertion': {
        const { isFault, faultstring } = envelope();
        return result(!isFault, isFault ? `the answer is a SOAP Fault: ${faultstring}` : 'no SOAP Fault');
      }
      case 'SOAP Fault Assertion': {
        const { isFault, faultstring } = envelope();
        return result(isFault, isFault ? `SOAP Fault: ${faultstring}` : 'the answer is not a SOAP Fault');
      }
      case 'Simple Contains':
      case 'Simple NotContains': {
        const token = expand(assertion.config.token ?? '', scope);
        const ignoreCase = assertion.config.ignoreCase === 'true';
        const found =
          assertion.config.useRegEx === 'true'
            ? new RegExp(token, ignoreCase ? 'i' : '').test(answer.body)
            : (ignoreCase ? answer.body.toLowerCase() : answer.body).includes(ignoreCase ? token.toLowerCase() : token);
        const wanted = assertion.type === 'Simple Contains';
        return result(found === wanted, `${found ? 'contains' : 'does not contain'} ${JSON.stringify(token)}`);
      }
      case 'XPath Match': {
        const expected = expand(assertion.config.content ?? '', scope);
        const [actual] = evaluateXPaths(answer.body, [assertion.config.path ?? '']);
        if (actual.type === 'node-set' && actual.count === 0) return result(false, `no node matches ${assertion.config.path}`);
        const passed = assertion.config.allowWildcards === 'true' ? wildcardMatch(expected, actual.value) : actual.value === expected;
        return result(passed, `${JSON.stringify(actual.value)}${passed ? '' : `, expected ${JSON.stringify(expected)}`}`);
      }
      case 'Valid HTTP Status Codes':
      case 'Invalid HTTP Status Codes': {
        const codes = (assertion.config.codes ?? '').split(',').map((code) => Number(code.trim()));
        const listed = codes.includes(answer.status);
        const wanted = assertion.type === 'Valid HTTP Status Codes';
        return result(listed === wanted, `HTTP ${answer.status}${listed === wanted ? '' : ` (codes ${codes.join(', ')})`}`);
      }
      default:
        return result(false, `the replay cannot evaluate a "${assertion.type}" assertion`);
    }
  } catch (error) {
    return result(false, (error as Error).message);
  }
}

function applyTransfer(transfer: Transfer, answers: Map<string, Answer>, scope: Scope): string | undefined {
  if (transfer.sourceType !== 'Response') return `transfer ${transfer.name}: the replay reads only a step's Response, not ${transfer.sourceType}`;
  const source = answers.get(transfer.sourceStep);
  if (!source) return `transfer ${transfer.name}: step ${transfer.sourceStep} has no answer yet`;
  const targets: Record<string, Record<string, string>> = { '#Project#': scope.project, '#TestSuite#': scope.suite, '#TestCase#': scope.testCase };
  const target = targets[transfer.targetStep];
  if (!target) return `transfer ${transfer.name}: the replay writes only #Project#, #TestSuite# or #TestCase# properties, not ${transfer.targetStep}`;
  const [value] = evaluateXPaths(source.body, [transfer.sourcePath]);
  if (value.type === 'node-set' && value.count === 0) {
    if (transfer.failOnError) return `transfer ${transfer.name}: nothing matches ${transfer.sourcePath} in ${transfer.sourceStep}'s answer`;
    return undefined;
  }
  target[transfer.targetType] = value.value;
  return undefined;
}

/** The first condition whose XPath gives boolean true on the answer; a non-boolean one is reported. */
function chooseGoto(conditions: GotoCondition[], answer: Answer): { target?: string; problem?: string } {
  for (const condition of conditions) {
    if (condition.type !== 'XPATH') return { problem: `condition ${condition.name}: the replay evaluates only XPATH conditions, not ${condition.type}` };
    const [value] = evaluateXPaths(answer.body, [condition.expression]);
    // SoapUI follows a condition only when its XPath's result is a boolean.
    if (value.type !== 'boolean') return { problem: `condition ${condition.name} gives a ${value.type}, not a boolean: SoapUI would never follow it` };
    if (value.value === 'true') return { target: condition.targetStep };
  }
  return {};
}

async function post(endpoint: string, action: string, body: string): Promise<Answer> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml;charset=UTF-8', SOAPAction: `"${action}"` },
    body,
  });
  return { status: response.status, body: await response.text() };
}

async function runTestCase(project: SoapUiProject, suite: TestSuite, testCase: TestCase, projectProperties: Record<string, string>): Promise<TestCaseRun> {
  const scope: Scope = { project: projectProperties, suite: { ...suite.properties }, testCase: { ...testCase.properties } };
  const answers = new Map<string, Answer>();
  const runs: StepRun[] = [];
  const started = Date.now();
  let passed = true;
  let index = 0;
  while (index < testCase.steps.length) {
    const step = testCase.steps[index];
    const run: StepRun = { step: step.name, kind: step.kind, passed: true, messages: [], assertions: [] };
    runs.push(run);
    let next = index + 1;
    try {
      switch (step.kind) {
        case 'request': {
          const operations = project.interfaces.find((i) => i.name === step.interfaceName)?.operations ?? [];
          const operation = operations.find((o) => o.name === step.operation);
          if (!operation) throw new Error(`interface ${step.interfaceName} has no operation ${step.operation}`);
          const answer = await post(expand(step.endpoint, scope), operation.action, expand(step.body, scope));
          answers.set(step.name, answer);
          run.httpStatus = answer.status;
          run.assertions = step.assertions.map((assertion) => evaluateAssertion(assertion, answer, scope));
          if (run.assertions.some((assertion) => !assertion.passed)) run.passed = false;
          break;
        }
        case 'transfer':
          for (const transfer of step.transfers) {
            const problem = applyTransfer(transfer, answers, scope);
            if (problem) run.messages.push(problem);
          }
          if (run.messages.length > 0) run.passed = false;
          break;
        case 'delay':
          await sleep(step.milliseconds);
          break;
        case 'goto': {
          const previous = testCase.steps
            .slice(0, index)
            .reverse()
            .find((s) => s.kind === 'request');
          const answer = previous && answers.get(previous.name);
          if (!answer) throw new Error('no request step before it has an answer');
          const { target, problem } = chooseGoto(step.conditions, answer);
          if (problem) throw new Error(problem);
          if (target !== undefined) {
            next = testCase.steps.findIndex((s) => s.name === target);
            if (next < 0) throw new Error(`its target step ${target} does not exist`);
            run.messages.push(`goto ${target}`);
          }
          break;
        }
        default:
          throw new Error(`the replay cannot run a "${step.type}" step`);
      }
    } catch (error) {
      run.passed = false;
      run.messages.push((error as Error).message);
    }
    if (!run.passed) {
      passed = false;
      if (testCase.failOnError) break;
    }
    if (testCase.timeoutMs > 0 && Date.now() - started > testCase.timeoutMs) {
      run.messages.push(`test case timed out after ${testCase.timeoutMs} ms`);
      run.passed = false;
      passed = false;
      break;
    }
    if (runs.length >= MAX_STEP_RUNS) {
      run.messages.push(`stopped after ${MAX_STEP_RUNS} steps`);
      passed = false;
      break;
    }
    index = next;
  }
  return { testSuite: suite.name, testCase: testCase.name, passed, runs, properties: scope.testCase };
}

/**
 * Replays every test case of every test suite, in order. `overrides` sets project properties,
 * as SoapUI's testrunner -P does (e.g. emulatorUrl).
 */
export async function replaySoapUiProject(project: SoapUiProject, overrides: Record<string, string> = {}): Promise<TestCaseRun[]> {
  const projectProperties = { ...project.properties, ...overrides };
  const results: TestCaseRun[] = [];
  for (const suite of project.testSuites) {
    for (const testCase of suite.testCases) results.push(await runTestCase(project, suite, testCase, projectProperties));
  }
  return results;
}

/** Every failed step and assertion, one line each, for a test's failure message. */
export function describeFailures(results: TestCaseRun[]): string[] {
  return results.flatMap((result) =>
    result.runs
      .filter((run) => !run.passed)
      .flatMap((run) => [
        ...run.messages.map((message) => `${result.testCase} / ${run.step}: ${message}`),
        ...run.assertions.filter((a) => !a.passed).map((a) => `${result.testCase} / ${run.step} / ${a.name} (${a.type}): ${a.message}`),
      ]),
  );
}
