// Ajv 8 in strict mode, as a user's CI or editor tooling would run it on trailsmith's schema.
// Usage: node ajv_strict.js SCHEMA DOCS.json  (DOCS: a JSON array of [name, document] pairs)
// Prints one JSON object: {"compiled": bool, "error": str, "results": [[name, [errors...]], ...]}.
// Run by check_schema.py with NODE_PATH pointing at the packages conformance.sh installed.
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");

const schema = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const docs = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
// strict: true turns every strict option on (unknown keywords and formats, strictTypes,
// strictTuples, strictRequired), each an exception instead of a logged warning.
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(schema);
} catch (e) {
  process.stdout.write(JSON.stringify({ compiled: false, error: String(e.message), results: [] }));
  process.exit(0);
}
const results = docs.map(([name, doc]) => {
  const ok = validate(doc);
  const errors = ok ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`);
  return [name, errors];
});
process.stdout.write(JSON.stringify({ compiled: true, error: "", results }));
