/**
 * Runs the benchmarks' TypeScript in place (no ts-node or tsx in this repo):
 * each .ts file is transpiled on require with the repository's TypeScript.
 * Types are checked separately (`tsc -p bench/tsconfig.json`), as ts-jest's
 * isolatedModules does for the tests. In place, so `__dirname` in the test
 * support files still points into the repository.
 */
const fs = require('node:fs');
const ts = require('typescript');

const options = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  resolveJsonModule: true,
  sourceMap: false,
  inlineSourceMap: true
};

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: options, fileName: filename });
  module._compile(outputText, filename);
};
