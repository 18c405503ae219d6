/** The fuzz suite: mutated envelopes against a running server. */
module.exports = require('../suite-config')('fuzz', 300000);
