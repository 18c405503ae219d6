/** The dashboard in headless Chromium (Debian's chromium, driven by playwright-core); run serially. */
module.exports = require('../suite-config')('ui', 120000);
