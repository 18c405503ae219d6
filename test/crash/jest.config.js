/** Crash safety: worker processes killed and frozen mid-job, on a Postgres server. */
module.exports = require('../suite-config')('crash', 180000);
