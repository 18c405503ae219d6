/** Interop: real SOAP clients (node-soap, zeep, PHP SoapClient) against the whole service; run serially. */
module.exports = require('../suite-config')('interop', 120000);
