/** The CLI, built and run as a user runs it (npm run test:cli builds it first). */
module.exports = require('../suite-config')('cli', 60000);
