// Run before the module's own start-up (emcc --pre-js; docs/web.md). Under Node 18 and later,
// emscripten 3.1.6 would fetch() flowsim.wasm by its file path, which Node's fetch refuses:
// there the module reads it from beside flowsim.js itself. A page or a worker fetches it as usual.
if (typeof process == 'object' && process.versions && process.versions.node &&
    typeof require == 'function' && !Module['wasmBinary'] && !Module['instantiateWasm']) {
  Module['wasmBinary'] = require('fs').readFileSync(require('path').join(__dirname, 'flowsim.wasm'));
}
