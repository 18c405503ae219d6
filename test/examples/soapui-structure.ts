import { SOAPUI_NAMESPACE, type SoapUiProject, type TestCase } from './soapui-project';
import { ASSERTION_TYPES } from './soapui-replay';
import { evaluateXPaths } from './xpath';

/**
 * What SoapUI needs of a project to import and run it as is, checked against the WSDL the
 * interface is bound to (as the server serves it): the config namespace and a 5.x version, a
 * WSDL interface whose binding and operations (with their SOAPActions) exist in that WSDL,
 * request steps naming that interface and its operations, transfers reading earlier request
 * steps, gotos aiming at existing steps, and every property that is expanded declared where its
 * scope says. Returns the problems found, one line each.
 */

const WSDL_NS = "declare namespace wsdl='http://schemas.xmlsoap.org/wsdl/'; declare namespace soap='http://schemas.xmlsoap.org/wsdl/soap/';";

function expansions(text: string): { scope: string; name: string }[] {
  return [...text.matchAll(/\$\{#(\w+)#([^}]+)\}/g)].map((match) => ({ scope: match[1], name: match[2] }));
}

function testCaseProblems(project: SoapUiProject, suiteProperties: Record<string, string>, testCase: TestCase): string[] {
  const problems: string[] = [];
  const where = (step: string) => `${testCase.name} / ${step}`;
  const declared: Record<string, Record<string, string>> = { Project: project.properties, TestSuite: suiteProperties, TestCase: testCase.properties };
  const checkExpansions = (step: string, text: string) => {
    for (const { scope, name } of expansions(text)) {
      if (!declared[scope]) problems.push(`${where(step)}: unknown property scope #${scope}#`);
      else if (!(name in declared[scope])) problems.push(`${where(step)}: \${#${scope}#${name}} is not a declared ${scope} property`);
    }
  };
  if (!testCase.steps.some((step) => step.kind === 'request' && step.assertions.length > 0)) problems.push(`${testCase.name}: no request step with assertions`);
  testCase.steps.forEach((step, index) => {
    const earlier = testCase.steps.slice(0, index);
    switch (step.kind) {
      case 'request': {
        const wsdlInterface = project.interfaces.find((i) => i.name === step.interfaceName);
        if (!wsdlInterface) problems.push(`${where(step.name)}: no interface named ${step.interfaceName}`);
        else if (!wsdlInterface.operations.some((o) => o.name === step.operation)) problems.push(`${where(step.name)}: ${step.interfaceName} has no operation ${step.operation}`);
        checkExpansions(step.name, step.endpoint + step.body);
        for (const assertion of step.assertions) {
          if (!(ASSERTION_TYPES as readonly string[]).includes(assertion.type))
            problems.push(`${where(step.name)}: assertion type ${assertion.type} is not one the replay evaluates`);
          checkExpansions(step.name, Object.values(assertion.config).join('\n'));
        }
        break;
      }
      case 'transfer':
        for (const transfer of step.transfers) {
          if (!earlier.some((s) => s.kind === 'request' && s.name === transfer.sourceStep))
            problems.push(`${where(step.name)}: transfer ${transfer.name} reads ${transfer.sourceStep}, not an earlier request step`);
          const scope = /^#(Project|TestSuite|TestCase)#$/.exec(transfer.targetStep)?.[1];
          if (!scope) problems.push(`${where(step.name)}: transfer ${transfer.name} writes to ${transfer.targetStep}`);
          else if (!(transfer.targetType in declared[scope]))
            problems.push(`${where(step.name)}: transfer ${transfer.name} writes ${transfer.targetType}, not a declared ${scope} property`);
        }
        break;
      case 'delay':
        if (!(step.milliseconds >= 0)) problems.push(`${where(step.name)}: delay is not a number of milliseconds`);
        break;
      case 'goto':
        if (step.conditions.length === 0) problems.push(`${where(step.name)}: no condition`);
        for (const condition of step.conditions) {
          if (!testCase.steps.some((s) => s.name === condition.targetStep))
            problems.push(`${where(step.name)}: condition ${condition.name} aims at ${condition.targetStep}, not a step`);
          if (condition.type !== 'XPATH') problems.push(`${where(step.name)}: condition ${condition.name} is of type ${condition.type}`);
        }
        if (!earlier.some((s) => s.kind === 'request')) problems.push(`${where(step.name)}: no request step before it to read`);
        break;
      default:
        problems.push(`${where(step.name)}: step type ${step.type} is not one the replay runs`);
    }
  });
  return problems;
}

export function structureProblems(project: SoapUiProject, servedWsdl: string): string[] {
  const problems: string[] = [];
  if (project.namespace !== SOAPUI_NAMESPACE) problems.push(`the con: prefix is bound to ${project.namespace}, not ${SOAPUI_NAMESPACE}`);
  if (!/^5\./.test(project.soapuiVersion)) problems.push(`soapui-version is ${project.soapuiVersion || 'missing'}, not 5.x`);
  if (project.testSuites.length === 0) problems.push('no test suite');
  if (project.interfaces.length === 0) problems.push('no interface');
  for (const wsdlInterface of project.interfaces) {
    if (wsdlInterface.type !== 'con:WsdlInterface' || wsdlInterface.soapVersion !== '1_1') problems.push(`interface ${wsdlInterface.name} is not a SOAP 1.1 WsdlInterface`);
    const binding = /^\{(.*)\}(.+)$/.exec(wsdlInterface.bindingName);
    if (!binding) {
      problems.push(`interface ${wsdlInterface.name}: bindingName ${wsdlInterface.bindingName} is not {namespace}name`);
      continue;
    }
    const [namespace, bindingName] = [binding[1], binding[2]];
    const queries = [
      `${WSDL_NS} /wsdl:definitions/@targetNamespace`,
      `${WSDL_NS} count(/wsdl:definitions/wsdl:binding[@name = '${bindingName}'])`,
      ...wsdlInterface.operations.map(
        (o) => `${WSDL_NS} count(/wsdl:definitions/wsdl:binding[@name = '${bindingName}']/wsdl:operation[@name = '${o.name}']/soap:operation[@soapAction = '${o.action}'])`,
      ),
    ];
    const [targetNamespace, bindings, ...operations] = evaluateXPaths(servedWsdl, queries);
    if (targetNamespace.value !== namespace) problems.push(`interface ${wsdlInterface.name}: the WSDL's namespace is ${targetNamespace.value}, not ${namespace}`);
    if (bindings.value !== '1') problems.push(`interface ${wsdlInterface.name}: the WSDL has no binding ${bindingName}`);
    operations.forEach((count, i) => {
      const operation = wsdlInterface.operations[i];
      if (count.value !== '1') problems.push(`interface ${wsdlInterface.name}: the WSDL's ${bindingName} has no operation ${operation.name} with SOAPAction ${operation.action}`);
    });
  }
  for (const suite of project.testSuites) {
    if (suite.testCases.length === 0) problems.push(`test suite ${suite.name} has no test case`);
    for (const testCase of suite.testCases) problems.push(...testCaseProblems(project, suite.properties, testCase));
  }
  return problems;
}
