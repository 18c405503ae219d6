/** The examples/ programs and the SoapUI project, each run against the whole service: npm run test:examples. */
module.exports = require('../suite-config')('examples', 300000);
