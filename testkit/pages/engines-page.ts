// Fixture page: the engines' public API on `window`, as a host page would import it.
import * as engines from '../../src/engines/index.js';
import './engines-page-api.js';

window.rakisEngines = engines;
window.rakisEnginesReady = true;
