/** Faults: Postgres restarted, frozen and out of connections, the server SIGKILLed, on a cluster of the suite's own. */
module.exports = require('../suite-config')('faults', 240000);
