// The Node built-ins the JavaScript tests use, loosely typed: the pages are checked against the
// browser's types (tsconfig.json), and Node's own types would clash with them (setTimeout).
declare module "node:test" {
  const test: any;
  export default test;
  export const describe: any, it: any, mock: any, before: any, after: any, beforeEach: any, afterEach: any;
}
declare module "node:assert/strict" {
  const assert: any;
  export default assert;
}
declare module "node:assert" {
  const assert: any;
  export default assert;
}
declare module "node:fs" {
  export const readFileSync: any, readdirSync: any;
}
declare module "node:path" {
  export const join: any, dirname: any, resolve: any;
}
declare module "node:url" {
  export const fileURLToPath: any;
}
