// What a wasm build that `npm start` has not made yet is bundled as (webpack.config.js,
// --env only=...): the runtime sees `unbuilt` and runs the best build that exists instead.
export const unbuilt = true;
