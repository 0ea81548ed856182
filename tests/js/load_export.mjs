// Loads a document exported by `gridbook doc export` with the JavaScript Automerge
// implementation and checks that the records are there: node load_export.mjs FILE PERSON_ID NAME
import { readFileSync } from "node:fs";
import * as Automerge from "@automerge/automerge";

const [file, personId, name] = process.argv.slice(2);
if (!file || !personId || !name) {
  console.error("usage: node load_export.mjs FILE PERSON_ID NAME");
  process.exit(2);
}
const doc = Automerge.load(new Uint8Array(readFileSync(file)));
const person = doc[personId];
// gridbook stores fields as scalar strings, which Automerge 3 returns as ImmutableString.
if (!person || String(person.type) !== "person" || String(person.name) !== name) {
  console.error(`person ${personId} not found as ${name}:`, JSON.stringify(person));
  process.exit(1);
}
const records = Object.keys(doc).length;
const history = Automerge.getHistory(doc).length;
console.log(`ok: ${records} records, ${history} changes, ${personId} is ${String(person.name)}`);
