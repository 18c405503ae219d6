import path from 'node:path';

/** Where the WSDL and XSD templates live (wsdl/ at the project's top), from sources or dist/. */
export const TEMPLATE_DIR = path.resolve(__dirname, '../../wsdl');
