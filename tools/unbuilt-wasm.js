// What a wasm build that `npm start` has not made yet is bundled as (webpack.config.js,
// --env only=...), with tools/unbuilt-integrity.json, whose `unbuilt` the runtime reads to run
// the best build that exists instead; this module is never loaded.
export const unbuilt = true;
